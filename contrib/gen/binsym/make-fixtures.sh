#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates tests/data/binary/go1.NN/ for every Go
# toolchain installed among 1.19 (/usr/bin/go, Debian bookworm) and 1.21,
# 1.22, 1.23 (/usr/lib/go-1.2N/bin/go), so that CI, which has only Go 1.19,
# still checks the layouts of the newer ones:
#   binsym.sections.elf.gz  the stripped build of contrib/gen/binsym cut to the
#                           sections gomem reads (.go.buildinfo, .gopclntab,
#                           .rodata with go:func.*, .noptrdata with the
#                           moduledata), gzipped: ~350 KB instead of 1.3 MB
#   goroutine.debug1        what that binary wrote: the runtime's own `#' lines
#   heap.debug1             are the ground truth of the symbolization
#   heap.pb.gz              the same heap profile as protobuf (functions and lines)
#   version-m.txt           `go version -m binsym.stripped` by that toolchain
#
# Usage: sh contrib/gen/binsym/make-fixtures.sh
# BINSYM_BUILT=DIR reuses DIR/<version>/ made by make-binaries.sh.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/binsym.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# go_for VERSION — the go binary of that release, or nothing.
go_for() {
	for g in "/usr/lib/go-$1/bin/go" "$(command -v go 2>/dev/null || true)"; do
		[ -n "$g" ] && [ -x "$g" ] || continue
		case $("$g" env GOVERSION 2>/dev/null) in
		"go$1" | "go$1".*) echo "$g"; return 0 ;;
		esac
	done
}

for v in 1.19 1.21 1.22 1.23; do
	go=$(go_for "$v")
	[ -n "$go" ] || { echo "go$v: not installed, skipped"; continue; }
	built=${BINSYM_BUILT:+$BINSYM_BUILT/$v}
	if [ -z "$built" ] || [ ! -x "$built/binsym.stripped" ]; then
		built=$tmp/$v
		sh "$here/make-binaries.sh" "$go" "$built"
	fi
	out=$top/tests/data/binary/go$v
	mkdir -p "$out"
	objcopy --only-section=.go.buildinfo --only-section=.gopclntab --only-section=.rodata \
		--only-section=.noptrdata "$built/binsym.stripped" "$tmp/sections.elf" 2>/dev/null
	gzip -9n <"$tmp/sections.elf" >"$out/binsym.sections.elf.gz"
	cp "$built/stripped.out/goroutine.debug1" "$built/stripped.out/heap.debug1" \
		"$built/stripped.out/heap.pb.gz" "$out/"
	(cd "$built" && "$go" version -m binsym.stripped) >"$out/version-m.txt"
	echo "go$v: $(head -1 "$out/version-m.txt")"
done
