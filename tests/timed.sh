#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# timed.sh TEST [ARGS...] — the test harness's log compiler: runs one test
# and ends its log with how long it took ("took N s"), so contrib/check.sh
# can list the slowest tests and the CI time budget (45 minutes for the
# whole of .ci/run on 2 cores) is watched on every run.
start=$(date +%s)
"$@"
status=$?
echo "took $(($(date +%s) - start)) s"
exit $status
