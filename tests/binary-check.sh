#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# binary-check.sh — gomem buildinfo, addr2line and --binary against the Go
# toolchain and runtime's own answers.
#
#  (a) recorded fixtures (tests/data/binary/go1.NN, made by
#      contrib/gen/binsym/make-fixtures.sh with Go 1.19 and 1.21-1.23; no Go
#      needed): `gomem buildinfo` prints `go version -m` byte for byte; the
#      debug=1 goroutine and heap profiles the binary wrote, with their `#'
#      lines removed, get them back byte for byte (addr2line --annotate, from
#      .gopclntab: the fixtures are stripped); goroutines --binary and
#      heapdiff --binary on the address-only files equal the tools on the
#      originals;
#  (b) the shared corpus (GOMEM_SHARED_DIR, else $top_srcdir/../shared) when
#      it is there: buildinfo equals `go version -m` on every binary of
#      binaries/ (when Go is installed), and on the default, -trimpath and
#      PIE builds DWARF and .gopclntab give the same chain at every function
#      entry;
#  (c) for every Go toolchain installed ($GO or go on PATH, then
#      /usr/lib/go-1.NN/bin/go): build contrib/gen/binsym default, stripped
#      and PIE (into $top_builddir/tests/binsym-bin, kept while the toolchain
#      and the program are unchanged), run them, and check the same as (a)
#      on each, with every symbol source (auto, dwarf, pclntab), plus
#      buildinfo against that toolchain's `go version -m`, and that DWARF
#      and .gopclntab give the same chain for every PC of the dumps; and
#      buildinfo equals that toolchain's `go version -m` on each of its own
#      programs (bin/ and pkg/tool/: go, gofmt, compile, link, vet, ...).
#
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check
# failed.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
bin=$builddir/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/binary-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check NAME EXPECTED ACTUAL
	if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | head -5 | sed 's/^/    /'; fi
}
for t in buildinfo addr2line goroutines heapdiff; do
	[ -x "$bin/gomem-$t" ] || { echo "FAIL: $bin/gomem-$t not built"; exit 1; }
done
A() { timeout 60 "$bin/gomem-addr2line" "$@"; }

printf 'heap profile: 0: 0 [0: 0] @ heap/1\n' >"$tmp/empty.heap"

# symbolized NAME BINARY DIR [SOURCE]: DIR's goroutine.debug1 and heap.debug1
# rebuilt from their addresses, and the tools' views of both equal.
symbolized() {
	name=$1 b=$2 d=$3 src=${4:-auto}
	for k in goroutine heap; do
		grep -v "^#	0x" "$d/$k.debug1" >"$tmp/$k.nosym"
		A --source "$src" --annotate "$tmp/$k.nosym" "$b" >"$tmp/$k.out" 2>"$tmp/err" ||
			cat "$tmp/err"
		check "$name: $k profile's # lines rebuilt ($src)" "$d/$k.debug1" "$tmp/$k.out"
	done
	[ "$src" = auto ] || return 0
	"$bin/gomem-goroutines" --full --format csv "$d/goroutine.debug1" >"$tmp/g.want"
	"$bin/gomem-goroutines" --binary "$b" --full --format csv "$tmp/goroutine.nosym" >"$tmp/g.got"
	check "$name: goroutines --binary" "$tmp/g.want" "$tmp/g.got"
	"$bin/gomem-heapdiff" --sample alloc_space --by stack --top 0 --format csv \
		"$tmp/empty.heap" "$d/heap.debug1" >"$tmp/h.want"
	"$bin/gomem-heapdiff" --binary "$b" --sample alloc_space --by stack --top 0 --format csv \
		"$tmp/empty.heap" "$tmp/heap.nosym" >"$tmp/h.got"
	check "$name: heapdiff --binary" "$tmp/h.want" "$tmp/h.got"
}

# buildinfo_is NAME BINARY EXPECTED_TEXT LABEL: our text with LABEL as the
# file name equals EXPECTED_TEXT.
buildinfo_is() {
	"$bin/gomem-buildinfo" "$2" | sed "1s|^$2:|$4:|" >"$tmp/bi.got"
	check "$1: buildinfo is go version -m" "$3" "$tmp/bi.got"
}

# same_chains NAME BINARY PCFILE [-r]: DWARF and .gopclntab agree on every PC.
same_chains() {
	A -a ${4:-} --source dwarf "$2" <"$3" >"$tmp/dwarf.out" 2>&1
	A -a ${4:-} --source pclntab "$2" <"$3" >"$tmp/pcln.out" 2>&1
	check "$1: DWARF and .gopclntab chains agree ($(wc -l <"$3") PCs)" "$tmp/pcln.out" "$tmp/dwarf.out"
}

# ---- (a) fixtures ------------------------------------------------------------
for d in "$srcdir"/tests/data/binary/go1.*; do
	[ -f "$d/binsym.sections.elf.gz" ] || continue
	v=${d##*/}
	buildinfo_is "$v fixture" "$d/binsym.sections.elf.gz" "$d/version-m.txt" binsym.stripped
	symbolized "$v fixture" "$d/binsym.sections.elf.gz" "$d" pclntab
	symbolized "$v fixture" "$d/binsym.sections.elf.gz" "$d" auto
done

# ---- (b) the shared corpus -----------------------------------------------------
shared=${GOMEM_SHARED_DIR:-$srcdir/../shared}
go19=${GO:-$(command -v go 2>/dev/null || true)}
if [ -d "$shared/corpus/binaries" ]; then
	for b in "$shared"/corpus/binaries/*; do
		[ -f "$b" ] || continue
		if [ -n "$go19" ] && [ -x "$go19" ]; then
			(cd "${b%/*}" && GOTOOLCHAIN=local "$go19" version -m "${b##*/}") >"$tmp/vm"
			buildinfo_is "corpus ${b##*/}" "$b" "$tmp/vm" "${b##*/}"
		fi
	done
	for b in "$shared"/corpus/binaries/small.default "$shared"/corpus/binaries/small.trimpath \
		"$shared"/corpus/binaries/small.pie; do
		[ -f "$b" ] || continue
		# every function's entry
		nm "$b" 2>/dev/null | awk '$2 ~ /^[Tt]$/ { print "0x" $1 }' >"$tmp/pcs" || true
		[ -s "$tmp/pcs" ] && same_chains "corpus ${b##*/} entries" "$b" "$tmp/pcs"
	done
else
	echo "SKIP: no shared corpus at $shared"
fi

# ---- (c) live, with every Go installed ---------------------------------------------
GOPROXY=off GOTOOLCHAIN=local GOFLAGS=
export GOPROXY GOTOOLCHAIN GOFLAGS
gos=
for g in "${GO:-}" "$(command -v go 2>/dev/null || true)" /usr/lib/go-1.*/bin/go; do
	[ -n "$g" ] && [ -x "$g" ] || continue
	v=$("$g" env GOVERSION 2>/dev/null) || continue
	case " $gos " in *" $v="*) continue ;; esac
	gos="$gos $v=$g"
done
GOMEM_CHECK_FUNCTIONS_ONLY=1 . "$top_srcdir/tests/lib.sh"
require_go_releases
gen=$srcdir/contrib/gen/binsym
for vg in $gos; do
	v=${vg%%=*} g=${vg#*=}
	out=$builddir/tests/binsym-bin/$v
	stamp=$(cat "$gen/main.go" "$gen/make-binaries.sh" | cksum)
	if [ ! -x "$out/binsym.pie" ] || [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$out"
		GOCACHE=${GOCACHE:-$builddir/tests/binsym-bin/gocache} \
			sh "$gen/make-binaries.sh" "$g" "$out" >"$tmp/build.log" 2>&1
		st=$?
		if [ $st -eq 77 ]; then
			echo "SKIP: $v cannot build binsym"
			continue
		elif [ $st -ne 0 ]; then
			not_ok "$v: build binsym"
			sed 's/^/    /' "$tmp/build.log"
			continue
		fi
		echo "$stamp" >"$out/stamp"
	fi
	for form in default stripped pie; do
		b=$out/binsym.$form
		(cd "$out" && "$g" version -m "binsym.$form") >"$tmp/vm"
		buildinfo_is "$v $form" "$b" "$tmp/vm" "binsym.$form"
		for src in auto pclntab dwarf; do
			[ "$form" = stripped ] && [ "$src" = dwarf ] && continue
			symbolized "$v $form" "$b" "$out/$form.out" "$src"
		done
	done
	sed -n 's/.* @ //p' "$out/default.out/goroutine.debug1" "$out/default.out/heap.debug1" |
		tr ' ' '\n' | grep '^0x' | sort -u >"$tmp/pcs"
	same_chains "$v default" "$out/binsym.default" "$tmp/pcs" -r
	root=$("$g" env GOROOT 2>/dev/null) || continue
	n=0 bad=0
	for b in "$root"/bin/* "$root"/pkg/tool/*/*; do
		[ -f "$b" ] && [ -x "$b" ] || continue
		n=$((n + 1))
		"$g" version -m "$b" >"$tmp/vm" 2>&1
		"$bin/gomem-buildinfo" "$b" >"$tmp/bi.got" 2>&1
		cmp -s "$tmp/vm" "$tmp/bi.got" || { bad=$((bad + 1)); echo "    differs: $b"; }
	done
	if [ $bad -eq 0 ]; then ok "$v: buildinfo is go version -m on the toolchain's $n programs"
	else not_ok "$v: buildinfo differs from go version -m on $bad of $n toolchain programs"; fi
done

echo "binary-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
