#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# limits-check.sh — gomem limits against what the kernel and the Go runtime
# wrote (tests/data/limits, see its README):
#   - every cgroup tree: the effective limit, the level that set it, the CPU
#     quota; the live system: --pid of this shell is this process's cgroup;
#   - every OOM fixture: the kill (pid, comm, scope, anon-rss) and, joined
#     with the program's gctrace or heap profile, the verdict its mode means;
#     the three timestamp styles of one kill read the same;
#   - the advice: the recorded baseline gives the recorded recommendation,
#     and the real run at that setting in a cgroup of that limit stayed
#     under it, with its GC count and peak heap within the model's stated
#     error of the prediction (GC CPU too), while the defaults were killed.
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
need_tool JQ jq
gomem=$top_builddir/bin/gomem
data=$top_srcdir/tests/data/limits
export LC_ALL=C GOMEM_EXEC_PATH=$top_builddir/bin

# ---- cgroup trees ---------------------------------------------------------------------
tree() { # NAME LIMIT SET_AT_SUFFIX CPU
	root=$data/cgroup/$1
	pid=$(ls "$root/proc" | grep -v meminfo)
	"$gomem" limits --root "$root" --pid "$pid" --format json >"$tmp/t.json" 2>"$tmp/t.err" ||
		{ not_ok "$1: exit $?: $(cat "$tmp/t.err")"; return; }
	got=$("$JQ" -r '[(.limit_bytes | tostring), (.limit_set_at // "" | split("/") | last), (.cpu_limit | tostring)] | @tsv' "$tmp/t.json")
	want=$(printf '%s\t%s\t%s' "$2" "$3" "$4")
	[ "$got" = "$want" ] && ok "$1: limit, level and cpu ($got)" || not_ok "$1: got '$got', want '$want'"
}
tree v1-unlimited null "" null
tree v1-nested 268435456 gomem-parent 1.5
tree v2-pod 536870912 cri-containerd-5d0c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f.scope 1.5
tree v2-pod-limit-above 268435456 kubepods-burstable-pod2f1b6f6c_8d4e_4c1a_9a43_6f2f1c0d5e7a.slice null
# The leaf alone says "max": only the walk finds the pod's limit.
leaf=$("$gomem" limits --root "$data/cgroup/v2-pod-limit-above" --pid 4242 --format json | "$JQ" -r '.rows[0].memory_max_bytes')
[ "$leaf" = null ] && ok "v2-pod-limit-above: the container's own memory.max is max" ||
	not_ok "v2-pod-limit-above: leaf memory.max $leaf"
"$gomem" limits --cgroup /sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice --root "$data/cgroup/v2-pod" \
	--format json >"$tmp/d.json" && [ "$("$JQ" -r .limit_bytes "$tmp/d.json")" = 7340032000 ] &&
	ok "--cgroup DIR: a directory's walk" || not_ok "--cgroup DIR: $(cat "$tmp/d.json")"

# The live system: --pid of this shell reads what /proc says. Where no
# cgroup filesystem is mounted (a chroot without /sys), that is said, exit 2.
self=$(sed -n 's/^[0-9]*:memory://p; s/^0:://p' /proc/$$/cgroup | head -n 1)
"$gomem" limits --pid $$ --format json >"$tmp/live.json" 2>"$tmp/live.err"
st=$?
if [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
	if [ $st = 2 ] && grep -q "no cgroup filesystem is mounted there .*cgroup $self cannot be read" "$tmp/live.err"; then
		ok "live: no cgroup filesystem here, said (exit 2)"
	else
		not_ok "live, no /sys/fs/cgroup: exit $st: $(cat "$tmp/live.err")"
	fi
elif [ $st = 0 ] && [ "$("$JQ" -r .leaf "$tmp/live.json")" = "$self" ]; then
	ok "live: --pid $$ is in $self"
else
	not_ok "live: exit $st, leaf $("$JQ" -r .leaf "$tmp/live.json" 2>/dev/null), /proc says $self: $(cat "$tmp/live.err")"
fi
"$gomem" limits --pid 999999999 >/dev/null 2>&1; [ $? = 2 ] && ok "--pid of no process: exit 2" ||
	not_ok "--pid of no process"

# ---- OOM kills -------------------------------------------------------------------------
verdict() { # FILE EXTRA-ARGS... -> pid,comm,scope,anon,verdict
	f=$1; shift
	"$gomem" limits --oom "$f" "$@" --format csv | awk -F, 'NR == 2 { print $3 "," $4 "," $5 "," $9 "," $12 }'
}
o=$data/oom
for mode in heap stacks mmap; do
	pid=$(sed -n 's/.*Killed process \([0-9]*\) (oomload).*/\1/p' "$o/$mode.dmesg.log")
	kb=$(sed -n 's/.*Killed process.*anon-rss:\([0-9]*\)kB.*/\1/p' "$o/$mode.dmesg.log")
	a=$(verdict "$o/$mode.dmesg.log" --gctrace "$o/$mode.gctrace.log")
	b=$(verdict "$o/$mode.dmesg-T.log" --gctrace "$o/$mode.gctrace.log")
	c=$(verdict "$o/$mode.dmesg-t.log" --gctrace "$o/$mode.gctrace.log")
	h=$(verdict "$o/$mode.dmesg.log" --heap "$o/$mode.heap.txt")
	case $mode in heap) wg=go-heap wh=go-heap ;; stacks) wg=outside-heap wh=go-nonheap ;;
		mmap) wg=outside-heap wh=outside-go ;; esac
	want="$pid,oomload,cgroup,$((kb * 1024))"
	[ "$a" = "$want,$wg" ] && ok "oom $mode: the kill and the gctrace verdict ($a)" ||
		not_ok "oom $mode: got '$a', want '$want,$wg'"
	[ "$a" = "$b" ] && [ "$a" = "$c" ] && ok "oom $mode: dmesg, dmesg -T and dmesg -t read the same" ||
		not_ok "oom $mode: stamps change the reading: '$a' '$b' '$c'"
	[ "$h" = "$want,$wh" ] && ok "oom $mode: the heap profile's verdict ($h)" ||
		not_ok "oom $mode: with the heap profile got '$h', want '$want,$wh'"
done
pub() { # FILE WANT(pid,comm,scope,anon,verdict)
	got=$(verdict "$o/public/$1")
	[ "$got" = "$2" ] && ok "public $1: $got" || not_ok "public $1: got '$got', want '$2'"
}
pub centos7-syslog.log "18177,palo_be,cgroup,$((45563572 * 1024)),unknown"
pub el7-dmesg-T.log "28438,java,cgroup,$((466160 * 1024)),unknown"
pub ubuntu-5.4-dmesg.log "63214,uwsgi,cgroup,$((164992 * 1024)),unknown"
pub photon-vmware.log ""
pub kata-v2-stats.log ""

# ---- the advice, judged by the runs -------------------------------------------------------
a=$data/advice
gunzip -c "$a/baseline.log.gz" >"$tmp/baseline.log"
"$gomem" limits --gctrace "$tmp/baseline.log" --limit 144MiB --reserve 4MiB --format csv >"$tmp/advice.csv"
st=$?
cmp -s "$tmp/advice.csv" "$a/ADVICE.csv" && [ $st = 0 ] && ok "advice: the recorded recommendation, exit 0" ||
	not_ok "advice: exit $st, $(diff "$a/ADVICE.csv" "$tmp/advice.csv" | head -n 4)"
limit=$((144 << 20))
# judge NAME LABEL: the run NAME of RUNS.ndjson against the row LABEL of the advice.
judge() {
	line=$(grep "\"name\":\"$1\"" "$a/RUNS.ndjson")
	peak=$(echo "$line" | "$JQ" .peak_bytes) kills=$(echo "$line" | "$JQ" .oom_kills) ex=$(echo "$line" | "$JQ" .exit)
	gunzip -c "$a/$1.log.gz" >"$tmp/run.log"
	obs=$("$gomem" gctrace --whatif GOGC=100 --format csv "$tmp/run.log" | awk -F, '$1 == "observed" { print $2, $4, $6 }')
	pred=$(awk -F, -v l="$2" '$1 == l { print $4, $5, $8, $9, $6, $7 }' "$a/ADVICE.csv")
	echo "$obs $pred" | awk -v peak="$peak" -v lim="$limit" -v kills="$kills" -v ex="$ex" -v name="$1" '
		function within(x, p, e) { return x >= p * (1 - e / 100) && x <= p * (1 + e / 100) }
		{ ok = peak < lim && kills == 0 && ex == 0
		  printf "%s: peak %.1f MiB of %.0f MiB, exit %s; GCs %s (predicted %s +-%s%%), peak heap %.1f MiB (%.1f +-%s%%), GC CPU %s%% (%s +-%s%%)\n",
			name, peak / 1048576, lim / 1048576, ex, $1, $4, $5, $2 / 1048576, $6 / 1048576, $7, $3, $8, $9
		  if (!ok) exit 1
		  if (!within($1, $4, $5) || !within($2, $6, $7) || !within($3, $8, $9)) exit 2 }' >"$tmp/judge"
	echo $?
}
r=$(judge recommended gomem)
case $r in
0) ok "advice judged: $(cat "$tmp/judge")" ;;
*) not_ok "advice judged (status $r): $(cat "$tmp/judge")" ;;
esac
for rule in 70 85 90; do
	r=$(judge rule-$rule "$(grep -o "^$rule% ([a-z]*)" "$a/ADVICE.csv")")
	[ "$r" != 1 ] && ok "rule of thumb $rule%: survived the limit ($(cat "$tmp/judge"))" ||
		not_ok "rule of thumb $rule%: $(cat "$tmp/judge")"
done
line=$(grep '"name":"limited-default"' "$a/RUNS.ndjson")
[ "$(echo "$line" | "$JQ" .oom_kills)" -ge 1 ] &&
	ok "the defaults under the same limit were OOM-killed (the advice matters)" ||
	not_ok "the defaults survived the limit: $line"
finish
