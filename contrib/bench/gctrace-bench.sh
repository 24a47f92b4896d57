#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# gctrace-bench.sh — how fast libgomem reads gctrace logs, against `wc -l` on
# the same file (our distance to the limit: wc only looks for newlines).
# Usage:  sh contrib/bench/gctrace-bench.sh ABS_BUILDDIR
#
# The log (~1 GB, several million lines: real Go 1.19 gc lines with rising gc
# numbers, three app lines per gc line, now and then a scav, a schedtrace and
# a syslog-prefixed gc line) is generated on first use into
# ABS_BUILDDIR/bench-data/gctrace/ (never committed) and kept.
#
# It is read by a small C driver built here against lib/.libs/libgomem.a
# (feed 1 MiB chunks, take every event), and by bin/gomem-gctrace when that
# is built. Each command runs BENCH_RUNS (3) times; the best wall time counts.
# Target: >= 300 MB/s. Exit 1 when missed, 2 on trouble.
#
# Then the summary's memory: one run of 5 million GCs (gc lines with rising
# numbers and varied pauses, made by awk and piped in, nothing on disk) read
# by bin/gomem-gctrace, whose peak RSS GNU time measures. Target: below
# 256 MiB whatever the number of GCs (the summary keeps no record per GC;
# its percentiles come from a bounded sketch past 65536 GCs).
#
# Environment: BENCH_GCTRACE_MB (size of the log, 1024), BENCH_GCTRACE_GCS
# (GCs of the memory run, 5000000), BENCH_RUNS (3), BENCH_DATA (data
# directory), CC (cc).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/gctrace-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
data=${BENCH_DATA:-$builddir/bench-data/gctrace}
mb=${BENCH_GCTRACE_MB:-1024}
runs=${BENCH_RUNS:-3}
cc=${CC:-cc}
log=$data/gctrace-${mb}MB.log

die() {
	echo "bench: $*" >&2
	exit 2
}

[ -f "$builddir/lib/.libs/libgomem.a" ] || die "$builddir/lib/.libs/libgomem.a is not built (make all)"
mkdir -p "$data"

# ---- the log ------------------------------------------------------------------
if [ ! -s "$log" ]; then
	echo "bench: generating $log (~$mb MB)"
	awk -v target="$((mb * 1048576))" 'BEGIN {
		n = split("0.056+3.7+0.006 ms clock, 0.11+0.32/0.91/0.13+0.012 ms cpu, 3->4->4 MB, 4 MB goal|" \
			"0.022+17+0.005 ms clock, 0.044+0.76/1.9/26+0.011 ms cpu, 111->113->67 MB, 131 MB goal|" \
			"0.066+39+0.004 ms clock, 0.13+26/21/18+0.009 ms cpu, 137->140->71 MB, 140 MB goal|" \
			"0.53+32+0.003 ms clock, 1.0+0.17/13/24+0.007 ms cpu, 140->142->82 MB, 164 MB goal|" \
			"87+470+0.22 ms clock, 174+0.076/27/0+0.45 ms cpu, 57->58->32 MB, 67 MB goal", body, "|")
		size = 0; gc = 0; t = 0
		while (size < target) {
			gc++; t += 0.471
			pct = int(gc % 7) + 1
			if (gc % 50 == 0)
				line = sprintf("Oct 21 17:57:00 host prog[1234]: gc %d @%.3fs %d%%: %s, 0 MB stacks, 0 MB globals, 2 P", gc, t, pct, body[gc % n + 1])
			else
				line = sprintf("gc %d @%.3fs %d%%: %s, 0 MB stacks, 0 MB globals, 2 P", gc, t, pct, body[gc % n + 1])
			print line; size += length(line) + 1
			for (k = 0; k < 3; k++) {
				line = sprintf("2024/03/01 10:00:%02d handler: served request id=%d status=200 bytes=%d", gc % 60, gc * 3 + k, (gc * 7919 + k) % 65536)
				print line; size += length(line) + 1
			}
			if (gc % 10 == 0) {
				line = sprintf("scav %d KiB work, %d KiB total, %d%% util", (gc % 13) * 64, 9728 + gc % 1000, 70 + gc % 30)
				print line; size += length(line) + 1
			}
			if (gc % 25 == 0) {
				line = "SCHED 1011ms: gomaxprocs=2 idleprocs=2 threads=4 spinningthreads=0 idlethreads=2 runqueue=0 [0 0]"
				print line; size += length(line) + 1
			}
		}
	}' >"$log.tmp" || die "generating the log failed"
	mv "$log.tmp" "$log"
fi

# ---- the driver ---------------------------------------------------------------
driver=$data/gctrace-read
cat >"$data/gctrace-read.c" <<'CEOF'
/* SPDX-License-Identifier: Apache-2.0 */
/* Reads a gctrace log with libgomem and prints the counts. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "gomem.h"
#include "gomem/gctrace.h"

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	gomem_gctrace_parser *p;
	const gomem_gctrace_event *ev;
	gomem_gctrace_counts c;
	unsigned long long live = 0;
	ssize_t n;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || gomem_gctrace_parser_new(&p, argv[1]))
		return 2;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (gomem_gctrace_feed(p, buf, (size_t)n))
			return 2;
		while (gomem_gctrace_next(p, &ev) == 1)
			live += ev->heap_live > 0 ? (unsigned long long)ev->heap_live : 0;
	}
	gomem_gctrace_finish(p);
	while (gomem_gctrace_next(p, &ev) == 1)
		live += ev->heap_live > 0 ? (unsigned long long)ev->heap_live : 0;
	gomem_gctrace_get_counts(p, &c);
	printf("lines=%llu gc=%llu scav=%llu skipped=%llu unparsed=%llu (sum of live %llu)\n",
	       (unsigned long long)c.lines, (unsigned long long)c.gc_events,
	       (unsigned long long)c.scav_events, (unsigned long long)c.skipped,
	       (unsigned long long)c.unparsed, live);
	gomem_gctrace_parser_free(p);
	close(fd);
	return 0;
}
CEOF
"$cc" -O2 -I"$srcdir/lib/include" -I"$builddir/lib/include" -o "$driver" "$data/gctrace-read.c" \
	"$builddir/lib/.libs/libgomem.a" -lz -lm 2>/dev/null ||
	"$cc" -O2 -I"$srcdir/lib/include" -I"$builddir/lib/include" -o "$driver" "$data/gctrace-read.c" \
		"$builddir/lib/.libs/libgomem.a" -lm || die "building the driver failed"

# best NAME CMD... — the best wall time of $runs runs, in seconds, into $best
best() {
	name=$1
	shift
	best=
	r=0
	while [ "$r" -lt "$runs" ]; do
		t0=$(date +%s.%N)
		"$@" >"$data/$name.out" || die "$name failed: $*"
		t1=$(date +%s.%N)
		best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
			'BEGIN { d = b - a; if (best == "" || d < best) best = d; printf "%.4f", best }')
		r=$((r + 1))
	done
}

bytes=$(wc -c <"$log" | tr -d ' ')
cat "$log" >/dev/null # warm the page cache
best wc wc -l "$log"
wc_s=$best
best lib "$driver" "$log"
lib_s=$best
echo "bench: $log: $bytes bytes, $(awk '{ print $1 }' "$data/wc.out") lines"
echo "bench: libgomem: $(cat "$data/lib.out")"
tool_s=
if [ -x "$builddir/bin/gomem-gctrace" ] && "$builddir/bin/gomem-gctrace" "$log" >/dev/null 2>&1; then
	best tool "$builddir/bin/gomem-gctrace" "$log"
	tool_s=$best
fi

# ---- the summary's memory over millions of GCs -----------------------------------
gcs=${BENCH_GCTRACE_GCS:-5000000}
rss_kib=
if [ -x "$builddir/bin/gomem-gctrace" ] && [ -x /usr/bin/time ]; then
	awk -v n="$gcs" 'BEGIN {
		for (gc = 1; gc <= n; gc++)
			printf "gc %d @%.3fs %d%%: 0.%03d+%.1f+0.%03d ms clock, 0.11+0.32/0.91/0.13+0.012 ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
				gc, gc * 0.471, gc % 7 + 1, (gc * 7919) % 997 + 1, (gc * 104729) % 400 / 10 + 0.5,
				gc % 13 + 1, 100 + gc % 37, 102 + gc % 37, 50 + gc % 23, 130
	}' | /usr/bin/time -f '%U %S %M' -o "$data/summary.time" "$builddir/bin/gomem-gctrace" --format csv - \
		>"$data/summary.out" 2>"$data/summary.err" || die "gomem-gctrace on $gcs GCs failed: $(cat "$data/summary.err")"
	rss_kib=$(tail -n 1 "$data/summary.time" | awk '{ print $3 }')
	echo "bench: summary of $gcs GCs: peak RSS $((rss_kib / 1024)) MiB, CPU $(tail -n 1 "$data/summary.time" | awk '{ printf "%.2f", $1 + $2 }') s"
	echo "bench: $(sed -n 2p "$data/summary.out" | cut -d, -f3,8-14)"
fi

awk -v bytes="$bytes" -v wc="$wc_s" -v lib="$lib_s" -v tool="$tool_s" -v rss="$rss_kib" -v gcs="$gcs" '
	function rate(s) { return bytes / 1048576 / (s > 0 ? s : 0.001) }
	BEGIN {
		printf "\n  %-22s %9s %10s %12s\n", "", "wall s", "MB/s", "x wc -l time"
		printf "  %-22s %9.3f %10.0f %12s\n", "wc -l", wc, rate(wc), "1.0"
		printf "  %-22s %9.3f %10.0f %12.2f\n", "libgomem (driver)", lib, rate(lib), lib / wc
		if (tool != "")
			printf "  %-22s %9.3f %10.0f %12.2f\n", "gomem-gctrace", tool, rate(tool), tool / wc
		bad = 0
		if (rate(lib) < 300) { printf "\nbench: gctrace %.0f MB/s, below the 300 MB/s target\n", rate(lib); bad = 1 }
		else printf "\nbench: gctrace target met (>= 300 MB/s)\n"
		if (rss != "" && rss / 1024 >= 256) { printf "bench: summary of %d GCs peaked at %.0f MiB, not below 256 MiB\n", gcs, rss / 1024; bad = 1 }
		else if (rss != "") printf "bench: summary memory target met (%.0f MiB < 256 MiB for %d GCs)\n", rss / 1024, gcs
		exit bad
	}'
