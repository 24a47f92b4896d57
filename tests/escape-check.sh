#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# escape-check.sh — gomem escape against the real Go compiler: the configured
# GO and every other release installed as /usr/lib/go-1.N/bin/go; then, across
# releases, the same source must give no change.
#
# When GO is set (configure finds go), contrib/gen/escsample is compiled in a
# scratch copy, with GOCACHE in a temporary directory (the cache replays
# stale -m text and writes no -json on a hit), GOFLAGS=-mod=mod and
# GOTOOLCHAIN=local, three ways: -gcflags=-m, -m=2 and -json=0,DIR; then
#   - the three give the same set of heap escapes (identities);
#   - the set is not empty and holds the escapes the sample is built to have;
#   - -m=2 and -json give every escape a flow chain (--why);
#   - the before -> after change gives 2 new and 1 removed escapes from each
#     of -m, -m=2 and -json;
#   - --run in the module finds the same set as -m=2;
#   - a baseline written from -m passes -m=2 and -json (exit 0), and trips on
#     the after build (exit 1).
# Bounded: each go command under `timeout 60`, the whole well under 60 s on a
# warm machine (the module is tiny; the standard library comes precompiled).
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check
# failed, 77 nothing to check (no GO).
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
tool=$builddir/bin/gomem-escape
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/escape-check.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmproot" 2>/dev/null; rm -rf "$tmproot"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
gv=""
ok() { pass=$((pass + 1)); echo "PASS: $gv: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $gv: $*"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] || exit 1
	exit 0
}

[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
if [ -z "${GO:-}" ] || ! command -v "$GO" >/dev/null 2>&1; then
	echo "SKIP: GO is not set (no go toolchain)"
	exit 77
fi
GO=$(command -v "$GO")
GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off GOWORK=off
export GOFLAGS GOTOOLCHAIN GOPROXY GOWORK
E() { timeout 30 "$tool" "$@"; }

# build DIR OUT FLAG: go build with a fresh cache; the diagnostics into OUT.
build() {
	cache=$(mktemp -d "$tmp/cache.XXXXXX")
	(cd "$1" && GOCACHE=$cache timeout 60 "$GO" build -o /dev/null "$3" ./... >"$2" 2>&1)
	rc=$?
	chmod -R u+w "$cache"; rm -rf "$cache"
	return $rc
}

# check_go GO: every check below with one toolchain, in its own directory
# (each line says which Go it was).
check_go() {
	GO=$1
	gv=$("$GO" env GOVERSION 2>/dev/null || echo "$GO")
	tmp=$tmproot/$gv
	mkdir -p "$tmp"
	for v in before after; do
		mkdir -p "$tmp/$v"
		(cd "$srcdir/contrib/gen/escsample" && tar cf - --exclude=testdata --exclude=gen.sh .) |
			(cd "$tmp/$v" && tar xf -)
		[ $v = after ] && cp -R "$srcdir/contrib/gen/escsample/testdata/after/." "$tmp/$v/"
		if build "$tmp/$v" "$tmp/$v-m1.txt" -gcflags=-m &&
		   build "$tmp/$v" "$tmp/$v-m2.txt" -gcflags=-m=2 &&
		   build "$tmp/$v" "$tmp/$v-json.log" "-gcflags=-json=0,$tmp/$v-json"; then
			ok "$v: go build -m, -m=2, -json"
		else
			not_ok "$v: go build failed"; cat "$tmp/$v-m1.txt" "$tmp/$v-json.log"; return
		fi
		# identities of the heap escapes, sorted
		for f in m1 m2 json; do
			in=$tmp/$v-$f.txt
			[ $f = json ] && in=$tmp/$v-json
			E --format tsv --source-dir "$tmp/$v" "$in" 2>"$tmp/$v-$f.err" |
				awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "identity") c = i; next }
					    { print $c }' | sort >"$tmp/$v-$f.ids"
		done
		if [ -s "$tmp/$v-m1.ids" ] && cmp -s "$tmp/$v-m1.ids" "$tmp/$v-m2.ids" &&
		   cmp -s "$tmp/$v-m1.ids" "$tmp/$v-json.ids"; then
			ok "$v: -m, -m=2 and -json give the same $(wc -l <"$tmp/$v-m1.ids") heap escapes"
		else
			not_ok "$v: escape sets differ between -m, -m=2, -json"
			diff "$tmp/$v-m1.ids" "$tmp/$v-m2.ids" | head -20
			diff "$tmp/$v-m1.ids" "$tmp/$v-json.ids" | head -20
		fi
		for f in m2 json; do
			in=$tmp/$v-$f.txt
			[ $f = json ] && in=$tmp/$v-json
			n=$(E --why --format tsv --source-dir "$tmp/$v" "$in" 2>/dev/null | grep -c 'from ')
			if [ "${n:-0}" -gt 0 ]; then ok "$v: --why on -$f has flow chains ($n)"
			else not_ok "$v: --why on -$f shows no flow chain"; fi
		done
	done

	# What the sample is built to have (before): the captured counter, the
	# registered point, the fmt argument.
	for want in 'moved	gomem.example/escsample/shapes	.*	Counter' \
		    'escapes	gomem.example/escsample/shapes	.*	Register	&Point{...}' \
		    'escapes	gomem.example/escsample/shapes	.*	Label	p.X'; do
		if E --format tsv --source-dir "$tmp/before" "$tmp/before-m1.txt" 2>/dev/null | grep -q "^$want"; then
			ok "before has: $want"
		else
			not_ok "before lacks: $want"
		fi
	done

	# The change: 2 new (MakePoint p, Sum make), 1 removed (Label p.X).
	for f in m1 m2 json; do
		a=$tmp/before-$f.txt b=$tmp/after-$f.txt
		[ $f = json ] && a=$tmp/before-json b=$tmp/after-json
		got=$(E --diff --format tsv --package gomem.example/escsample/shapes \
			--source-dir "$tmp/before" --source-dir "$tmp/after" "$a" "$b" 2>/dev/null |
		      awk -F'\t' 'NR > 1 { print $NF, $5 }' | sort | tr '\n' ';')
		if [ "$got" = "new MakePoint;new Sum;removed Label;" ]; then
			ok "--diff on -$f: 2 new, 1 removed"
		else
			not_ok "--diff on -$f: got '$got'"
		fi
	done

	# --run in the module (the same set as -m=2).
	(cd "$tmp/before" && GO=$GO timeout 60 "$tool" --run --format tsv) 2>"$tmp/run.err" |
		awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "identity") c = i; next }
			    { print $c }' | sort >"$tmp/run.ids"
	if [ -s "$tmp/run.ids" ] && cmp -s "$tmp/run.ids" "$tmp/before-m2.ids"; then
		ok "--run finds the same escapes as -m=2"
	else
		not_ok "--run"; cat "$tmp/run.err"; diff "$tmp/run.ids" "$tmp/before-m2.ids" | head
	fi

	# The gate.
	# Sources at hand for both, as in CI: an escape's identity names its function.
	E --source-dir "$tmp/before" --baseline "$tmp/base" --write-baseline "$tmp/before-m1.txt" 2>/dev/null
	for f in m2-txt json; do
		in=$tmp/before-m2.txt
		[ $f = json ] && in=$tmp/before-json
		if E --source-dir "$tmp/before" --baseline "$tmp/base" "$in" >/dev/null 2>&1; then ok "gate passes before ($f)"
		else not_ok "gate trips on before ($f)"; fi
	done
	E --source-dir "$tmp/after" --baseline "$tmp/base" "$tmp/after-m2.txt" >/dev/null 2>&1
	rc=$?
	if [ $rc = 1 ]; then ok "gate trips on after (exit 1)"; else not_ok "gate on after: exit $rc"; fi
}

# The configured go (CI: Debian's 1.19), then every other Go release installed
# side by side (Debian's golang-1.NN-go), so the -m, -m=2 and -json wording of
# each is checked live.
seen=""
for g in "$GO" /usr/lib/go-1.[0-9]*/bin/go; do
	[ -x "$g" ] || continue
	v=$("$g" env GOVERSION 2>/dev/null) || continue
	case " $seen " in *" $v "*) continue ;; esac
	seen="$seen $v"
	check_go "$g"
done

# Across releases: the same source gives the same escapes (identities are
# stable over column and wording changes): the first Go's -m=2 against each
# other's -json and -m, for before and after.
gv=across
first=""
for v in $seen; do
	[ -n "$first" ] || { first=$v; continue; }
	for side in before after; do
		for f in json m1.txt; do
			n=$(E --diff --format tsv --source-dir "$tmproot/$first/$side" --source-dir "$tmproot/$v/$side" \
				"$tmproot/$first/$side-m2.txt" "$tmproot/$v/$side-$f" 2>/dev/null | awk 'END { print NR - 1 }')
			if [ "$n" = 0 ]; then ok "$side: $first -m=2 and $v -${f%.txt}: no change"
			else not_ok "$side: $first -m=2 vs $v -${f%.txt}: $n changes"; fi
		done
	done
done
finish
