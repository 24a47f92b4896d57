#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# whatif-bench.sh — gomem gctrace --whatif over a day of gctrace, against the
# target of issue 6:
#
#   100 000 GCs (a day of a service collecting every 0.86 s) in under 1 s
#   of CPU time (user+sys), three scenarios.
#
# The log is synthesised here (awk, a fixed seed): a Go 1.19 service with a
# live heap that wanders between 200 and 300 MiB over the day, 400 MiB/s of
# allocation, GOGC=100, 8 P. It lands in ABS_BUILDDIR/bench-data/whatif
# (never committed, ~15 MB).
#
# Usage: sh contrib/bench/whatif-bench.sh ABS_BUILDDIR
# Environment: BENCH_RUNS (3: medians), BENCH_DATA (data directory).
# Exit 0 target met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/whatif-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-gctrace
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/whatif}

die() {
	echo "whatif-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
# shellcheck source=contrib/bench/measure.sh
. "$srcdir/contrib/bench/measure.sh"
bench_need_time

log=$data/day.log
if [ ! -s "$log" ]; then
	mkdir -p "$data"
	awk 'BEGIN {
		srand(6); t = 0.5; rate = 400; mib = 1048576
		for (i = 1; i <= 100000; i++) {
			live = 250 + 50 * sin(2 * 3.14159265 * t / 86400) + 5 * (rand() - 0.5)
			goal = 2 * live; trig = goal - 4 - 20 * rand()
			mark = 0.02 + 0.01 * rand(); h1 = trig + rate * mark
			printf "gc %d @%.3fs 1%%: 0.05+%.1f+0.04 ms clock, 0.4+1.2/%.1f/%.1f+0.3 ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, 0 MB globals, 8 P\n",
				i, t, mark * 1000, mark * 2000, mark * 1000, trig, h1, live + rate * mark, goal
			t += mark + (trig - live) / rate
		}
	}' >"$log.tmp"
	mv "$log.tmp" "$log"
fi
n=$(grep -c '^gc ' "$log")
[ "$n" -eq 100000 ] || die "$log has $n gc lines, not 100000 (rm it to remake)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/whatif-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

measure "$gomem" --go 1.19 --whatif 'GOGC=50;GOGC=200;GOMEMLIMIT=1GiB' "$log"
echo "whatif-bench: $n GCs ($(wc -c <"$log" | tr -d ' ') B), 3 scenarios: ${cpu}s CPU, $((rss / 1024)) MiB peak RSS (median of $runs)"
if awk -v c="$cpu" 'BEGIN { exit !(c < 1.0) }'; then
	echo "whatif-bench: target met (< 1 s)"
else
	echo "whatif-bench: target MISSED (< 1 s)"
	exit 1
fi
