#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# escape-check.sh — gomem escape against the real Go compiler: the configured
# GO and every other release installed as /usr/lib/go-1.N/bin/go (1.19, 1.21,
# 1.22, 1.23 here); then, across releases, the same source must give no change.
#
# With each Go, in a scratch directory (GOFLAGS=-mod=mod, GOTOOLCHAIN=local,
# GOPROXY=off; one build cache per release, as a user has: -gcflags is part
# of the cache key, and each -json build writes to a new directory):
#
#  1. contrib/gen/escsample built with -m, -m=2 and -json=0: the three give
#     the same heap escapes, which hold what the sample is built to have;
#     -m=2 and -json explain each (--why); before -> after is 2 new and 1
#     removed from each; a baseline from -m passes -m=2 and -json and trips
#     on after.
#  2. Go's own test/escape*.go (and uintptrescapes2, live2, notinheap3 for
#     -live and -+ -d=wb notes), each built as a package with the flags of
#     its `// errorcheck` line, as -m, -m=2 and -json: every `// ERROR`
#     regexp about escapes matches a record at its line and every record is
#     matched by one (contrib/gen/escerrcheck); -m and -m=2 give the same
#     verdicts, all kinds; -json the same heap escapes but for go/defer
#     closures; no note is taken for a compile error.
#  3. Packages of the standard library (fmt, encoding/json, compress/flate,
#     strings, sync) the same way: -m and -m=2 the same verdicts, -json the
#     same heap escapes but for go/defer closures.
#  4. Go's test/escape2.go and two edits that change no escape (a comment at
#     the top; two functions moved to the end), from -m, -m=2 and -json:
#     --diff run in a checkout of the edited file says 0 changed.
#  5. --run in the sample module: with the user's build cache, a warm run
#     (the compile replayed from the cache) reports what a cold one
#     (--cold-cache) does, also after a build from another directory left
#     its relative paths in the cache; --cold-cache leaves the user's cache
#     alone.
#
# Bounded: each go command under `timeout 300`, each gomem under `timeout 60`.
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check
# failed (also when GO is not set: the README's test command installs Go).
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
	echo "FAIL: GO is not set (configure found no go toolchain; the README's test command installs it)"
	exit 1
fi
GO=$(command -v "$GO")
GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off GOWORK=off
export GOFLAGS GOTOOLCHAIN GOPROXY GOWORK
unset GOCACHE
E() { timeout 60 "$tool" "$@"; }

# The identities (or another column) of a TSV report on stdin, sorted.
column() {
	awk -F'\t' -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
				  { print $c }' | sort
}

# The verdicts of a TSV report: "file:line:col kind normalized-expression",
# sorted and unique (the identity's 4th field is the normalised expression).
verdicts() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		    { split($col["identity"], id, "\\\\t")
		      print $col["file"] ":" $col["line"] ":" $col["column"], $col["kind"], id[4] }' | sort -u
}

# build DIR OUT FLAG...: go build in DIR with this release's cache; the
# diagnostics into OUT. Fails when go does.
build() {
	d=$1 out=$2
	shift 2
	(cd "$d" && GOCACHE=$cache timeout 300 "$GO" build -o /dev/null "$@" >"$out" 2>&1)
}

gomod() { # DIR MODULE: a go.mod for this release's language version
	printf 'module %s\n\ngo %s\n' "$2" "$("$GO" env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/')" >"$1/go.mod"
}

# ---- 1. the sample module ---------------------------------------------------

check_sample() {
	for v in before after; do
		mkdir -p "$tmp/$v"
		(cd "$srcdir/contrib/gen/escsample" && tar cf - --exclude=testdata --exclude=gen.sh .) |
			(cd "$tmp/$v" && tar xf -)
		[ $v = after ] && cp -R "$srcdir/contrib/gen/escsample/testdata/after/." "$tmp/$v/"
		if build "$tmp/$v" "$tmp/$v-m1.txt" -gcflags=-m ./... &&
		   build "$tmp/$v" "$tmp/$v-m2.txt" -gcflags=-m=2 ./... &&
		   build "$tmp/$v" "$tmp/$v-json.log" "-gcflags=-json=0,$tmp/$v-json" ./...; then
			ok "$v: go build -m, -m=2, -json"
		else
			not_ok "$v: go build failed"; cat "$tmp/$v-m1.txt" "$tmp/$v-json.log"; return
		fi
		for f in m1 m2 json; do
			in=$tmp/$v-$f.txt
			[ $f = json ] && in=$tmp/$v-json
			E --format tsv --source-dir "$tmp/$v" "$in" 2>"$tmp/$v-$f.err" | column identity >"$tmp/$v-$f.ids"
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
			n=$(E --why --format tsv "$in" 2>/dev/null | grep -c 'from ')
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

	# The change: 2 new (MakePoint p, Sum make), 1 removed (Label p.X),
	# with each side's sources and with none.
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
		got=$(E --diff --format tsv --package gomem.example/escsample/shapes "$a" "$b" 2>/dev/null |
		      awk -F'\t' 'NR > 1 { print $NF, $1 }' | sort | tr '\n' ';')
		if [ "$got" = "new escapes;new moved;removed escapes;" ]; then
			ok "--diff on -$f without sources: 2 new, 1 removed"
		else
			not_ok "--diff on -$f without sources: got '$got'"
		fi
	done

	# The gate, with and without the sources at hand (-json names a
	# command's package "main": the go.mod above its files, read with
	# --source-dir, gives the import path -m prints).
	for sd in "$tmp/before" ""; do
		E --source-dir "$sd" --baseline "$tmp/base" --write-baseline "$tmp/before-m1.txt" 2>/dev/null
		for f in m2-txt json; do
			in=$tmp/before-m2.txt
			[ $f = json ] && in=$tmp/before-json
			[ $f = json ] && [ -z "$sd" ] && continue
			if E --source-dir "$sd" --baseline "$tmp/base" "$in" >/dev/null 2>&1; then ok "gate passes before ($f, source '$sd')"
			else not_ok "gate trips on before ($f, source '$sd')"; fi
		done
		E --baseline "$tmp/base" "$tmp/after-m2.txt" >/dev/null 2>&1
		rc=$?
		if [ $rc = 1 ]; then ok "gate trips on after (exit 1, source '$sd')"
		else not_ok "gate on after: exit $rc (source '$sd')"; fi
	done
}

# ---- 2. Go's own escape tests ---------------------------------------------------

# The test files: escape*.go built with -m, and the -live and -+ ones; no
# test that imports an internal package. Each becomes package
# example.com/t/NAME with an empty .s (its bodyless functions, as the
# harness allows); "package main" becomes a library so that nothing links.
# Prints "NAME FLAGS" lines.
setup_go_tests() {
	t=$1 testdir=$("$GO" env GOROOT)/test
	mkdir -p "$t"
	gomod "$t" example.com/t
	for f in "$testdir"/escape*.go "$testdir"/uintptrescapes2.go "$testdir"/live2.go "$testdir"/notinheap3.go; do
		[ -f "$f" ] || continue
		h=$(head -n 1 "$f")
		case $h in
		"// errorcheck"*" -m"* | "// errorcheck"*" -live"* | "// errorcheck -+"*) ;;
		*) continue ;;
		esac
		grep -q '"\(runtime/\)\{0,1\}internal/' "$f" && continue
		n=$(basename "$f" .go)
		mkdir "$t/$n"
		sed 's/^package main$/package '"$n"'/' "$f" >"$t/$n/$n.go"
		: >"$t/$n/empty.s"
		echo "$n $(echo "$h" | sed 's#^// errorcheck##; s# -0\b##; s#^ *##')"
	done
}

# go_flags FORMAT JSONDIR < "NAME FLAGS" lines: one -gcflags per package,
# the test's -m turned into the format's flag.
go_flags() {
	while read -r n fl; do
		case $1 in
		m1) f2=$fl ;;
		m2) f2=$(echo "$fl" | sed 's/-m\b/-m=2/') ;;
		json) f2=$(echo "$fl" | sed "s#-m\b#-json=0,$2#") ;;
		esac
		printf '%s\n' "-gcflags=example.com/t/$n=$f2"
	done
}

check_go_tests() {
	t=$tmp/gotests
	setup_go_tests "$t" >"$tmp/gotests.list"
	for f in m1 m2 json; do
		go_flags $f "$tmp/gotests-json" <"$tmp/gotests.list" >"$tmp/gotests.$f.flags"
		if ! (cd "$t" && GOCACHE=$cache timeout 300 xargs -d '\n' sh -c 'exec "$0" build -o /dev/null "$@" ./...' \
			"$GO" <"$tmp/gotests.$f.flags") >"$tmp/gotests-$f.txt" 2>&1; then
			not_ok "Go's escape tests: go build ($f) failed"; head -20 "$tmp/gotests-$f.txt"; return
		fi
	done
	ok "Go's escape tests: $(wc -l <"$tmp/gotests.list") packages built with -m, -m=2, -json"
	for f in m1 m2 json; do
		in=$tmp/gotests-$f.txt
		[ $f = json ] && in=$tmp/gotests-json
		E --all --tests --format tsv "$in" >"$tmp/gotests-$f.tsv" 2>"$tmp/gotests-$f.err"
		if grep -q 'compile error' "$tmp/gotests-$f.err"; then
			not_ok "-$f of Go's escape tests: notes taken for compile errors"; grep 'compile error' "$tmp/gotests-$f.err" | head
		else
			ok "-$f of Go's escape tests: no compile error (-live, -+ -d=wb notes are notes)"
		fi
		flag=""
		[ $f = json ] && flag=-json
		if "$escerrcheck" $flag "$("$GO" env GOROOT)/test" <"$tmp/gotests-$f.tsv" >"$tmp/gotests-$f.check" 2>&1; then
			ok "-$f: $(tail -n 1 "$tmp/gotests-$f.check")"
		else
			not_ok "-$f against the // ERROR comments:"; tail -n 20 "$tmp/gotests-$f.check"
		fi
	done
	same_verdicts "$tmp/gotests" "Go's escape tests"
}

# same_verdicts PREFIX WHAT: -m and -m=2 (PREFIX-m1.tsv, PREFIX-m2.tsv, --all
# reports) give the same verdicts of every escape kind; -json the same heap
# escapes but for the closures of go/defer statements.
same_verdicts() {
	for f in m1 m2 json; do
		awk -F'\t' 'NR == 1 || $1 == "moved" || $1 == "escapes" || $1 == "leak" || $1 == "leak-content" ||
			    $1 == "leak-result" || $1 == "no-escape"' "$1-$f.tsv" | verdicts >"$1-$f.all"
		grep ' \(moved\|escapes\) ' "$1-$f.all" >"$1-$f.heap"
	done
	if [ -s "$1-m1.all" ] && cmp -s "$1-m1.all" "$1-m2.all"; then
		ok "$2: -m and -m=2 give the same $(wc -l <"$1-m1.all") verdicts"
	else
		not_ok "$2: -m and -m=2 verdicts differ"; diff "$1-m1.all" "$1-m2.all" | head -20
	fi
	comm -13 "$1-m1.heap" "$1-json.heap" | grep -v ' escapes func literal$' >"$1.extra"
	comm -23 "$1-m1.heap" "$1-json.heap" >"$1.missing"
	if [ -s "$1-m1.heap" ] && [ ! -s "$1.extra" ] && [ ! -s "$1.missing" ]; then
		ok "$2: -json gives the $(wc -l <"$1-m1.heap") heap escapes of -m (and $(comm -13 "$1-m1.heap" "$1-json.heap" | wc -l) go/defer closures)"
	else
		not_ok "$2: -json heap escapes differ from -m"; head -10 "$1.extra" "$1.missing"
	fi
}

# ---- 3. the standard library ---------------------------------------------------

check_std() {
	pkgs="fmt encoding/json compress/flate strings sync"
	mkdir -p "$tmp/std"
	gomod "$tmp/std" example.com/std
	if build "$tmp/std" "$tmp/std-m1.txt" -gcflags=-m $pkgs &&
	   build "$tmp/std" "$tmp/std-m2.txt" -gcflags=-m=2 $pkgs &&
	   build "$tmp/std" "$tmp/std-json.log" "-gcflags=-json=0,$tmp/std-json" $pkgs; then
		ok "std ($pkgs): go build -m, -m=2, -json"
	else
		not_ok "std: go build failed"; head "$tmp/std-m1.txt" "$tmp/std-json.log"; return
	fi
	for f in m1 m2 json; do
		in=$tmp/std-$f.txt
		[ $f = json ] && in=$tmp/std-json
		E --all --tests --format tsv "$in" >"$tmp/std-$f.tsv" 2>/dev/null
	done
	same_verdicts "$tmp/std" "std"
}

# ---- 4. escape2.go and edits that change nothing ---------------------------------

check_escape2() {
	src=$("$GO" env GOROOT)/test/escape2.go
	for v in orig comment moved; do
		d=$tmp/escape2-$v
		mkdir -p "$d/foo"
		gomod "$d" example.com/esc2
		sh "$srcdir/tests/data/escape/escape2/edit.sh" $v "$src" >"$d/foo/escape2.go"
		: >"$d/foo/empty.s"
		if ! build "$d" "$d.m1" "-gcflags=-m -l" ./foo || ! build "$d" "$d.m2" "-gcflags=-m=2 -l" ./foo ||
		   ! build "$d" "$d.json.log" "-gcflags=-json=0,$d.json -l" ./foo; then
			not_ok "escape2.go ($v): go build failed"; head "$d.m1" "$d.json.log"; return
		fi
	done
	for v in comment moved; do
		for f in m1 m2 json; do
			# in the checkout of the edit, as a user runs it
			got=$(cd "$tmp/escape2-$v" && E --diff --format tsv "$tmp/escape2-orig.$f" "$tmp/escape2-$v.$f" 2>&1 |
			      awk 'END { print NR - 1 }')
			n=$(E --format tsv "$tmp/escape2-orig.$f" 2>/dev/null | awk 'END { print NR - 1 }')
			if [ "$got" = 0 ] && [ "$n" -gt 100 ]; then
				ok "escape2.go, $v: --diff of -$f in the new checkout: 0 changed of $n"
			else
				not_ok "escape2.go, $v: --diff of -$f: $got changed"
			fi
		done
	done
}

# ---- 5. --run and the build cache ------------------------------------------------

check_run() {
	r=$tmp/run
	mkdir -p "$r"
	(cd "$srcdir/contrib/gen/escsample" && tar cf - --exclude=testdata --exclude=gen.sh .) | (cd "$r" && tar xf -)
	ucache=$tmp/usercache
	mkdir -p "$ucache"
	runs() { (cd "$1" && GOCACHE=$ucache GO=$GO timeout 300 "$tool" --run --format tsv $2) 2>"$tmp/run.err"; }
	runs "$r" "" | column identity >"$tmp/run1.ids"
	entries=$(find "$ucache" -type f | wc -l)
	runs "$r" "" | column identity >"$tmp/run2.ids"
	runs "$r" --cold-cache | column identity >"$tmp/run-cold.ids"
	after=$(find "$ucache" -type f | wc -l)
	if [ -s "$tmp/run1.ids" ] && cmp -s "$tmp/run1.ids" "$tmp/run2.ids" && cmp -s "$tmp/run1.ids" "$tmp/run-cold.ids"; then
		ok "--run: the user's cache, warm (replayed) and --cold-cache give the same $(wc -l <"$tmp/run1.ids") escapes"
	else
		not_ok "--run: warm and cold differ"; cat "$tmp/run.err"; diff "$tmp/run1.ids" "$tmp/run-cold.ids" | head
	fi
	if cmp -s "$tmp/run1.ids" "$tmp/before-m2.ids"; then ok "--run finds the escapes of go build -m=2"
	else not_ok "--run differs from go build -m=2"; diff "$tmp/run1.ids" "$tmp/before-m2.ids" | head; fi
	if [ "$entries" -gt 0 ] && [ "$entries" = "$after" ]; then
		ok "--run used the user's cache ($entries files), the second run replayed it, --cold-cache left it alone"
	else
		not_ok "--run cache: $entries files after the first run, $after after --cold-cache"
	fi
	# a build from the package's own directory leaves its ./relative paths
	# in the cache: a replay from the module root still gives the same escapes
	(cd "$r/shapes" && GOCACHE=$ucache timeout 300 "$GO" build -o /dev/null -gcflags=-m=2 . >/dev/null 2>&1)
	runs "$r" "" | column identity >"$tmp/run3.ids"
	if cmp -s "$tmp/run3.ids" "$tmp/run-cold.ids"; then ok "--run after a build from another directory: the same escapes"
	else not_ok "--run after a build from another directory differs"; diff "$tmp/run3.ids" "$tmp/run-cold.ids" | head; fi
}

# ---- each release -------------------------------------------------------------

escerrcheck=$tmproot/escerrcheck
if (cd "$srcdir/contrib/gen/escerrcheck" && GOCACHE=$tmproot/cache-tools timeout 300 "$GO" build -o "$escerrcheck" .); then
	:
else
	echo "FAIL: cannot build contrib/gen/escerrcheck"; exit 1
fi

check_go() {
	GO=$1
	gv=$("$GO" env GOVERSION 2>/dev/null || echo "$GO")
	tmp=$tmproot/$gv
	cache=$tmp/gocache
	mkdir -p "$tmp" "$cache"
	check_sample
	check_go_tests
	check_std
	check_escape2
	check_run
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
				"$tmproot/$first/$side-m2.txt" "$tmproot/$v/$side-$f" 2>/dev/null |
			    awk 'END { print NR - 1 }')
			if [ "$n" = 0 ]; then ok "$side: $first -m=2 and $v -${f%.txt}: no change"
			else not_ok "$side: $first -m=2 vs $v -${f%.txt}: $n changes"; fi
		done
	done
done
finish
