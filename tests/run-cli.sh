#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run-cli.sh — end-to-end golden tests of every tool. Each test is
# tests/cli/TOOL/NAME.cmd (one shell command line, run from the source tree,
# where `gomem` is the tool under test) with NAME.out, NAME.err and
# NAME.status holding the exact stdout, stderr and exit status.
#   tests/run-cli.sh [--set-exact-output] [NAME...]
# --set-exact-output rewrites the expected files from what the tools do now
# (review the diff before committing). GOMEM_BINDIR tests installed tools
# (make installcheck).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
top_builddir=$(cd "$top_builddir" && pwd)
bindir=${GOMEM_BINDIR:-"$top_builddir/bin"}
update=0
if [ "${1:-}" = "--set-exact-output" ]; then update=1; shift; fi

export LC_ALL=C TZ=UTC
unset NO_COLOR GOMEM_EXEC_PATH
export GOMEM_EXEC_PATH="$bindir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gomem-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

gomem() { "$bindir/gomem" "$@"; }

pass=0 fail=0
for cmdfile in "$top_srcdir"/tests/cli/*/*.cmd; do
	[ -f "$cmdfile" ] || continue
	base=${cmdfile%.cmd}
	name=$(basename "$(dirname "$cmdfile")")/$(basename "$base")
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*|*" $(basename "$base") "*) ;; *) continue ;; esac
	fi
	cmd=$(cat "$cmdfile")
	( cd "$top_srcdir" && eval "$cmd" ) >"$tmp/out" 2>"$tmp/err" </dev/null
	echo $? >"$tmp/status"
	# Paths of the build tree vary between machines: show them as BUILDDIR.
	sed "s#$top_builddir#BUILDDIR#g" "$tmp/err" >"$tmp/err2" && mv "$tmp/err2" "$tmp/err"
	if [ $update = 1 ]; then
		cp "$tmp/out" "$base.out"; cp "$tmp/err" "$base.err"; cp "$tmp/status" "$base.status"
		echo "updated $name"
		continue
	fi
	ok=1
	for part in out err status; do
		if ! cmp -s "$tmp/$part" "$base.$part"; then
			ok=0
			echo "FAIL $name: $part differs"
			diff -u "$base.$part" "$tmp/$part" | head -n 30
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $update = 1 ] || [ $((pass + fail)) -gt 0 ] || { echo "no CLI tests found"; exit 1; }
[ $fail = 0 ]
