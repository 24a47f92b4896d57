#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# symbolize-bench.sh — gomem addr2line on 100 000 PCs spread over the text of
# a Go binary, against the target of issue 7:
#
#   100 000 PCs symbolized in <= 1 s (CPU, user+sys; opening the binary and
#   indexing its tables included), from DWARF and from .gopclntab
#
# The binary is contrib/gen/binsym built with BENCH_GO into
# ABS_BUILDDIR/bench-data/symbolize (remade when the toolchain changes), or
# BENCH_BINARY when set. The PCs are uniform over .text (a fixed seed), so
# nearly all are distinct: the cache does not help.
#
# Usage: sh contrib/bench/symbolize-bench.sh ABS_BUILDDIR
# Environment: BENCH_GO, BENCH_BINARY, BENCH_RUNS (3: medians), BENCH_DATA.
# Exit 0 target met, 1 missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/symbolize-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-addr2line
runs=${BENCH_RUNS:-3}
data=${BENCH_DATA:-$builddir/bench-data/symbolize}
npcs=100000

die() {
	echo "symbolize-bench: $*" >&2
	exit 2
}
[ -x "$gomem" ] || die "$gomem is not built (make all)"
. "$(dirname "$0")/measure.sh"
bench_need_time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/symbolize-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

bin=${BENCH_BINARY:-}
if [ -z "$bin" ]; then
	bench_go BENCH_BINARY
	stamp=$("$go" version)
	if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ] || [ ! -x "$data/binsym.default" ]; then
		echo "symbolize-bench: building contrib/gen/binsym with $stamp"
		rm -rf "$data"
		GOCACHE=$tmp/gocache sh "$srcdir/contrib/gen/binsym/make-binaries.sh" "$go" "$data" >/dev/null ||
			die "building binsym failed"
		echo "$stamp" >"$data/STAMP"
	fi
	bin=$data/binsym.default
fi

# .text's address and size, then NPCS uniform PCs in it.
set -- $(LC_ALL=C readelf -SW "$bin" | awk '{ for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 2), $(i + 4) }')
[ $# -eq 2 ] || die "$bin: no .text section"
awk -v s="$((0x$1))" -v n="$((0x$2))" -v k="$npcs" \
	'BEGIN { srand(7); for (i = 0; i < k; i++) printf "0x%x\n", s + int(rand() * n) }' >"$tmp/pcs"


missed=0
sources=pclntab
LC_ALL=C readelf -SW "$bin" | grep -q '\.debug_info' && sources="pclntab dwarf"
printf '\n  %-10s %8s %8s %12s  %s\n' source PCs "CPU s" "max RSS MiB" verdict
for src in $sources; do
	printf '%s\n' "#!/bin/sh" "exec '$gomem' --source $src '$bin' <'$tmp/pcs' >/dev/null" >"$tmp/run.sh"
	measure sh "$tmp/run.sh"
	verdict=$(awk -v c="$cpu" 'BEGIN { print c <= 1.0 ? "ok (<= 1 s)" : "MISSED (<= 1 s)" }')
	printf '  %-10s %8d %8.3f %12.1f  %s\n' "$src" "$npcs" "$cpu" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" \
		"$verdict"
	case $verdict in MISSED*) missed=1 ;; esac
done
case $sources in *dwarf*) ;; *) echo "  (no DWARF in $bin: .gopclntab only)" ;; esac
[ $missed -eq 0 ] || { echo "symbolize-bench: the target missed"; exit 1; }
echo "symbolize-bench: target met"
