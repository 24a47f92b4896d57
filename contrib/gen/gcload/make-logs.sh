#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-logs.sh — regenerates tests/data/gctrace/go1.XX/ with contrib/gen/gcload
# under every Go installed of 1.19 (/usr/bin/go or /usr/lib/go-1.19) and 1.21,
# 1.22, 1.23 (/usr/lib/go-1.2x, Debian golang-1.2x-go). Each run leaves
#   NAME.log         the program's stderr: GODEBUG=gctrace=1 lines and its app lines
#   NAME.truth.json  its stdout: runtime.MemStats at exit (NumGC, NumForcedGC,
#                    PauseTotalNs, HeapAlloc, ...) and the number of app lines,
#                    counted by the program, not by our parser
# and NOTE says which Go and which commands. check_gctrace.c compares.
# Usage: sh contrib/gen/gcload/make-logs.sh [OUTDIR]   (default tests/data/gctrace)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/gctrace}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gcload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${HOME:-}" ] || { GOCACHE=$tmp/cache; export GOCACHE; }

# run NAME ENV... -- ARGS...: one run into $dir
run() {
	name=$1
	shift
	envs=
	while [ "$1" != -- ]; do
		envs="$envs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # ENV words split on purpose
	env GODEBUG=gctrace=1 GOMAXPROCS=2 $envs "$tmp/gcload" "$@" \
		>"$dir/$name.truth.json" 2>"$dir/$name.log"
	echo "$name: GODEBUG=gctrace=1 GOMAXPROCS=2$envs gcload $*" >>"$dir/NOTE"
}

for v in 1.19 1.21 1.22 1.23; do
	go=/usr/lib/go-$v/bin/go
	[ -x "$go" ] || { [ "$v" = 1.19 ] && go=/usr/bin/go; }
	if [ ! -x "$go" ] || ! "$go" version | grep -q "go$v"; then
		echo "make-logs: no Go $v, skipped" >&2
		continue
	fi
	dir=$out/go$v
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/gcload" .)
	{
		echo "Made by contrib/gen/gcload/make-logs.sh with $("$go" version)."
		echo "Each NAME.log is the stderr of one run, NAME.truth.json its stdout."
	} >"$dir/NOTE"
	run steady GOGC=100 -- -ticks 200 -rate 150 -live 24
	run leak GOGC=100 GOMEMLIMIT=96MiB -- -ticks 200 -rate 120 -live 16 -leak 10
	run forced GOGC=200 -- -ticks 150 -rate 100 -live 16 -forced 3
	ls -l "$dir"
done
