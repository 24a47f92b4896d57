#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-data.sh — regenerates the ground truth of gomem sizeclass and gomem
# allocsim with contrib/gen/allocmeasure, under every Go installed of 1.19
# (/usr/bin/go or /usr/lib/go-1.19) and 1.21, 1.22, 1.23 (/usr/lib/go-1.2x):
#   tests/data/sizeclass/go1.XX.csv.gz  HeapAlloc growth for N objects of every
#                                       size 1..34000 (pointerful: multiples of 8)
#   tests/data/alloc/NAME.stream.gz     allocation streams (made once, with a
#                                       fixed seed; the same for every release)
#   tests/data/alloc/go1.XX/NAME.json   runtime/metrics deltas of replaying them
# with GOMAXPROCS=1. NOTE files say which Go made what.
# Usage: sh contrib/gen/allocmeasure/make-data.sh [TOPDIR]   (default: this tree)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=${1:-$(cd "$here/../../.." && pwd)}
sizes=$top/tests/data/sizeclass
alloc=$top/tests/data/alloc
tmp=$(mktemp -d "${TMPDIR:-/tmp}/allocmeasure.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GOMAXPROCS=1
export GOPROXY GOTOOLCHAIN GOFLAGS GOMAXPROCS
[ -n "${HOME:-}" ] || { GOCACHE=$tmp/cache; export GOCACHE; }
mkdir -p "$sizes" "$alloc"

# The streams: name, kind, seed, events, frees per 1000 events.
streams="mixed:mixed:1:60000:350 mixed2:mixed:7:40000:450 large:large:3:6000:350 tiny:tiny:5:200000:150"

made_streams=
for v in 1.19 1.21 1.22 1.23; do
	go=/usr/lib/go-$v/bin/go
	[ -x "$go" ] || { [ "$v" = 1.19 ] && go=/usr/bin/go; }
	if [ ! -x "$go" ] || ! "$go" version | grep -q "go$v"; then
		echo "make-data: no Go $v, skipped" >&2
		continue
	fi
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/allocmeasure" .)
	"$tmp/allocmeasure" sizes | gzip -9n >"$sizes/go$v.csv.gz"
	echo "go$v.csv.gz: GOMAXPROCS=1 allocmeasure sizes, $("$go" version)" >>"$tmp/sizes-note"
	if [ -z "$made_streams" ]; then
		for s in $streams; do
			IFS=: read -r name kind seed events frees <<-END
			$s
			END
			"$tmp/allocmeasure" gen -kind "$kind" -seed "$seed" -events "$events" -frees "$frees" |
				gzip -9n >"$alloc/$name.stream.gz"
		done
		made_streams=yes
	fi
	rm -rf "$alloc/go$v"
	mkdir -p "$alloc/go$v"
	echo "Made by contrib/gen/allocmeasure/make-data.sh with $("$go" version): GOMAXPROCS=1 allocmeasure replay NAME.stream" \
		>"$alloc/go$v/NOTE"
	for s in $streams; do
		name=${s%%:*}
		"$tmp/allocmeasure" replay "$alloc/$name.stream.gz" | sed "s|$alloc/||" >"$alloc/go$v/$name.json"
	done
done
[ -f "$tmp/sizes-note" ] && mv "$tmp/sizes-note" "$sizes/NOTE"
