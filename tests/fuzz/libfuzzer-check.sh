#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libfuzzer-check.sh — every fuzz harness builds both ways: into the replay
# driver (tests/fuzz/replay, run by make check) and alone under
# `clang -fsanitize=fuzzer`, where it must define LLVMFuzzerTestOneInput.
# Each is linked against this build's libgomem.a and run once over its seed
# corpus (-runs=0), so a harness libFuzzer cannot drive fails here, not in
# `make fuzz`. In a sanitizer build the library carries gcc's runtime, which
# clang's libFuzzer cannot link with: there only the source checks run.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
fuzz=$top_srcdir/tests/fuzz
fails=0
ok() { echo "ok   $*"; }
not_ok() { echo "FAIL $*"; fails=$((fails + 1)); }

command -v clang >/dev/null 2>&1 ||
	{ echo "FAIL clang is missing: sh contrib/deps.sh test installs it"; exit 1; }
lib=$top_builddir/lib/.libs/libgomem.a
la=$top_builddir/lib/libgomem.la
libs=$(sed -n "s/^dependency_libs='\(.*\)'/\1/p" "$la" 2>/dev/null | sed 's|[^ ]*\.la||g')
sanitized=no
case "${CFLAGS:-}" in *-fsanitize*) sanitized=yes ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for src in "$fuzz"/*_fuzzer.c; do
	name=$(basename "$src" _fuzzer.c)
	grep -q "^int LLVMFuzzerTestOneInput" "$src" || { not_ok "$name: no LLVMFuzzerTestOneInput"; continue; }
	grep -q "{\"$name\", ${name}_fuzz_one}" "$fuzz/standalone_driver.c" ||
		{ not_ok "$name: not in the replay driver's targets"; continue; }
	grep -q "tests/fuzz/${name}_fuzzer.c" "$top_srcdir/Makefile.am" ||
		{ not_ok "$name: not in tests_fuzz_replay_SOURCES"; continue; }
	[ -d "$fuzz/corpus/$name" ] || { not_ok "$name: no seed corpus tests/fuzz/corpus/$name"; continue; }
	if [ $sanitized = yes ] || [ ! -f "$lib" ]; then
		ok "$name: harness registered (sanitizer build: not linked under libFuzzer)"
		continue
	fi
	# shellcheck disable=SC2086
	if ! clang -std=c11 -D_POSIX_C_SOURCE=200809L -DGOMEM_LIBFUZZER -fsanitize=fuzzer -g -O1 \
		-I"$top_srcdir/lib/include" -I"$top_srcdir/lib" "$src" "$lib" $libs \
		-o "$tmp/$name" 2>"$tmp/$name.err"; then
		not_ok "$name: does not link under -fsanitize=fuzzer: $(head -c 600 "$tmp/$name.err")"
		continue
	fi
	if "$tmp/$name" -runs=0 "$fuzz/corpus/$name" >"$tmp/$name.log" 2>&1; then
		ok "$name: libFuzzer runs its corpus"
	else
		not_ok "$name: libFuzzer failed on its corpus: $(tail -n 5 "$tmp/$name.log")"
	fi
done
[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
echo "all harnesses pass"
