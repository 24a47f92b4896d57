#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# allocsim-bench.sh — gomem allocsim replaying a 10-million-event stream,
# against the target of issue 6:
#
#   throughput  >= 10 million events/s   (events over CPU time, user+sys)
#
# and peak RSS for the record. The stream (~150 MB) is written on first use
# into ABS_BUILDDIR/bench-data/allocsim/bench.stream (never committed) by an
# awk generator with a fixed seed, shaped like a steady server: sizes from 1 B
# to 96 KiB (mostly small, a third pointer-free), a working set held near
# 50 000 objects by frees, and a gc every 100 000 events.
#
# Usage: sh contrib/bench/allocsim-bench.sh ABS_BUILDDIR
# Environment: BENCH_RUNS (3: medians), BENCH_DATA (data directory),
# BENCH_EVENTS (10000000).
# Exit 0 target met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/allocsim-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
gomem=$builddir/bin/gomem-allocsim
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/allocsim}
events=${BENCH_EVENTS:-10000000}

die() {
	echo "allocsim-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
. "$(dirname "$0")/measure.sh"
bench_need_time

in=$data/bench.stream
stamp="v1 $events"
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ] || [ ! -s "$in" ]; then
	echo "allocsim-bench: generating $events events into $in"
	mkdir -p "$data"
	awk -v n="$events" 'BEGIN {
		srand(42)
		live = 0; next_id = 0
		for (i = 0; i < n; i++) {
			if (i % 100000 == 99999) { print "gc"; continue }
			if (live > 0 && (rand() < 0.45 || live >= 50000)) {
				k = int(rand() * live)
				print "f " ids[k]
				ids[k] = ids[--live]
				continue
			}
			r = rand()
			if (r < 0.6) size = 1 + int(rand() * 256)
			else if (r < 0.9) size = 257 + int(rand() * 3840)
			else if (r < 0.99) size = 4097 + int(rand() * 28672)
			else size = 32769 + int(rand() * 65536)
			if (rand() < 0.66) { size = int((size + 7) / 8) * 8; kind = "scan" } else kind = "noscan"
			print "a " next_id " " size " " kind
			ids[live++] = next_id++
		}
	}' >"$in.tmp" || die "generating the stream failed"
	mv "$in.tmp" "$in"
	echo "$stamp" >"$data/STAMP"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/allocsim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM


measure "$gomem" "$in"
lines=$(grep -c . "$in")
awk -v ev="$lines" -v cpu="$cpu" -v rss="$rss" 'BEGIN {
	c = cpu < 0.001 ? 0.001 : cpu
	rate = ev / c / 1e6
	printf "\n  %-10s %12s %8s %12s %12s\n", "", "events", "CPU s", "M events/s", "max RSS MiB"
	printf "  %-10s %12d %8.3f %12.1f %12.1f  %s (>= 10 M events/s)\n", "allocsim", ev, cpu, rate,
		rss / 1024, (rate >= 10 ? "ok" : "MISSED")
	exit (rate >= 10 ? 0 : 1)
}'
