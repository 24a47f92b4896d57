#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — the schedtrace fixtures of tests/data/sched: schedload
# (a short run) under every installed Go release, once with
# GODEBUG=schedtrace=50,scheddetail=1,gctrace=1 and once with
# schedtrace=50,gctrace=1, GOMAXPROCS=2. The runtime writes every line; the
# program's own ground-truth lines (schedload gomaxprocs=, steady/end
# numgoroutine=, done elapsed_ms=) sit among them.
# Usage: sh contrib/gen/schedload/make-fixtures.sh [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/sched}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/schedload.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=mod GOCACHE=$tmp/cache
export GOPROXY GOTOOLCHAIN GOFLAGS GOCACHE
mkdir -p "$out"
for v in 1.19 1.21 1.22 1.23; do
	go=/usr/lib/go-$v/bin/go
	[ -x "$go" ] || { echo "make-fixtures: no Go $v at $go" >&2; exit 1; }
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/schedload-$v" .)
	GOMAXPROCS=2 GODEBUG=schedtrace=50,scheddetail=1,gctrace=1 "$tmp/schedload-$v" \
		-rounds 1 -hold 120ms -crowd 6 -block 3 2>"$tmp/detail.log"
	gzip -n9 <"$tmp/detail.log" >"$out/go$v.detail.log.gz"
	GOMAXPROCS=2 GODEBUG=schedtrace=50,gctrace=1 "$tmp/schedload-$v" \
		-rounds 1 -hold 120ms -crowd 6 -block 3 2>"$out/go$v.log"
	echo "go$v: $("$go" version)"
done
