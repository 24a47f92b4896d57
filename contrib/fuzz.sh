#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fuzz.sh [SECONDS] [TARGET...] — `make fuzz`: builds libgomem with clang's
# coverage instrumentation plus ASan and UBSan in build-fuzz/, links each
# harness in tests/fuzz/ with libFuzzer and runs it for SECONDS (default 60;
# FUZZ_SECONDS in the environment too) from its seed corpus and dictionary.
# New inputs go to build-fuzz/corpus/TARGET; crashes to build-fuzz/crashes/.
# Copy an input worth keeping into tests/fuzz/corpus/TARGET by hand: make
# check replays that directory. Not part of CI (it runs for minutes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
dir=$top/build-fuzz
command -v clang >/dev/null 2>&1 || { echo "fuzz.sh: needs clang (sh contrib/deps.sh test)" >&2; exit 2; }
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
CC=clang CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" LDFLAGS="$san" \
	CONFIGURE_FLAGS="--disable-shared --disable-tests" sh "$top/contrib/build.sh" "$dir" >/dev/null
libs=$(sed -n "s/^dependency_libs='\(.*\)'/\1/p" "$dir/lib/libgomem.la" | sed 's|[^ ]*\.la||g')
targets=$*
[ -n "$targets" ] || targets=$(cd "$top/tests/fuzz" && ls ./*_fuzzer.c | sed 's|^\./||; s|_fuzzer\.c$||')
mkdir -p "$dir/crashes"
status=0
for t in $targets; do
	# shellcheck disable=SC2086
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -DGOMEM_LIBFUZZER -g -O1 -fsanitize=fuzzer $san \
		-I"$top/lib/include" -I"$top/lib" "$top/tests/fuzz/${t}_fuzzer.c" "$dir/lib/.libs/libgomem.a" \
		$libs -o "$dir/${t}_fuzzer"
	mkdir -p "$dir/corpus/$t"
	dict=""
	[ -f "$top/tests/fuzz/$t.dict" ] && dict="-dict=$top/tests/fuzz/$t.dict"
	echo "== $t: ${secs}s"
	# shellcheck disable=SC2086
	if ! (cd "$dir/crashes" && "$dir/${t}_fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 \
		-timeout=20 -print_final_stats=1 $dict "$dir/corpus/$t" "$top/tests/fuzz/corpus/$t" \
		>"$dir/$t.log" 2>&1); then
		echo "$t: FOUND A CRASH: see $dir/$t.log and $dir/crashes/"
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$dir/$t.log" | tr '\n' ' '
	echo
done
exit $status
