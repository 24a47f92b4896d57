#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# heapdump-bench.sh — gomem heapdump on a 10-million-object heap dump, against
# the target of issue 13:
#
#   the mark, the dominator tree and --by root   <= 5 s CPU (user+sys)
#   peak RSS   <= the dump's size + 64 bytes per object
#
# and the ratio to reading the file once (`cat DUMP >/dev/null`). The dump (~430 MB: a random graph of 11 M objects {[3]*T; int64}
# with sharing and cycles, and a chain of 1.1 M, of which ~9 M survive the
# GC) is written by the Go runtime itself, contrib/gen/heapdumpgen -random,
# on first use into ABS_BUILDDIR/bench-data/heapdump (never committed), and
# remade when the toolchain or the generator changes.
#
# Usage: sh contrib/bench/heapdump-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO (go binary; default go on PATH, else the newest
# /usr/lib/go-1.N), BENCH_RUNS (3: medians), BENCH_DATA (data directory),
# BENCH_OBJECTS (11000000). Exit 0 targets met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/heapdump-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-heapdump
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/heapdump}
nobj=${BENCH_OBJECTS:-11000000}

die() {
	echo "heapdump-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
. "$(dirname "$0")/measure.sh"
bench_need_time
bench_go

GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOWORK=off
export GOPROXY GOTOOLCHAIN GOFLAGS GOWORK
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$builddir/bench-data/gocache
	export GOCACHE
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/heapdump-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$data"
dump=$data/random.dump
stamp="$("$go" version) $(cksum <"$srcdir/contrib/gen/heapdumpgen/main.go") $nobj"
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ] || [ ! -s "$dump" ]; then
	echo "heapdump-bench: writing a $nobj-object random heap dump with $("$go" version) (about a minute)"
	(cd "$srcdir/contrib/gen/heapdumpgen" && "$go" build -o "$data/heapdumpgen" .) || die "building heapdumpgen"
	"$data/heapdumpgen" -random "$nobj" -out "$dump" || die "heapdumpgen -random failed"
	echo "$stamp" >"$data/STAMP"
fi
size=$(wc -c <"$dump")
objects=$("$gomem" --format json --by kind --max-input 16GiB "$dump" | sed -n 's/.*"objects":\([0-9]*\),.*/\1/p' | head -n 1)
[ -n "$objects" ] || die "could not count the dump's objects"

measure cat "$dump"
cat_cpu=$cpu
measure "$gomem" --by root --top 10 --max-input 16GiB "$dump"
root_cpu=$cpu root_rss=$rss

budget_kib=$(( (size + 64 * objects) / 1024 ))
printf 'heapdump-bench: %s bytes, %s objects\n' "$size" "$objects"
printf '  %-34s %8s %10s\n' "command" "CPU s" "peak RSS"
printf '  %-34s %8s %10s\n' "cat DUMP" "$cat_cpu" "-"
printf '  %-34s %8s %9sM\n' "gomem heapdump --by root" "$root_cpu" "$((root_rss / 1024))"
printf '  target: <= 5 s CPU, peak RSS <= %sM (dump + 64 B/object); %s x the CPU of cat\n' \
	"$((budget_kib / 1024))" "$(awk -v a="$root_cpu" -v b="$cat_cpu" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')"
st=0
awk -v c="$root_cpu" 'BEGIN { exit !(c <= 5) }' || { echo "heapdump-bench: CPU target missed"; st=1; }
[ "$root_rss" -le "$budget_kib" ] || { echo "heapdump-bench: memory target missed"; st=1; }
exit $st
