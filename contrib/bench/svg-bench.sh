#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# svg-bench.sh — the pictures' cost (issue 14): gomem heapdiff --by stack
# --format svg on the large pair and on a wide pair, and gomem gctrace
# --format svg on the 1 GB gctrace log, in CPU time (user+sys), peak RSS and
# file size; then each SVG loaded by headless Chromium.
#
#   heapdiff SVG   <= 1 s CPU and <= 2 MB, on each pair
#   Chromium       <= 2 s from navigation start to the load event with the
#                  layout done (performance.now() read in the page), each SVG
#   gctrace SVG    <= 3 s CPU on the 1 GB log
#
# The data, never committed: the large pair (contrib/gen/heapsnap, made by
# run.sh before this script runs), the 1 GB log (made by gctrace-bench.sh,
# likewise), and the wide pair, made here on first use into
# ABS_BUILDDIR/bench-data/svg-wide: contrib/gen/widesnap writes a program
# with 20 000 allocating functions, each reached from 8 callers (160 000
# stacks), which the Go runtime runs into two profiles at MemProfileRate=1
# (~2.3 and ~2.8 MB of .pb.gz; the build takes ~2 min). Chromium's whole
# headless run (start-up, screenshot) is shown beside its in-page time, not
# gated: most of it is the browser starting. flamegraph.pl (Perl) is timed on
# the same stacks (--format folded) when FLAMEGRAPH names it or it is on PATH.
#
# Usage: sh contrib/bench/svg-bench.sh ABS_BUILDDIR
# Environment: BENCH_RUNS (3), BENCH_GO, CHROMIUM, FLAMEGRAPH, BENCH_LARGE
# (the large pair's directory), BENCH_WIDE (the wide pair's), BENCH_GCTRACE_LOG.
# Exit 0 targets met, 1 one missed, 2 trouble.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/svg-bench.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-3}
large=${BENCH_LARGE:-$builddir/bench-data/large-rate1}
wide=${BENCH_WIDE:-$builddir/bench-data/svg-wide}
gclog=${BENCH_GCTRACE_LOG:-$builddir/bench-data/gctrace/gctrace-1024MB.log}
gen=$srcdir/contrib/gen/widesnap

die() {
	echo "svg-bench: $*" >&2
	exit 2
}

# The real programs behind the libtool wrappers, as installed.
bin=$builddir/bin/.libs
if [ -x "$bin/gomem-heapdiff" ]; then
	LD_LIBRARY_PATH=$builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
else
	bin=$builddir/bin
fi
[ -x "$bin/gomem-heapdiff" ] && [ -x "$bin/gomem-gctrace" ] || die "gomem is not built (make all)"
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || die "no chromium (sh contrib/deps.sh test installs it)"
for f in before.pb.gz after.pb.gz; do
	[ -f "$large/$f" ] || die "$large/$f is missing (make bench makes the large pair first)"
done
[ -s "$gclog" ] || die "$gclog is missing (make bench makes it: contrib/bench/gctrace-bench.sh)"

. "$(dirname "$0")/measure.sh"
bench_need_time
[ -n "${BENCH_GO:-}" ] || [ ! -x /usr/lib/go-1.23/bin/go ] || BENCH_GO=/usr/lib/go-1.23/bin/go
bench_go

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$builddir/bench-data/gocache
	export GOCACHE
fi

# ---- the wide pair --------------------------------------------------------------
genflags='-funcs=20000 -callers=8'
[ -f "$gen/main.go" ] || die "$gen is missing (it comes with the wide heapdiff bench)"
stamp=$( ("$go" version; echo "$genflags"; cat "$gen"/go.mod "$gen"/*.go) | cksum | cut -d' ' -f1)
if [ "$(cat "$wide/STAMP" 2>/dev/null || true)" != "$stamp" ]; then
	echo "svg-bench: generating the wide pair (20000 x 8) into $wide (~3 min)"
	rm -rf "$wide"
	mkdir -p "$wide"
	# shellcheck disable=SC2086
	(cd "$gen" && "$go" run . -src="$wide/src" $genflags) || die "contrib/gen/widesnap failed"
	(cd "$wide/src" && "$go" build -trimpath -buildvcs=false -o "$wide/wide" .) ||
		die "building the wide program failed"
	"$wide/wide" -out="$wide" || die "the wide program failed"
	echo "$stamp" >"$wide/STAMP"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/svg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# render NAME SVG: $ms, Chromium's time from navigation start to the load
# event with the layout forced (a script added at the end of a copy of SVG
# reads performance.now()), and $wall, its whole headless screenshot run.
render() {
	sed '$d' "$2" >"$tmp/$1.page.svg"
	cat >>"$tmp/$1.page.svg" <<'EOF'
<script><![CDATA[window.addEventListener('load', function () {
	var d = document.documentElement;
	d.getBoundingClientRect();
	if (d.getBBox) d.getBBox();
	d.setAttribute('data-bench-ms', performance.now().toFixed(1));
});]]></script>
</svg>
EOF
	set -- "$1" timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chrome"
	name=$1
	shift
	ms=$("$@" --dump-dom "file://$tmp/$name.page.svg" 2>/dev/null |
		sed -n 's/.*data-bench-ms="\([0-9.]*\)".*/\1/p' | head -n 1)
	[ -n "$ms" ] || die "$name: Chromium did not load the picture"
	"$timebin" -f '%e' -o "$tmp/wall" "$@" --window-size=1200,2000 --screenshot="$tmp/$name.png" \
		"file://$tmp/$name.page.svg" >/dev/null 2>&1 || die "$name: no screenshot"
	wall=$(tail -n 1 "$tmp/wall")
}

missed=0
# row NAME CPU RSS SIZE MS WALL CPU-TARGET: a line of the table.
row() {
	printf '  %-16s %7.2f %9.1f %9.0f %9.0f %9.2f' "$1" "$2" "$(($3 / 1024)).$(($3 % 1024 * 10 / 1024))" \
		"$(($4 / 1024))" "$5" "$6"
	if awk -v c="$2" -v t="$7" -v s="$4" -v m="$5" 'BEGIN { exit !(c <= t && s <= 2097152 && m <= 2000) }'; then
		echo "   ok"
	else
		echo "   MISSED"
		missed=1
	fi
}

echo "svg-bench: large pair $large, wide pair $wide, log $gclog ($(wc -c <"$gclog" | tr -d ' ') B);" \
	"$runs runs each, medians"
printf '\n  %-16s %7s %9s %9s %9s %9s\n' "" "CPU s" "RSS MiB" "SVG KiB" "load ms" "run s"
for pair in large wide; do
	eval "dir=\$$pair"
	measure "$bin/gomem-heapdiff" --by stack --format svg "$dir/before.pb.gz" "$dir/after.pb.gz"
	"$bin/gomem-heapdiff" --by stack --format svg "$dir/before.pb.gz" "$dir/after.pb.gz" >"$tmp/$pair.svg"
	render "$pair" "$tmp/$pair.svg"
	row "heapdiff $pair" "$cpu" "$rss" "$(wc -c <"$tmp/$pair.svg" | tr -d ' ')" "$ms" "$wall" 1
done
measure "$bin/gomem-gctrace" --format svg "$gclog"
"$bin/gomem-gctrace" --format svg "$gclog" >"$tmp/gctrace.svg" 2>/dev/null
render gctrace "$tmp/gctrace.svg"
row "gctrace 1 GB" "$cpu" "$rss" "$(wc -c <"$tmp/gctrace.svg" | tr -d ' ')" "$ms" "$wall" 3
echo "  (targets: heapdiff <= 1 s CPU, gctrace <= 3 s; SVG <= 2 MB; load <= 2000 ms; run s not gated)"

# flamegraph.pl on the same stacks, NEW's (its differential form needs
# difffolded.pl first), for the comparison the issue asks for.
fg=${FLAMEGRAPH:-$(command -v flamegraph.pl || true)}
if [ -n "$fg" ] && [ -x "$fg" ]; then
	for pair in large wide; do
		eval "dir=\$$pair"
		"$bin/gomem-heapdiff" --by stack --format folded "$dir/before.pb.gz" "$dir/after.pb.gz" >"$tmp/$pair.folded"
		measure "$fg" "$tmp/$pair.folded"
		echo "  flamegraph.pl $pair: $cpu s CPU (folded stacks in, SVG out)"
	done
else
	echo "  flamegraph.pl: not installed here (FLAMEGRAPH=path/to/flamegraph.pl to compare)"
fi
[ "$missed" = 0 ] || { echo "svg-bench: target missed"; exit 1; }
echo "svg-bench: targets met"
