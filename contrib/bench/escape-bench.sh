#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# escape-bench.sh — gomem escape on the -m=2 output of the whole standard
# library, against the targets of issues 5 and 12:
#
#   throughput  >= 300 MB/s   (input bytes over CPU time, user+sys; the
#                              report included, as a user runs it)
#   peak RSS    <  1/4 of the input's size
#   work        <= 20 instructions per input byte (callgrind on the first
#                              30 MB: the machine-independent figure; only
#                              where valgrind is installed)
#
# and, for scale, `wc -l` on the same file (the ratio is gomem's CPU time
# over wc's). The input is what `go build -a -gcflags=-m=2 std` prints
# (~220 MB with Go 1.19, ~90 s on 2 cores), generated on first use with a
# fresh GOCACHE into ABS_BUILDDIR/bench-data/escape/std-m2.txt (never
# committed) and remade when the toolchain changes.
#
# Usage: sh contrib/bench/escape-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (go binary; default go on PATH, else the newest
# /usr/lib/go-1.N), BENCH_RUNS (3: medians), BENCH_DATA (data directory).
# Exit 0 targets met, 1 one missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/escape-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
gomem=$builddir/bin/gomem-escape
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/escape}

die() {
	echo "escape-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
. "$(dirname "$0")/measure.sh"
bench_need_time

bench_go

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS

in=$data/std-m2.txt
stamp=$("$go" version)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ] || [ ! -s "$in" ]; then
	echo "escape-bench: generating go build -a -gcflags=-m=2 std into $in (~220 MB, ~90 s)"
	mkdir -p "$data"
	cache=$(mktemp -d "${TMPDIR:-/tmp}/escape-bench-cache.XXXXXX")
	st=0
	GOCACHE=$cache "$go" build -a -gcflags=-m=2 std >/dev/null 2>"$in.tmp" || st=$?
	chmod -R u+w "$cache"
	rm -rf "$cache"
	[ $st = 0 ] || die "go build -a -gcflags=-m=2 std failed ($st)"
	mv "$in.tmp" "$in"
	echo "$stamp" >"$data/STAMP"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/escape-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM


measure wc -l "$in"
wc_cpu=$cpu
measure "$gomem" "$in"
ipb=""
if command -v valgrind >/dev/null 2>&1; then
	head -c 30000000 "$in" | sed '$d' >"$tmp/slice"
	"$builddir/libtool" --mode=execute valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
		"$gomem" "$tmp/slice" >/dev/null 2>"$tmp/cg.log" || die "callgrind failed"
	ipb=$(awk -v bytes="$(wc -c <"$tmp/slice")" '/Collected :/ { printf "%.1f", $NF / bytes }' "$tmp/cg.log")
fi
line=$(awk -v bytes="$(wc -c <"$in")" -v cpu="$cpu" -v rss="$rss" -v wc="$wc_cpu" -v ipb="$ipb" 'BEGIN {
	c = cpu < 0.001 ? 0.001 : cpu
	w = wc < 0.001 ? 0.001 : wc
	mbs = bytes / 1e6 / c
	rssb = rss * 1024
	ok = mbs >= 300 && rssb < bytes / 4 && (ipb == "" || ipb <= 20)
	printf "  %-12s %8.1f %8.3f %9.0f %12.1f %9.3f %8.1fx %9s  %s (>= 300 MB/s, RSS < %.0f MiB, <= 20 instr/B)\n",
		"std-m2", bytes / 1e6, cpu, mbs, rss / 1024, wc, cpu / w, ipb == "" ? "-" : ipb, ok ? "ok" : "MISSED",
		bytes / 4 / 1048576
}')
printf '\n  %-12s %8s %8s %9s %12s %9s %9s %9s  %s\n' input MB "CPU s" "MB/s" "max RSS MiB" "wc -l s" ratio "instr/B" verdict
echo "$line"
case $line in
*MISSED*) echo "escape-bench: a target missed"; exit 1 ;;
esac
echo "escape-bench: all targets met"
