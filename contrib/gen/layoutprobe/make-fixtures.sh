#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates tests/data/layout/go1.XX-ARCH.{tsv,debug} with
# contrib/gen/layoutprobe under every Go installed of 1.19 (/usr/bin/go or
# /usr/lib/go-1.19), 1.21, 1.22 and 1.23 (/usr/lib/go-1.2x, Debian
# golang-1.2x-go), for GOARCH=amd64 and GOARCH=386. Each build leaves
#   go1.XX-ARCH.tsv    the probe's stdout: what the Go compiler made of its
#                      structs (reflect's Size/Align/Offset) and the size and
#                      pointer bytes of fieldalignment's order, computed in Go
#   go1.XX-ARCH.debug  the probe binary's ELF headers and DWARF only
#                      (objcopy --only-keep-debug, minus line tables, frames,
#                      locations and symbols): ~250 KB that gomem layout reads
# tests/layout-check.sh compares gomem layout's reading of each .debug with
# its .tsv, so that releases CI does not install stay checked.
# Usage: sh contrib/gen/layoutprobe/make-fixtures.sh [OUTDIR] [RELEASE-ARCH...]
#   (default tests/data/layout, and go1.21-amd64 go1.22-amd64 go1.23-amd64 go1.23-386)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/tests/data/layout}
[ $# -gt 0 ] && shift
wanted=${*:-go1.21-amd64 go1.22-amd64 go1.23-amd64 go1.23-386}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layoutprobe.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${HOME:-}" ] || { GOCACHE=$tmp/cache; export GOCACHE; }

go_for() {
	case $1 in
	go1.19) for g in /usr/lib/go-1.19/bin/go /usr/bin/go; do
			[ -x "$g" ] && "$g" version | grep -q 'go1\.19' && { echo "$g"; return; }
		done ;;
	*) g=/usr/lib/go-${1#go}/bin/go; [ -x "$g" ] && { echo "$g"; return; } ;;
	esac
	return 1
}

mkdir -p "$out"
for ra in $wanted; do
	release=${ra%-*} arch=${ra##*-}
	if ! go=$(go_for "$release"); then
		echo "make-fixtures: $release not installed, skipped" >&2
		continue
	fi
	(cd "$here" && GOARCH=$arch "$go" build -o "$tmp/probe" .)
	"$tmp/probe" >"$out/$ra.tsv"
	# Keep the ELF header, .debug_info and .debug_abbrev: all gomem layout reads.
	objcopy --only-keep-debug "$tmp/probe" "$tmp/debug"
	objcopy --strip-all --keep-section=.debug_info --keep-section=.debug_abbrev \
		--keep-section=.zdebug_info --keep-section=.zdebug_abbrev "$tmp/debug" "$out/$ra.debug"
	echo "$ra: $("$go" version)" >&2
done
