#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# capture.sh PID OUTDIR — copies what gomem limits reads for process PID into
# OUTDIR, as a tree `gomem limits --root OUTDIR --pid PID` reads exactly as
# it reads the live system: proc/PID/cgroup, proc/PID/mountinfo,
# proc/meminfo, and for every cgroup from the process's up to its
# hierarchy's root the control files (memory.*, cpu.*, cgroup.procs
# emptied: the fixture keeps no pids).
set -eu
pid=$1 out=$2
mkdir -p "$out/proc/$pid"
cp "/proc/$pid/cgroup" "/proc/$pid/mountinfo" "$out/proc/$pid/"
cp /proc/meminfo "$out/proc/meminfo"
# Every cgroup mount of the process, and its path in that hierarchy.
awk '$0 ~ / - cgroup2? / { print $5 }' "/proc/$pid/mountinfo" | while read -r mnt; do
	opts=$(awk -v m="$mnt" '$5 == m { print $NF }' "/proc/$pid/mountinfo")
	case $opts in
	*memory*) ctl=memory ;;
	*cpu,*|*,cpu|*,cpu,*) ctl=cpu ;;
	*) ctl= ;;
	esac
	if [ -n "$ctl" ]; then
		path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
	elif awk '$0 ~ / - cgroup2 /' "/proc/$pid/mountinfo" | grep -q " $mnt "; then
		path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	else
		continue
	fi
	[ -n "$path" ] || continue
	dir=$mnt$path
	[ "$path" = / ] && dir=$mnt
	while :; do
		mkdir -p "$out$dir"
		for f in "$dir"/memory.* "$dir"/cpu.* "$dir"/cgroup.controllers; do
			[ -f "$f" ] || continue
			case $f in *.pressure|*/memory.force_empty|*/memory.kmem.slabinfo|*/memory.numa_stat) continue ;; esac
			cat "$f" >"$out$f" 2>/dev/null || rm -f "$out$f"
		done
		: >"$out$dir/cgroup.procs"
		[ "$dir" = "$mnt" ] && break
		dir=${dir%/*}
	done
done
