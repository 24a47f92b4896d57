#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-fixtures.sh — regenerates tests/data/heapdump/go1.23.dump.gz (and its
# .json: the generator's counts and MemStats) with contrib/gen/heapdumpgen
# -scale 1 built by Go 1.23, and the fuzz seeds tests/fuzz/corpus/heapdump
# (the dump's first 4 KiB, and the whole dump gzipped), and go1.23-scale2.dump.gz
# (-scale 2 of the same program, for the --diff goldens). Addresses
# differ on every run: review the goldens of tests/cli/heapdump after.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
go=${GO123:-/usr/lib/go-1.23/bin/go}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/heapdumpgen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
[ -n "${GOCACHE:-}" ] || { GOCACHE=$tmp/gocache; export GOCACHE; }
(cd "$here" && "$go" build -o "$tmp/gen" .)
"$tmp/gen" -scale 1 -out "$tmp/go1.23.dump"
gzip -9n <"$tmp/go1.23.dump" >"$top/tests/data/heapdump/go1.23.dump.gz"
cp "$tmp/go1.23.dump.json" "$top/tests/data/heapdump/go1.23.dump.json"
head -c 4096 "$tmp/go1.23.dump" >"$top/tests/fuzz/corpus/heapdump/head-4k"
gzip -9n <"$tmp/go1.23.dump" >"$top/tests/fuzz/corpus/heapdump/whole.gz"
# a second, larger heap of the same program: the --diff goldens
"$tmp/gen" -scale 2 -out "$tmp/go1.23-scale2.dump"
gzip -9n <"$tmp/go1.23-scale2.dump" >"$top/tests/data/heapdump/go1.23-scale2.dump.gz"
