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
	for log in $(find . -name '*.log' ! -name config.log ! -name test-suite.log); do
		grep -q '^FAIL\|^ERROR' "${log%.log}.trs" 2>/dev/null && { echo "==== $log"; tail -n 60 "$log"; }
	done
fi
# One closing line a CI reader can count.
pass=$(grep -h '^:test-result: PASS' $(find . -name '*.trs') 2>/dev/null | wc -l)
fail=$(grep -h '^:test-result: \(FAIL\|ERROR\|XPASS\)' $(find . -name '*.trs') 2>/dev/null | wc -l)
skip=$(grep -h '^:test-result: SKIP' $(find . -name '*.trs') 2>/dev/null | wc -l)
echo "$pass passed, $fail failed, $skip skipped"
# A test may skip only for input that lives outside the repository (the
# shared corpus beside a checkout); any other skip fails the run.
for trs in $(grep -l '^:test-result: SKIP' $(find . -name '*.trs') 2>/dev/null); do
	log=${trs%.trs}.log
	if grep -q 'shared corpus' "$log" 2>/dev/null; then
		echo "skipped ${log%.log}: $(tail -n 1 "$log")"
	else
		echo "FAIL: ${log%.log} skipped: $(tail -n 1 "$log")"
		status=1
	fi
done
exit "$status"
