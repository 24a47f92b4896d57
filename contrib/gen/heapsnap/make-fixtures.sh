#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates the committed heap profile fixtures with
# contrib/gen/heapsnap:
#   tests/data/heap/go1.NN/rate1/    small scenario, MemProfileRate=1 (exact)
#   tests/data/heap/go1.NN/default/  small scenario, default rate (sampled)
# for every Go toolchain installed among 1.19 (Debian bookworm's golang-go)
# and 1.21, 1.22, 1.23 (bookworm-backports: golang-1.2N-go, under
# /usr/lib/go-1.2N/bin/go), and contrib/examples/ (example scenario, default
# rate) with Go 1.19.
#
# Usage: sh contrib/gen/heapsnap/make-fixtures.sh [fixtures|examples|all]
# Run from anywhere; writes into the source tree this script sits in. Sampled
# profiles differ on every run: review the diff before committing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
what=${1:-all}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/heapsnap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# Never reach for the network: no module downloads, no toolchain switching.
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${HOME:-}" ] && [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$tmp/gocache
	export GOCACHE
fi

# go_for VERSION — prints the go binary of that release, or nothing.
go_for() {
	for g in "/usr/lib/go-$1/bin/go" "$(command -v go 2>/dev/null || true)"; do
		if [ -z "$g" ] || [ ! -x "$g" ]; then
			continue
		fi
		case $("$g" env GOVERSION 2>/dev/null) in
		"go$1" | "go$1".*) echo "$g"; return 0 ;;
		esac
	done
}

# build GO OUT
build() {
	(cd "$here" && "$1" build -trimpath -buildvcs=false -o "$2" .)
}

# generate BIN GO DIR ARGS... — runs the generator into DIR (emptied first)
# and appends how to remake it to DIR/NOTE.
generate() {
	bin=$1 go=$2 dir=$3
	shift 3
	rm -rf "$dir"
	mkdir -p "$dir"
	"$bin" -out="$dir" "$@"
	{
		echo "Toolchain: $go ($("$go" version))"
		echo "Built with: go build -trimpath -buildvcs=false (in contrib/gen/heapsnap)"
		echo "Remake all fixtures: sh contrib/gen/heapsnap/make-fixtures.sh"
	} >>"$dir/NOTE"
	echo "wrote ${dir#"$top"/}: $(du -sk "$dir" | cut -f1) KiB"
}

made=0
if [ "$what" = all ] || [ "$what" = fixtures ]; then
	for v in 1.19 1.21 1.22 1.23; do
		go=$(go_for $v)
		if [ -z "$go" ]; then
			echo "skip go$v: not installed (apt-get install golang-$v-go)"
			continue
		fi
		build "$go" "$tmp/heapsnap-go$v"
		generate "$tmp/heapsnap-go$v" "$go" "$top/tests/data/heap/go$v/rate1" -scenario=small -rate=1
		generate "$tmp/heapsnap-go$v" "$go" "$top/tests/data/heap/go$v/default" -scenario=small
		made=$((made + 1))
	done
fi

if [ "$what" = all ] || [ "$what" = examples ]; then
	go=$(go_for 1.19)
	if [ -z "$go" ]; then
		echo "make-fixtures: the example is made with Go 1.19 (apt-get install golang-go)" >&2
		exit 1
	fi
	build "$go" "$tmp/heapsnap-ex"
	ex=$top/contrib/examples
	mkdir -p "$ex"
	rm -f "$ex/before.pb.gz" "$ex/after.pb.gz" "$ex/before.txt" "$ex/after.txt" "$ex/ground_truth.json"
	"$tmp/heapsnap-ex" -out="$ex" -scenario=example
	# contrib/examples/README.md carries the note.
	rm -f "$ex/NOTE"
	echo "wrote contrib/examples with $("$go" version)"
	made=$((made + 1))
fi

[ "$made" -gt 0 ] || { echo "make-fixtures: nothing made" >&2; exit 1; }
