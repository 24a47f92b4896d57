#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# build.sh [DIR] — configures and builds gomem out of tree in DIR (default
# build/). CFLAGS and CONFIGURE_FLAGS from the environment are passed on.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/build"}
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
mkdir -p "$dir"
cd "$dir"
# What configure finds depends on what is installed: the test command installs
# Go, promtool, chromium... after the first command may have configured this
# tree. Reconfigure whenever that set (or the flags) changed since.
found=$(
	for t in go mandoc tmux promtool prometheus chromium xmllint clang; do
		printf '%s=%s\n' "$t" "$(command -v "$t" || true)"
	done
	ls -d /usr/lib/go-1.* 2>/dev/null || true
	pkg-config --modversion zlib libdeflate libcurl libelf libdw ncursesw check 2>/dev/null || true
	printf 'CC=%s CFLAGS=%s LDFLAGS=%s FLAGS=%s\n' "${CC:-}" "${CFLAGS:-}" "${LDFLAGS:-}" "${CONFIGURE_FLAGS:-}"
)
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] ||
	[ "$(cat .gomem-configured 2>/dev/null)" != "$found" ]; then
	# shellcheck disable=SC2086
	"$top/configure" -q ${CONFIGURE_FLAGS:-}
	printf '%s\n' "$found" >.gomem-configured
fi
make -s -j"$(nproc 2>/dev/null || echo 2)"
