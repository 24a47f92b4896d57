#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# headertest.sh — every public header compiles on its own (libgit2's
# tests/headertest): a C file that includes one header and nothing else must
# pass -std=c11 -pedantic -Wall -Wextra -Werror, and so must one that
# includes it twice (the include guard). When a C++ compiler is there, the
# same files must also compile as C++11. Each header must also start with
# an include guard and keep its declarations in extern "C".
#
# Environment (exported by the automake harness): top_srcdir, CC; CXX is
# optional (default: g++ or c++ if one is on PATH).
# Exit status: 0 every header passed, 1 one failed, 77 nothing to test.

: "${top_srcdir:=.}"
: "${CC:=cc}"

incdir=$top_srcdir/lib/include
if [ ! -f "$incdir/gomem.h" ]; then
	echo "headertest: no $incdir/gomem.h" >&2
	exit 1
fi

if [ -z "${CXX:-}" ]; then
	for c in g++ c++ clang++; do
		if command -v "$c" >/dev/null 2>&1; then
			CXX=$c
			break
		fi
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/headertest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0
fail=0

# check NAME INCLUDE TIMES LANG: writes a file that includes INCLUDE TIMES
# times and compiles it as LANG (c or c++).
check() {
	name=$1 inc=$2 times=$3 lang=$4
	src=$tmp/t.c
	: >"$src"
	i=0
	while [ "$i" -lt "$times" ]; do
		printf '#include "%s"\n' "$inc" >>"$src"
		i=$((i + 1))
	done
	if [ "$lang" = c ]; then
		# shellcheck disable=SC2086 # CC may carry flags ("gcc -m32")
		out=$($CC -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
			-I"$incdir" "$src" 2>&1)
	else
		# shellcheck disable=SC2086
		out=$($CXX -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
			-I"$incdir" "$src" 2>&1)
	fi
	status=$?
	if [ "$status" -eq 0 ] && [ -z "$out" ]; then
		pass=$((pass + 1))
		echo "PASS: $name"
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

headers="gomem.h"
for h in "$incdir"/gomem/*.h; do
	[ -f "$h" ] || continue
	headers="$headers gomem/${h##*/}"
done

# lint NAME FILE: the first directives are "#ifndef G" and "#define G" (a
# header that only declares functions compiles twice without a guard), and
# a header that declares functions wraps them in extern "C" for C++.
lint() {
	guard=$(grep '^#' "$2" | sed -n '1s/^#ifndef[ \t]*\([A-Za-z_][A-Za-z0-9_]*\)[ \t]*$/\1/p')
	defined=$(grep '^#' "$2" | sed -n '2s/^#define[ \t]*\([A-Za-z_][A-Za-z0-9_]*\)[ \t]*$/\1/p')
	if [ -z "$guard" ] || [ "$guard" != "$defined" ]; then
		fail=$((fail + 1))
		echo "FAIL: $1: does not start with an include guard (#ifndef G / #define G)"
	elif grep -q '^GOMEM_API' "$2" && ! grep -q 'extern "C"' "$2"; then
		fail=$((fail + 1))
		echo "FAIL: $1: declares functions outside extern \"C\""
	else
		pass=$((pass + 1))
		echo "PASS: $1 (guard, extern \"C\")"
	fi
}

for inc in $headers; do
	lint "$inc" "$incdir/$inc"
	check "$inc (C11)" "$inc" 1 c
	check "$inc twice (C11)" "$inc" 2 c
	if [ -n "${CXX:-}" ]; then
		check "$inc (C++11)" "$inc" 1 c++
		check "$inc twice (C++11)" "$inc" 2 c++
	fi
done

[ -n "${CXX:-}" ] || echo "note: no C++ compiler found; C++11 checks skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
