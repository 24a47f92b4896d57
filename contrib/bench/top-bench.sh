#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# top-bench.sh — what watching costs: gomem top following 10 gctrace logs,
# each appended by its own writer (a real gc line every 100 ms), at a 1 s
# tick, for ~20 s: in batch mode and drawing the screen (in a private tmux
# server). CPU is gomem's own user+sys time from /proc/PID/stat over the
# measured span (the first 2 s, which open the files, are left out).
#
# Target: under 1 % of one core in both modes. Exit 1 when missed, 2 on
# trouble, 77 when the screen mode cannot run (no tmux) after batch passed.
#
# Usage: sh contrib/bench/top-bench.sh ABS_BUILDDIR
# Environment: BENCH_TOP_SECONDS (20), BENCH_TOP_FILES (10), TMUX (tmux binary).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/top-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-top
secs=${BENCH_TOP_SECONDS:-20}
nfiles=${BENCH_TOP_FILES:-10}
example=$srcdir/contrib/examples/gctrace.log
hz=$(getconf CLK_TCK)

die() {
	echo "top-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
[ -r "$example" ] || die "no $example"
[ -r /proc/self/stat ] || die "needs /proc (Linux)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-top-bench.XXXXXX")
sock="gomem-top-bench-$$"
tmux_bin=${TMUX:-}
[ -n "$tmux_bin" ] && [ -f "$tmux_bin" ] && [ -x "$tmux_bin" ] || tmux_bin=$(command -v tmux || true)
pids=""
cleanup() {
	[ -n "$tmux_bin" ] && "$tmux_bin" -L "$sock" kill-server 2>/dev/null || true
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

grep '^gc ' "$example" >"$tmp/lines"
files=""
i=1
while [ $i -le "$nfiles" ]; do
	f=$tmp/app$i.log
	: >"$f"
	(while :; do
		while IFS= read -r l; do printf '%s\n' "$l" >>"$f"; sleep 0.1; done <"$tmp/lines"
	done) &
	pids="$pids $!"
	files="$files $f"
	i=$((i + 1))
done

# cpu_ticks PID: utime + stime (fields 14 and 15; comm may hold spaces).
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
now() {
	awk '{ print $1 }' /proc/uptime
}
# measure NAME PID: CPU % of one core over $secs seconds after a 2 s warm-up.
failed=0
measure() {
	sleep 2
	kill -0 "$2" 2>/dev/null || die "$1: gomem top is not running"
	t0=$(now) c0=$(cpu_ticks "$2")
	sleep "$secs"
	kill -0 "$2" 2>/dev/null || die "$1: gomem top ended early"
	t1=$(now) c1=$(cpu_ticks "$2")
	pct=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.2f", c / hz / (t1 - t0) * 100 }')
	verdict=ok
	awk -v p="$pct" 'BEGIN { exit !(p < 1.0) }' || { verdict=MISSED; failed=1; }
	printf '%-34s %6s %% of a core over %ss (%s ticks of %s/s)  target < 1 %%  %s\n' \
		"$1" "$pct" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		"$((c1 - c0))" "$hz" "$verdict"
}

echo "gomem top, $nfiles followed logs, each appended every 100 ms, 1 s tick"
# shellcheck disable=SC2086
"$gomem" --batch --interval 1s $files >/dev/null &
bpid=$!
pids="$pids $bpid"
measure "batch (--batch --interval 1s)" "$bpid"
kill "$bpid" 2>/dev/null || true
wait "$bpid" 2>/dev/null || true

if [ -z "$tmux_bin" ]; then
	echo "screen mode: tmux not installed, skipped"
	[ $failed = 0 ] && exit 77 || exit 1
fi
"$tmux_bin" -L "$sock" -f /dev/null new-session -d -x 160 -y 40 \
	"exec env TERM=screen '$gomem' --interval 1s $files" || die "tmux new-session failed"
sleep 0.5
spid=$("$tmux_bin" -L "$sock" display -p '#{pane_pid}')
[ -n "$spid" ] || die "no pane pid"
measure "screen (ncurses in tmux, 160x40)" "$spid"
"$tmux_bin" -L "$sock" send-keys q
exit $failed
