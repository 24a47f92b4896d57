#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates the committed goroutine-dump fixtures with
# contrib/gen/gorodump:
#   tests/data/goroutines/go1.NN/g100.*    -n 100 -k 12 population (debug2, debug1, manifest)
#   tests/data/goroutines/go1.NN/leak.*    leak pair (before/after, debug2 + debug1, truth)
#   tests/data/goroutines/go1.23-aged/aged.* held 65 s after two GCs: "[state, 1 minutes]"
#   contrib/examples/goroutines.{before,after}.txt  a small leak story (Go 1.19)
# for every Go toolchain installed among 1.19 (Debian bookworm's golang-go)
# and 1.21, 1.22, 1.23 (bookworm-backports, /usr/lib/go-1.2N/bin/go).
#
# Usage: sh contrib/gen/gorodump/make-fixtures.sh [fixtures|aged|examples|all]
# Goroutine ids and pointer values differ on every run: review the diff.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
what=${1:-all}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gorodump.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
if [ -z "${GOCACHE:-}" ]; then
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

# gen GO DIR PREFIX ARGS... — builds and runs the generator, notes how.
gen() {
	go=$1 dir=$2 prefix=$3
	shift 3
	mkdir -p "$dir"
	(cd "$here" && "$go" build -trimpath -buildvcs=false -o "$tmp/gorodump" .)
	GOMAXPROCS=2 "$tmp/gorodump" -out="$dir/$prefix" "$@"
	{
		echo "$prefix.*: $("$go" version)"
		echo "  GOMAXPROCS=2 gorodump $* -out=$prefix   (contrib/gen/gorodump, go build -trimpath)"
	} >>"$dir/NOTE"
}

small='-io=2 -locked=1 -syscall=1 -deep=1 -busy=1'
if [ "$what" = fixtures ] || [ "$what" = all ]; then
	for v in 1.19 1.21 1.22 1.23; do
		go=$(go_for "$v")
		[ -n "$go" ] || { echo "make-fixtures: Go $v not installed, skipped"; continue; }
		dir=$top/tests/data/goroutines/go$v
		rm -f "$dir"/g100.* "$dir"/leak.* "$dir/NOTE"
		# shellcheck disable=SC2086
		gen "$go" "$dir" g100 -n=100 -k=12 -seed=1 $small
		gen "$go" "$dir" leak -leak -leak-scale=10 -n=40 -k=8 -seed=7 \
			-io=1 -locked=1 -syscall=1 -deep=0 -busy=0
	done
fi
if [ "$what" = aged ] || [ "$what" = all ]; then
	go=$(go_for 1.23)
	if [ -n "$go" ]; then
		dir=$top/tests/data/goroutines/go1.23-aged
		rm -f "$dir"/aged.* "$dir/NOTE"
		gen "$go" "$dir" aged -n=40 -k=8 -seed=3 -formats=debug2 -hold=65s \
			-io=1 -locked=1 -syscall=1 -deep=0 -busy=0
	fi
fi
if [ "$what" = examples ] || [ "$what" = all ]; then
	go=$(go_for 1.19)
	[ -n "$go" ] || go=$(command -v go)
	gen "$go" "$tmp/ex" ex -leak -leak-scale=10 -n=30 -k=6 -seed=11 -formats=debug2 \
		-io=1 -locked=0 -syscall=0 -deep=0 -busy=0
	cp "$tmp/ex/ex.before.debug2.txt" "$top/contrib/examples/goroutines.before.txt"
	cp "$tmp/ex/ex.after.debug2.txt" "$top/contrib/examples/goroutines.after.txt"
	cp "$tmp/ex/ex.truth.json" "$top/contrib/examples/goroutines.truth.json"
fi
