#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# gen.sh — regenerates the gomem escape(1) fixtures in tests/data/escape/ from
# this module with the real compiler:
#
#   before-m1.txt  before-m2.txt  before-json/     the module as it is
#   after-m1.txt   after-m2.txt   after-json/      with testdata/after/ laid over it
#   before-m2-go1.23.txt  after-m2-go1.23.txt      the same with Go 1.23 (when present)
#   before-tests-m1.txt                            `go test -gcflags=-m` (test variants)
#
# The before -> after change mirrors the corpus pair: 2 new heap escapes
# (MakePoint: moved to heap: p; Sum: make([]int, n)), 1 removed (Label: p.X),
# 2 unchanged despite line shifts and a changed concat expression.
#
# Each variant is built in a copy under /tmp/gomem-escsample/{before,after}
# (a fixed path, so -json's absolute file names are the same every run), with
# a fresh GOCACHE (the build cache replays stale -m text and writes no -json).
#   sh contrib/gen/escsample/gen.sh [OUTDIR]     (GO=go, GO123=/usr/lib/go-1.23/bin/go)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../../tests/data/escape}
mkdir -p "$out"
out=$(cd "$out" && pwd)
GO=${GO:-go}
GO123=${GO123:-/usr/lib/go-1.23/bin/go}
work=/tmp/gomem-escsample
export GOFLAGS=-mod=mod GOTOOLCHAIN=local GOWORK=off
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

build() { # GO DIR FLAGS... -> stderr of go build (the diagnostics)
	g=$1 d=$2
	shift 2
	cache=$(mktemp -d)
	(cd "$d" && GOCACHE=$cache "$g" build -o /dev/null "$@" ./... 2>&1 >/dev/null) || true
	chmod -R u+w "$cache"
	rm -rf "$cache"
}

for v in before after; do
	mkdir -p "$work/$v"
	(cd "$here" && tar cf - --exclude=testdata --exclude=gen.sh .) | (cd "$work/$v" && tar xf -)
	[ $v = after ] && cp -R "$here/testdata/after/." "$work/$v/"
	build "$GO" "$work/$v" -gcflags=-m >"$out/$v-m1.txt"
	build "$GO" "$work/$v" -gcflags=-m=2 >"$out/$v-m2.txt"
	rm -rf "$out/$v-json"
	mkdir -p "$out/$v-json"
	build "$GO" "$work/$v" -gcflags=-json=0,"$out/$v-json" >/dev/null
	if [ -x "$GO123" ]; then
		build "$GO123" "$work/$v" -gcflags=-m=2 >"$out/$v-m2-go1.23.txt"
	fi
done
cache=$(mktemp -d)
(cd "$work/before" && GOCACHE=$cache "$GO" test -count=1 -run='^$' -gcflags=-m ./... 2>&1 |
	grep -v '^ok \|^?  \|no test files' >"$out/before-tests-m1.txt") || true
chmod -R u+w "$cache"
rm -rf "$cache"
"$GO" version >"$out/GO_VERSION"
[ -x "$GO123" ] && "$GO123" version >>"$out/GO_VERSION"
echo "wrote $out"
