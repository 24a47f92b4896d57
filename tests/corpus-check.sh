#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# corpus-check.sh — every heap profile in ../shared/corpus (real runtime
# output, and other runtimes' formats from pprof's own test data) is either
# read (exit 0) or refused with one clean error line naming the file (exit
# 2): never a crash, a hang or a second line of noise. Skips without the corpus.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
corpus=${GOMEM_SHARED_DIR:-"$top_srcdir/../shared"}/corpus/heap
[ -d "$corpus" ] || { echo "no shared corpus at $corpus: skipped"; exit 77; }
tool="$top_builddir/bin/gomem-heapdiff"
pass=0 fail=0
for f in $(find "$corpus" -type f \( -name '*.pb.gz' -o -name '*.txt' -o -name '*.heap' -o -name '*.growth' \) | sort); do
	case $f in *pprof_*|*.string) continue ;; esac
	timeout 60 "$tool" --format=csv --top=0 "$f" "$f" >/dev/null 2>"${TMPDIR:-/tmp}/cc.err"
	st=$?
	lines=$(wc -l <"${TMPDIR:-/tmp}/cc.err")
	if { [ $st = 0 ] && [ "$lines" = 0 ]; } || { [ $st = 2 ] && [ "$lines" = 1 ] && grep -q "$f" "${TMPDIR:-/tmp}/cc.err"; }; then
		pass=$((pass + 1))
		[ $st = 0 ] && echo "ok   read    $f" || echo "ok   refused $f: $(cat "${TMPDIR:-/tmp}/cc.err")"
	else
		fail=$((fail + 1))
		echo "FAIL $f: exit $st"; head -n 5 "${TMPDIR:-/tmp}/cc.err"
	fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
