#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# wide-bench.sh — gomem heapdiff --by function against `go tool pprof -top
# -diff_base` on a wide pair: ~20 000 distinct functions at
# MemProfileRate=1 (issue 12 item 18), in CPU time (user+sys) and peak RSS.
#
#   target: pprof's CPU time / gomem's >= 50x
#
# The pair is written by the Go runtime: contrib/gen/widesnap writes the
# source of a program with 20 000 allocating functions (2 callers each),
# which is built and run into ABS_BUILDDIR/bench-data/wide-rate1 (~1.2 and
# ~1.35 MB of .pb.gz, ~55 000 samples each, never committed; ~1 min the
# first time, remade when the toolchain or the generator changes). The
# issue's pair: 20 000 functions, about 2 MB of .pb.gz. Of the widths
# widesnap writes this is the harder one for the ratio: pprof is faster on
# it than on 4 callers (3.3 MB), gomem's fixed start-up weighs more. gomem
# runs as the installed program would: the real binary, not the libtool
# wrapper script (whose shell start-up costs ~20 ms, a third of the run),
# and 10 times in a row per measurement, since one run is close to GNU
# time's 10 ms resolution; pprof is the binary `go tool pprof` starts.
# Medians of BENCH_RUNS (3).
#
# Usage: sh contrib/bench/wide-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (go binary; default Go 1.23 under /usr/lib/go-1.23,
# else go on PATH), BENCH_RUNS (3), BENCH_REPEAT (10), BENCH_DATA.
# Exit 0 target met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/wide-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-3}
repeat=${BENCH_REPEAT:-10}
data=${BENCH_DATA:-$builddir/bench-data/wide-rate1}
gen=$srcdir/contrib/gen/widesnap

die() {
	echo "wide-bench: $*" >&2
	exit 2
}

# The real program behind the libtool wrapper, with its library.
gomem=$builddir/bin/.libs/gomem-heapdiff
if [ -x "$gomem" ]; then
	LD_LIBRARY_PATH=$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
else
	gomem=$builddir/bin/gomem-heapdiff
fi
[ -x "$gomem" ] || die "$gomem is not built (make all)"

. "$(dirname "$0")/measure.sh"
bench_need_time
# pprof from Go 1.23 when installed, as the large pair's rows (run.sh).
[ -n "${BENCH_GO:-}" ] || [ ! -x /usr/lib/go-1.23/bin/go ] || BENCH_GO=/usr/lib/go-1.23/bin/go
bench_go
pprof=$("$go" env GOTOOLDIR)/pprof
[ -x "$pprof" ] || die "no pprof in $("$go" env GOTOOLDIR)"

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$builddir/bench-data/gocache
	export GOCACHE
fi

genflags='-funcs=20000 -callers=2'
stamp=$( ("$go" version; echo "$genflags"; cat "$gen"/go.mod "$gen"/*.go) | cksum | cut -d' ' -f1)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ]; then
	echo "wide-bench: generating the wide pair into $data (~1 min)"
	rm -rf "$data"
	mkdir -p "$data"
	# shellcheck disable=SC2086
	(cd "$gen" && "$go" run . -src="$data/src" $genflags) || die "contrib/gen/widesnap failed"
	(cd "$data/src" && "$go" build -trimpath -buildvcs=false -o "$data/wide" .) ||
		die "building the wide program failed"
	"$data/wide" -out="$data" || die "the wide program failed"
	echo "$stamp" >"$data/STAMP"
fi
for f in before.pb.gz after.pb.gz; do
	[ -f "$data/$f" ] || die "$data/$f is missing (rm -rf $data to remake)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wide-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

cd "$data"
measure "$pprof" -symbolize=none -top -diff_base=before.pb.gz after.pb.gz
pp_cpu=$cpu pp_rss=$rss
# shellcheck disable=SC2016 # the inner shell expands them
measure sh -c 'i=0; while [ $i -lt "$1" ]; do "$2" --by function before.pb.gz after.pb.gz >/dev/null || exit 1; i=$((i + 1)); done' \
	sh "$repeat" "$gomem"
gp_cpu=$(awk -v c="$cpu" -v n="$repeat" 'BEGIN { printf "%.4f", c / n }') gp_rss=$rss

echo "wide-bench: pair $data: before.pb.gz $(wc -c <before.pb.gz | tr -d ' ') B," \
	"after.pb.gz $(wc -c <after.pb.gz | tr -d ' ') B; pprof $pprof"
awk -v pp="$pp_cpu" -v gp="$gp_cpu" -v prss="$pp_rss" -v grss="$gp_rss" 'BEGIN {
	r = pp / (gp < 0.001 ? 0.001 : gp)
	printf "\n  %-14s %10s %14s\n", "wide pair", "CPU s", "max RSS MiB"
	printf "  %-14s %10.3f %14.1f\n", "pprof", pp, prss / 1024
	printf "  %-14s %10.4f %14.1f\n", "gomem", gp, grss / 1024
	ok = r >= 50
	printf "  %-14s %9.1fx  >= 50x  %s\n", "CPU ratio", r, ok ? "ok" : "MISSED"
	if (!ok) exit 1
}' || { echo "wide-bench: target missed"; exit 1; }
echo "wide-bench: target met"
