#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-binaries.sh — builds contrib/gen/binsym with one Go toolchain, in the
# three forms gomem's binary module must read, and runs each so that the Go
# runtime writes its own goroutine and heap profiles (the ground truth of the
# symbolization tests):
#   OUT/binsym.default   go build
#   OUT/binsym.stripped  go build -ldflags='-s -w' (no .symtab, no DWARF)
#   OUT/binsym.pie       go build -buildmode=pie
#   OUT/<form>.out/      goroutine.debug1, goroutine.debug2, heap.debug1, heap.pb.gz
#
# Usage: sh contrib/gen/binsym/make-binaries.sh GO OUT
# Needs no network (stdlib only). Exit status 77 when GO cannot build.
set -eu

go=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GO111MODULE=on CGO_ENABLED=0
export GOPROXY GOTOOLCHAIN GOFLAGS GO111MODULE CGO_ENABLED
if [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$out/gocache
	export GOCACHE
fi

cd "$here"
"$go" build -o "$out/binsym.default" . >"$out/build.log" 2>&1 || exit 77
"$go" build -ldflags='-s -w' -o "$out/binsym.stripped" . >>"$out/build.log" 2>&1
"$go" build -buildmode=pie -o "$out/binsym.pie" . >>"$out/build.log" 2>&1
for form in default stripped pie; do
	mkdir -p "$out/$form.out"
	"$out/binsym.$form" "$out/$form.out"
done
