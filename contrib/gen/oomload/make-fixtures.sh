#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — real OOM kills for gomem limits --oom: oomload (each
# -mode) runs with GODEBUG=gctrace=1 in a memory cgroup made for it under
# this shell's own (v1 memory.limit_in_bytes, or v2 memory.max), until the
# kernel's OOM killer ends it. Kept per mode in tests/data/limits/oom:
#   MODE.gctrace.log    the program's stderr (gctrace, its own step lines)
#   MODE.heap.txt       its last heap profile (debug=1)
#   MODE.dmesg.log      the kernel's report of that kill, as dmesg prints it
#   MODE.dmesg-T.log    the same as dmesg -T (wall-clock stamps)
#   MODE.dmesg-t.log    the same as dmesg -t (no stamps)
# Needs root and a memory controller; writes nothing outside OUTDIR and the
# cgroup it removes again.
# Usage: sh contrib/gen/oomload/make-fixtures.sh [OUTDIR [LIMIT_MIB]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/limits/oom}
limit=$(( ${2:-96} << 20 ))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oomload.XXXXXX")
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=$tmp/cache
export GOPROXY GOTOOLCHAIN GOFLAGS GOCACHE
(cd "$here" && go build -trimpath -buildvcs=false -o "$tmp/oomload" .)

if v1=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup) && [ -n "$v1" ] &&
	[ -d "/sys/fs/cgroup/memory$v1" ]; then
	cg=/sys/fs/cgroup/memory$v1/gomem-oom
	mkdir -p "$cg"
	echo "$limit" >"$cg/memory.limit_in_bytes"
else
	v2=$(sed -n 's/^0:://p' /proc/self/cgroup)
	cg=/sys/fs/cgroup$v2/gomem-oom
	mkdir -p "$cg"
	echo "$limit" >"$cg/memory.max"
fi
trap 'rmdir "$cg" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$out"
for mode in heap stacks mmap; do
	rm -f "$tmp/heap.txt"
	# The subshell joins the cgroup, then becomes oomload.
	(echo $$ >/dev/null; sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec env GODEBUG=gctrace=1 "$@"' \
		sh "$cg" "$tmp/oomload" -mode "$mode" -heapprofile "$tmp/heap.txt") \
		2>"$out/$mode.gctrace.log" || true
	pid=$(dmesg | sed -n 's/.*Memory cgroup out of memory: Killed process \([0-9]*\) (oomload).*/\1/p' | tail -n 1)
	[ -n "$pid" ] || { echo "make-fixtures: no OOM kill of oomload in dmesg" >&2; exit 1; }
	cp "$tmp/heap.txt" "$out/$mode.heap.txt"
	for flags in "" -T -t; do
		# From the last "invoked oom-killer" to the kill of PID (and the reaper's line).
		dmesg $flags | awk -v pid="$pid" '/invoked oom-killer/ { n = 0 } { buf[n++] = $0 }
			/Killed process/ && index($0, "process " pid " ") { for (i = 0; i < n; i++) print buf[i]; done = 1; n = 0; next }
			done && /oom_reaper: reaped process/ && index($0, "process " pid " ") { print; exit }' \
			>"$out/$mode.dmesg$flags.log"
	done
	echo "$mode: killed pid $pid at $(tail -n 1 "$out/$mode.gctrace.log")"
done
