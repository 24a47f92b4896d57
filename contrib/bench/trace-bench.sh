#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# trace-bench.sh — gomem trace on a large execution trace, in CPU time and
# peak memory (GNU time), against the targets of issue 15:
#
#   a 300 MB Go 1.23 trace, the summary   <= 10 s CPU   <= 256 MB peak RSS
#   memory does not grow with the trace: peak RSS on 300 MB <= 1.25 x that
#   on 60 MB of the same program (one generation is what is held)
#
# and, beside them, `go tool trace -d=1 >/dev/null` on the same trace (Go's
# reader, printing every event). The traces are written by
# contrib/gen/tracegen (-workload bench: allocation and goroutines until the
# trace has -size bytes) with Go 1.23 into ABS_BUILDDIR/bench-data/trace
# (never committed), and remade when the toolchain or the generator changes.
#
# Usage: sh contrib/bench/trace-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (a Go 1.22+ binary; default /usr/lib/go-1.23/bin/go),
# BENCH_RUNS (3: medians), BENCH_DATA (data directory), BENCH_TRACE_MB (300).
# Exit 0 targets met, 1 one missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/trace-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-trace
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/trace}
mb=${BENCH_TRACE_MB:-300}
gen=$srcdir/contrib/gen/tracegen
go=${BENCH_GO:-/usr/lib/go-1.23/bin/go}

die() {
	echo "trace-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
[ -x "$go" ] || die "no Go 1.22+ at $go (set BENCH_GO)"
. "$srcdir/contrib/bench/measure.sh"
bench_need_time
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trace-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# ---- the traces ----------------------------------------------------------------
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
export GOPROXY GOTOOLCHAIN GOFLAGS
stamp=$( ("$go" version; echo "$mb"; cat "$gen"/go.mod "$gen"/*.go) | cksum | cut -d' ' -f1)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ]; then
	echo "trace-bench: writing ${mb} MB and 60 MB traces with $("$go" env GOVERSION) into $data (~1 min)"
	rm -rf "$data"
	mkdir -p "$data"
	cp -r "$gen/." "$data/src"
	(cd "$data/src" && "$go" build -o "$data/tracegen" .) || die "building contrib/gen/tracegen failed"
	"$data/tracegen" -workload bench -size $((mb << 20)) -o "$data/big.trace" >/dev/null ||
		die "tracegen failed"
	"$data/tracegen" -workload bench -size $((60 << 20)) -o "$data/small.trace" >/dev/null ||
		die "tracegen failed"
	echo "$stamp" >"$data/STAMP"
fi
size=$(wc -c <"$data/big.trace")
small=$(wc -c <"$data/small.trace")
gens=$("$gomem" --format tsv "$data/big.trace" |
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "generations") c = i } NR == 2 { print $c }')

# ---- measure -----------------------------------------------------------------------
measure "$gomem" "$data/big.trace"
big_cpu=$cpu big_rss=$rss
measure "$gomem" "$data/small.trace"
small_cpu=$cpu small_rss=$rss
measure "$gomem" --mmu --window 100us,1ms,10ms,100ms,1s "$data/big.trace"
mmu_cpu=$cpu mmu_rss=$rss
runs=1
measure "$go" tool trace -d=1 "$data/big.trace"
go_cpu=$cpu go_rss=$rss

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
printf '%-44s %10s %12s\n' "trace-bench ($((size >> 20)) MB, $gens generations)" "CPU" "peak RSS"
printf '%-44s %9ss %12s\n' "gomem trace (summary)" "$big_cpu" "$(mib "$big_rss")"
printf '%-44s %9ss %12s\n' "gomem trace --mmu (5 windows)" "$mmu_cpu" "$(mib "$mmu_rss")"
printf '%-44s %9ss %12s\n' "gomem trace, $((small >> 20)) MB of the same program" "$small_cpu" "$(mib "$small_rss")"
printf '%-44s %9ss %12s\n' "go tool trace -d=1 >/dev/null ($("$go" env GOVERSION))" "$go_cpu" "$(mib "$go_rss")"

status=0
awk -v c="$big_cpu" 'BEGIN { exit !(c <= 10) }' || { echo "trace-bench: target missed: ${big_cpu}s CPU > 10 s"; status=1; }
[ "$big_rss" -le $((256 * 1024)) ] || { echo "trace-bench: target missed: $(mib "$big_rss") > 256 MiB"; status=1; }
awk -v b="$big_rss" -v s="$small_rss" 'BEGIN { exit !(b <= 1.25 * s) }' ||
	{ echo "trace-bench: target missed: memory grows with the trace ($(mib "$small_rss") -> $(mib "$big_rss"))"; status=1; }
exit $status
