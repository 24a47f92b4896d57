#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates tests/data/heapexplain/go1.XX/ with
# contrib/gen/wasteheap under every Go installed of 1.19 (/usr/bin/go or
# /usr/lib/go-1.19) and 1.21, 1.22, 1.23 (/usr/lib/go-1.2x). Each directory gets
#   heap.pb.gz   the heap profile, debug=0 (profile.proto, gzipped)
#   heap.txt     the same heap, debug=1 (legacy text + runtime.MemStats trailer)
#   truth.json   runtime.MemStats, runtime/metrics /memory/classes/heap/*, and
#                per allocation site the live objects and the bytes requested
#   NOTE         which Go, which command
# The runtime profiles every allocation (GODEBUG=memprofilerate=1), so the
# profile is exact, not an estimate. tests/heapexplain-check.sh compares.
# Usage: sh contrib/gen/wasteheap/make-fixtures.sh [OUTDIR] [VERSION...]
#        (default tests/data/heapexplain, versions 1.19 1.21 1.22 1.23)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/heapexplain}
[ $# -gt 0 ] && shift
versions=${*:-1.19 1.21 1.22 1.23}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasteheap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${HOME:-}" ] || { GOCACHE=$tmp/cache; export GOCACHE; }

for v in $versions; do
	go=/usr/lib/go-$v/bin/go
	[ -x "$go" ] || { [ "$v" = 1.19 ] && go=/usr/bin/go; }
	if [ ! -x "$go" ] || ! "$go" version | grep -q "go$v"; then
		echo "make-fixtures: no Go $v, skipped" >&2
		continue
	fi
	dir=$out/go$v
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/wasteheap" .)
	GODEBUG=memprofilerate=1 GOMAXPROCS=2 "$tmp/wasteheap" "$dir"
	{
		echo "Made by contrib/gen/wasteheap/make-fixtures.sh with $("$go" version)."
		echo "Command: GODEBUG=memprofilerate=1 GOMAXPROCS=2 wasteheap DIR"
	} >"$dir/NOTE"
done
