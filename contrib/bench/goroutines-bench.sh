#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# goroutines-bench.sh — gomem goroutines on big dumps, in CPU time and peak
# memory (GNU time), against the targets of issue 4:
#
#   100 000 goroutines (~120 MB)   <= 0.5 s CPU   <= 150 MB peak RSS
#   500 000 goroutines (~600 MB)   <= 3 s CPU     <= 400 MB peak RSS
#
# and, for scale, `wc -l` on the same files (the ratio is gomem's CPU time
# over wc's). The dumps are runtime.Stack(all) output of contrib/gen/gorodump
# (the whole text: pprof's debug=2 stops at 64 MiB), generated on first use
# into ABS_BUILDDIR/bench-data/goroutines (never committed) and remade when
# the toolchain or the generator changes.
#
# Usage: sh contrib/bench/goroutines-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (go binary; default Go 1.23 under /usr/lib/go-1.23,
# else go on PATH), BENCH_RUNS (3: medians), BENCH_DATA (data directory).
# Exit 0 targets met, 1 one missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/goroutines-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-goroutines
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/goroutines}
gen=$srcdir/contrib/gen/gorodump

die() {
	echo "goroutines-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
timebin=/usr/bin/time
"$timebin" -f '%U' true >/dev/null 2>&1 ||
	die "GNU time is needed at $timebin (Debian/Ubuntu: apt-get install time)"

go=${BENCH_GO:-}
[ -n "$go" ] || { [ -x /usr/lib/go-1.23/bin/go ] && go=/usr/lib/go-1.23/bin/go; } || true
[ -n "$go" ] || go=$(command -v go 2>/dev/null || true)
[ -n "$go" ] && [ -x "$go" ] || die "no Go toolchain (set BENCH_GO)"

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$data/gocache
	export GOCACHE
fi

genflags='-k=200 -seed=1 -min-depth=11 -max-depth=18 -busy=0 -formats=stack'
stamp=$( ("$go" version; echo "$genflags"; cat "$gen"/go.mod "$gen"/*.go) | cksum | cut -d' ' -f1)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ]; then
	echo "goroutines-bench: generating 100k and 500k goroutine dumps into $data (~720 MB, ~1 min)"
	rm -rf "$data"
	mkdir -p "$data"
	(cd "$gen" && "$go" build -trimpath -buildvcs=false -o "$data/gorodump" .) ||
		die "building contrib/gen/gorodump failed"
	for n in 100000 500000; do
		# shellcheck disable=SC2086
		GOMAXPROCS=2 "$data/gorodump" -n=$n $genflags -out="$data/g$n" ||
			die "gorodump -n $n failed"
	done
	echo "$stamp" >"$data/STAMP"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/goroutines-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

. "$(dirname "$0")/measure.sh"

missed=0
printf '\n  %-10s %9s %11s %9s %12s %10s %9s  %s\n' dump MB goroutines "CPU s" "max RSS MiB" "wc -l s" "ratio" verdict
for spec in 100000:0.5:150 500000:3:400; do
	n=${spec%%:*} rest=${spec#*:}
	tcpu=${rest%%:*} trss=${rest#*:}
	f=$data/g$n.stack-all.txt
	[ -f "$f" ] || die "$f is missing (rm -rf $data to remake)"
	measure wc -l "$f"
	wc_cpu=$cpu
	measure "$gomem" "$f"
	line=$(awk -v n="$n" -v mb="$(wc -c <"$f")" -v cpu="$cpu" -v rss="$rss" -v wc="$wc_cpu" \
		-v tcpu="$tcpu" -v trss="$trss" 'BEGIN {
		ok = cpu <= tcpu && rss / 1024 <= trss
		w = wc < 0.001 ? 0.001 : wc
		printf "  %-10s %9.0f %11d %9.3f %12.1f %10.3f %8.1fx  %s (<= %ss, <= %s MiB)\n",
			"g" n, mb / 1e6, n, cpu, rss / 1024, wc, cpu / w, ok ? "ok" : "MISSED", tcpu, trss
	}')
	echo "$line"
	case $line in *MISSED*) missed=$((missed + 1)) ;; esac
done
if [ $missed -gt 0 ]; then
	echo "goroutines-bench: $missed target(s) missed"
	exit 1
fi
echo "goroutines-bench: all targets met"
