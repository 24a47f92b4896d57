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
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	# shellcheck disable=SC2086
	"$top/configure" -q ${CONFIGURE_FLAGS:-}
fi
make -s -j"$(nproc 2>/dev/null || echo 2)"
