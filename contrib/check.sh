#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check.sh [DIR] — installs what is missing, builds gomem in DIR (default
# build/) and runs the whole test suite (make check). Tests that read
# ../shared/corpus skip cleanly where it is absent.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/build"}
sh "$top/contrib/deps.sh" test
sh "$top/contrib/build.sh" "$dir"
cd "$dir"
# GOMEM_CHECK_TESTS names a subset (CI's clang pass runs the library's own tests).
if make -s -j"$(nproc 2>/dev/null || echo 2)" check ${GOMEM_CHECK_TESTS:+TESTS="$GOMEM_CHECK_TESTS"}; then
	status=0
else
	status=$?
fi
# One closing line a CI reader can count.
pass=$(grep -h '^:test-result: PASS' $(find . -name '*.trs') 2>/dev/null | wc -l)
fail=$(grep -h '^:test-result: \(FAIL\|ERROR\|XPASS\)' $(find . -name '*.trs') 2>/dev/null | wc -l)
skip=$(grep -h '^:test-result: SKIP' $(find . -name '*.trs') 2>/dev/null | wc -l)
summary="$pass passed, $fail failed, $skip skipped"
# The slowest tests (tests/timed.sh ends each log with its time): CI's
# whole run must stay under 45 minutes on 2 cores.
echo "slowest tests:"
grep -H '^took [0-9]* s$' $(find . -name '*.log' ! -name config.log ! -name test-suite.log) 2>/dev/null |
	sed 's|^\./||; s|\.log:took | |' | sort -k2,2nr | head -n 8 | sed 's/^/  /'
echo "$summary"
# What failed, where a CI page showing the run's last lines will have it.
if [ "$status" != 0 ]; then
	for log in $(find . -name '*.log' ! -name config.log ! -name test-suite.log); do
		# A failing script's FAIL lines first (they say which case), then its end.
		grep -q '^:test-result: \(FAIL\|ERROR\)' "${log%.log}.trs" 2>/dev/null || continue
		echo "==== $log"
		grep -q '^FAIL' "$log" && grep -A 3 '^FAIL' "$log" | head -n 24 || tail -n 12 "$log"
	done
	echo "$summary"
fi
# A test may skip only for input that lives outside the repository (the
# shared corpus beside a checkout); any other skip fails the run.
for trs in $(grep -l '^:test-result: SKIP' $(find . -name '*.trs') 2>/dev/null); do
	log=${trs%.trs}.log
	if grep -q 'shared corpus' "$log" 2>/dev/null; then
		echo "skipped ${log%.log}: $(grep -v '^took [0-9]* s$' "$log" | tail -n 1)"
	else
		echo "FAIL: ${log%.log} skipped: $(grep -v '^took [0-9]* s$' "$log" | tail -n 1)"
		status=1
	fi
done
exit "$status"
