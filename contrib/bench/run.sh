#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# run.sh — gomem heapdiff against `go tool pprof -diff_base` on the large pair
# (~160k allocation stacks before, ~176k after, MemProfileRate=1), in CPU time
# and peak memory. Run by `make bench` as:  sh contrib/bench/run.sh ABS_BUILDDIR
#
# The pair (proto and legacy text, ~80 MB per text file) is generated on first
# use with contrib/gen/heapsnap into ABS_BUILDDIR/bench-data/large-rate1 (never
# committed), together with the generator binary that wrote it (pprof needs it
# to symbolize the text profiles); it is remade when the toolchain or the
# generator changes. Each command runs 3 times; the table shows the medians of
# CPU time (user+sys) and of peak RSS, as GNU time measures them.
#
# Targets: proto  CPU >= 50x  memory >= 15x;  text  CPU >= 25x. Exit 1 when
# one is missed, 2 on trouble. See contrib/bench/README.md.
#
# Environment: BENCH_GO (go binary for pprof and the generator; default: Go
# 1.23 under /usr/lib/go-1.23, else the newest /usr/lib/go-1.N, else go on
# PATH), BENCH_RUNS (3), BENCH_REPEAT (5: gomem runs this many times per
# measurement and its time is divided, since one run is near GNU time's 10 ms
# resolution), BENCH_DATA (data directory).
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh contrib/bench/run.sh ABS_BUILDDIR" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd)
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
gomem=$builddir/bin/gomem-heapdiff
runs=${BENCH_RUNS:-3}
repeat=${BENCH_REPEAT:-5}
data=${BENCH_DATA:-$builddir/bench-data/large-rate1}

die() {
	echo "bench: $*" >&2
	exit 2
}

[ -x "$gomem" ] || die "$gomem is not built (make all)"

# gomem top following 10 logs at a 1 s tick: < 1 % of a core (batch and screen).
st=0; sh "$srcdir/contrib/bench/top-bench.sh" "$builddir" || st=$?
case $st in 0 | 77) ;; 1) echo "bench: gomem top target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem goroutines on 100 000- and 500 000-goroutine dumps.
st=0; sh "$srcdir/contrib/bench/goroutines-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem goroutines target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem addr2line: 100 000 PCs of a Go binary in <= 1 s, DWARF and .gopclntab.
st=0; sh "$srcdir/contrib/bench/symbolize-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem addr2line target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem escape on the -m=2 output of all of std.
st=0; sh "$srcdir/contrib/bench/escape-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem escape target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem allocsim: >= 10 million events/s.
st=0; sh "$srcdir/contrib/bench/allocsim-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem allocsim target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem layout --all on a ~10 MB net/http program.
st=0; sh "$srcdir/contrib/bench/layout-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem layout target missed"; exit 1 ;; *) exit 2 ;; esac

# gomem heapdump: mark, dominators and --by root on a 10-million-object dump.
st=0; sh "$srcdir/contrib/bench/heapdump-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem heapdump target missed"; exit 1 ;; *) exit 2 ;; esac
# gomem trace: a 300 MB execution trace in <= 10 s CPU and <= 256 MB.
st=0; sh "$srcdir/contrib/bench/trace-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem trace target missed"; exit 1 ;; *) exit 2 ;; esac
# gomem heapdiff on a wide pair (20 000 functions): >= 50x less CPU than pprof.
st=0; sh "$srcdir/contrib/bench/wide-bench.sh" "$builddir" || st=$?
case $st in 0) ;; 1) echo "bench: gomem heapdiff wide-pair target missed"; exit 1 ;; *) exit 2 ;; esac

# GNU time, for peak RSS (the shell's `time` has none).
timebin=/usr/bin/time
if ! "$timebin" -f '%U' true >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing GNU time (apt-get install time)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null ||
			die "apt-get install time failed"
	fi
	"$timebin" -f '%U' true >/dev/null 2>&1 ||
		die "GNU time is needed at $timebin (Debian/Ubuntu: apt-get install time)"
fi

# go_version GO — "1.23.5" (from `go env GOVERSION`), or nothing.
go_version() {
	"$1" env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p'
}

pick_go() {
	if [ -n "${BENCH_GO:-}" ]; then
		echo "$BENCH_GO"
		return
	fi
	if [ -x /usr/lib/go-1.23/bin/go ]; then
		echo /usr/lib/go-1.23/bin/go
		return
	fi
	best='' bestv=0
	for g in /usr/lib/go-1.*/bin/go; do
		[ -x "$g" ] || continue
		minor=$(go_version "$g" | cut -d. -f2)
		if [ -n "$minor" ] && [ "$minor" -gt "$bestv" ]; then
			best=$g bestv=$minor
		fi
	done
	if [ -n "$best" ]; then
		echo "$best"
	else
		command -v go 2>/dev/null || true
	fi
}

go=$(pick_go)
if [ -z "$go" ] || [ ! -x "$go" ]; then
	die "no Go toolchain (apt-get install golang-go, or set BENCH_GO)"
fi
gover=$(go_version "$go")
[ -n "$gover" ] || die "$go does not run"

# Go may only build offline here; give it a cache when HOME is unset (CI).
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$builddir/bench-data/gocache
	export GOCACHE
fi

# pprof itself, not the go command in front of it (`go tool pprof` adds the
# go command's own start-up to every run).
pprof=$("$go" env GOTOOLDIR)/pprof
[ -x "$pprof" ] || pprof=

# ---- the large pair ------------------------------------------------------------
gen=$srcdir/contrib/gen/heapsnap
stamp=$( ("$go" version; cat "$gen"/go.mod "$gen"/*.go) | cksum | cut -d' ' -f1)
if [ "$(cat "$data/STAMP" 2>/dev/null || true)" != "$stamp" ]; then
	echo "bench: generating the large pair with go$gover into $data (~140 MB, ~30 s)"
	rm -rf "$data"
	mkdir -p "$data"
	(cd "$gen" && "$go" build -trimpath -buildvcs=false -o "$data/heapsnap" .) ||
		die "building contrib/gen/heapsnap failed"
	"$data/heapsnap" -scenario=large -rate=1 -out="$data" || die "heapsnap failed"
	echo "$stamp" >"$data/STAMP"
fi
for f in before.pb.gz after.pb.gz before.txt after.txt heapsnap; do
	[ -f "$data/$f" ] || die "$data/$f is missing (rm -rf $data to remake)"
done

sh "$srcdir/contrib/bench/gctrace-bench.sh" "$builddir" || exit $?
sh "$srcdir/contrib/bench/whatif-bench.sh" "$builddir" || exit $?
# The pictures: heapdiff --format svg on this pair and a wide one, gctrace's
# timeline of the 1 GB log gctrace-bench.sh made, each loaded in Chromium.
BENCH_LARGE=$data BENCH_GCTRACE_LOG=$builddir/bench-data/gctrace/gctrace-${BENCH_GCTRACE_MB:-1024}MB.log \
	sh "$srcdir/contrib/bench/svg-bench.sh" "$builddir" || exit $?

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# measure NAME N CMD... — runs CMD (N times in a row per measurement) $runs
# times; sets $cpu (seconds per run) and $rss (KiB), the medians.
measure() {
	name=$1 n=$2
	shift 2
	: >"$tmp/$name.cpu"
	: >"$tmp/$name.rss"
	r=0
	while [ "$r" -lt "$runs" ]; do
		# shellcheck disable=SC2016 # the inner shell expands them
		if ! "$timebin" -f '%U %S %M' -o "$tmp/$name.time" \
			sh -c 'n=$1; shift; i=0
				while [ "$i" -lt "$n" ]; do "$@" >/dev/null || exit 1; i=$((i + 1)); done' \
			sh "$n" "$@" 2>"$tmp/$name.err"; then
			sed 's/^/    /' "$tmp/$name.err" >&2
			die "$name failed: $*"
		fi
		# GNU time prints a "Command exited..." line first when the command fails.
		tail -n 1 "$tmp/$name.time" |
			awk -v n="$n" '{ printf "%.4f\n", ($1 + $2) / n }' >>"$tmp/$name.cpu"
		tail -n 1 "$tmp/$name.time" | awk '{ print $3 }' >>"$tmp/$name.rss"
		r=$((r + 1))
	done
	cpu=$(sort -n "$tmp/$name.cpu" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	rss=$(sort -n "$tmp/$name.rss" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
}

cd "$data"
if [ -n "$pprof" ]; then
	set -- "$pprof"
	pprof_desc=$pprof
else
	set -- "$go" tool pprof
	pprof_desc="$go tool pprof"
fi

echo "bench: pprof go$gover ($pprof_desc); $runs runs each, medians"
echo "bench: pair $data: before.pb.gz $(wc -c <before.pb.gz | tr -d ' ') B, after.pb.gz $(wc -c <after.pb.gz | tr -d ' ') B," \
	"before.txt $(wc -c <before.txt | tr -d ' ') B, after.txt $(wc -c <after.txt | tr -d ' ') B"

measure pprof_proto 1 "$@" -symbolize=none -top -diff_base=before.pb.gz after.pb.gz
pp_cpu=$cpu pp_rss=$rss
measure gomem_proto "$repeat" "$gomem" --top=0 before.pb.gz after.pb.gz
gp_cpu=$cpu gp_rss=$rss
measure pprof_text 1 "$@" -top -diff_base=before.txt heapsnap after.txt
pt_cpu=$cpu pt_rss=$rss
measure gomem_text "$repeat" "$gomem" --top=0 before.txt after.txt
gt_cpu=$cpu gt_rss=$rss

awk -v pp_cpu="$pp_cpu" -v pp_rss="$pp_rss" -v gp_cpu="$gp_cpu" -v gp_rss="$gp_rss" \
	-v pt_cpu="$pt_cpu" -v pt_rss="$pt_rss" -v gt_cpu="$gt_cpu" -v gt_rss="$gt_rss" '
	# ratio A B — A/B; a zero B (below the timer) counts as 1 ms.
	function ratio(a, b) { if (b < 0.001) b = 0.001; return a / b }
	function verdict(r, target) {
		if (target == 0) return ""
		if (r >= target) return "ok"
		missed++
		return "MISSED"
	}
	function row(what, r, target) {
		printf "  %-16s %9.1fx  %9s  %s\n", what, r, target ? sprintf(">= %dx", target) : "-", verdict(r, target)
	}
	BEGIN {
		printf "\n  %-16s %10s %14s\n", "", "CPU s", "max RSS MiB"
		printf "  %-16s %10.3f %14.1f\n", "pprof proto", pp_cpu, pp_rss / 1024
		printf "  %-16s %10.3f %14.1f\n", "gomem proto", gp_cpu, gp_rss / 1024
		printf "  %-16s %10.3f %14.1f\n", "pprof text", pt_cpu, pt_rss / 1024
		printf "  %-16s %10.3f %14.1f\n", "gomem text", gt_cpu, gt_rss / 1024
		printf "\n  %-16s %10s  %9s\n", "pprof / gomem", "ratio", "target"
		row("proto CPU", ratio(pp_cpu, gp_cpu), 50)
		row("proto memory", ratio(pp_rss, gp_rss), 15)
		row("text CPU", ratio(pt_cpu, gt_cpu), 25)
		row("text memory", ratio(pt_rss, gt_rss), 0)
		if (missed) { printf "\nbench: %d target(s) missed\n", missed; exit 1 }
		printf "\nbench: all targets met\n"
	}'
