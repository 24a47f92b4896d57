#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# layout-check.sh — gomem layout against the Go compiler's own numbers.
#
# contrib/gen/layoutprobe prints, for each of its structs, unsafe.Sizeof,
# Alignof and Offsetof of every field as reflect reports them, and the size
# and GC pointer bytes of fieldalignment's order computed in Go. gomem layout
# reads the probe's binary; both views, as TSV, must be equal line for line:
#   - the recorded probes of tests/data/layout (Go releases CI lacks): each
#     go1.XX-ARCH.debug against its go1.XX-ARCH.tsv;
#   - with GO set and every /usr/lib/go-1.2x/bin/go present: the probe built
#     now for amd64 and 386 (32-bit rules; when the build runs here), and
#     PIE and -trimpath builds with GO; its runtime type records are found
#     and agree with the DWARF rules (runtime_checked in the JSON);
#   - ../shared/corpus/binaries when present: default, PIE and -trimpath
#     builds give the same layouts; builds without DWARF exit 2 clearly;
#   - tests/data/layout/malformed: exit 2 and one message line, good.elf and
#     dwarf-zlib-good.elf exit 0.
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check
# failed (never 77: the recorded probes need no Go).
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
tool=$builddir/bin/gomem-layout
data=$srcdir/tests/data/layout
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layout-check.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }

[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }
L() { timeout 30 "$tool" "$@"; }

# view BINARY: gomem layout's reading of the probe's structs in the probe's
# own format (S and F lines), sorted.
view() {
	{ L --all --format tsv "$1" '^main\.' |
		awk -F'\t' 'NR > 1 { print "S\t" $1 "\t" $2 "\t" $3 "\t" $10 "\t" $5 "\t" $11 "\t" $4 }'
	  L --format tsv "$1" '^main\.' |
		awk -F'\t' 'NR > 1 { if ($1 != t) { t = $1; i = 0 }
				     print "F\t" $1 "\t" i "\t" $7 "\t" $2 "\t" $3 "\t" $4; i++ }'
	} | grep -v '	main\.elem	' | sort
}

# compare NAME BINARY TRUTH: gomem layout's view of BINARY equals TRUTH.
compare() {
	sort "$3" >"$tmp/want"
	view "$2" >"$tmp/got"
	if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "$1: $(grep -c '^S' "$tmp/want") structs, $(grep -c '^F' "$tmp/want") fields as Go lays them out"
	else
		not_ok "$1: gomem layout differs from the Go compiler"
		diff "$tmp/want" "$tmp/got" | head -n 20
	fi
}

# ---- recorded probes -------------------------------------------------------------------
for dbg in "$data"/go1.*.debug; do
	[ -f "$dbg" ] || continue
	name=$(basename "$dbg" .debug)
	compare "recorded $name" "$dbg" "$data/$name.tsv"
done

# ---- the probe built now ---------------------------------------------------------------
GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off GOWORK=off
export GOFLAGS GOTOOLCHAIN GOPROXY GOWORK
[ -n "${HOME:-}" ] && [ -d "$HOME" ] || { GOCACHE=$tmp/cache; export GOCACHE; }
cp -r "$srcdir/contrib/gen/layoutprobe" "$tmp/probe-src"
chmod -R u+w "$tmp/probe-src"

# probe GO ARCH NAME [BUILD FLAGS]: builds, runs and compares one probe.
probe() {
	go=$1 arch=$2 name=$3
	shift 3
	bin=$tmp/$name
	if ! (cd "$tmp/probe-src" && GOARCH=$arch timeout 120 "$go" build "$@" -o "$bin" .) \
		>"$tmp/build.log" 2>&1; then
		if [ "$arch" = 386 ]; then
			echo "SKIP: $name: no 386 build ($(head -n 1 "$tmp/build.log"))"
		else
			not_ok "$name: build failed"; cat "$tmp/build.log"
		fi
		return 1
	fi
	if ! "$bin" >"$tmp/$name.tsv" 2>/dev/null; then
		echo "SKIP: $name: the probe does not run here"
		return 1
	fi
	compare "$name ($("$go" version | cut -d' ' -f3))" "$bin" "$tmp/$name.tsv"
	checked=$(L --all --format json "$bin" '^main\.' | grep -c '"runtime_checked":true')
	if [ "$checked" -ge 10 ]; then
		ok "$name: $checked of the probe's structs checked against runtime type records"
	else
		not_ok "$name: only $checked structs checked against runtime type records"
	fi
}

gos=
if [ -n "${GO:-}" ] && command -v "$GO" >/dev/null 2>&1; then
	gos=$(command -v "$GO")
fi
for g in /usr/lib/go-1.21/bin/go /usr/lib/go-1.22/bin/go /usr/lib/go-1.23/bin/go; do
	[ -x "$g" ] && gos="$gos $g"
done
GOMEM_CHECK_FUNCTIONS_ONLY=1 . "$top_srcdir/tests/lib.sh"
require_go_releases
first=
for go in $gos; do
	release=$("$go" version | cut -d' ' -f3 | sed 's/^\(go1\.[0-9]*\).*/\1/')
	probe "$go" amd64 "$release-amd64"
	probe "$go" 386 "$release-386"
	if [ -z "$first" ]; then
		first=$go
		probe "$go" amd64 "$release-pie" -buildmode=pie
		probe "$go" amd64 "$release-trimpath" -trimpath
		(cd "$tmp/probe-src" && timeout 120 "$go" build -ldflags=-w -o "$tmp/nodwarf" .)
		out=$(L --all "$tmp/nodwarf" 2>&1); rc=$?
		case "$rc:$out" in
		2:*"without DWARF"*) ok "-ldflags=-w: exit 2, says there is no DWARF" ;;
		*) not_ok "-ldflags=-w: exit $rc: $out" ;;
		esac
	fi
done

# ---- the shared corpus -----------------------------------------------------------------
corpus=$srcdir/../shared/corpus/binaries
if [ -d "$corpus" ]; then
	L --format tsv "$corpus/small.default" '^main\.' >"$tmp/default" 2>&1
	for b in pie trimpath; do
		if L --format tsv "$corpus/small.$b" '^main\.' 2>&1 | cmp -s - "$tmp/default"; then
			ok "corpus small.$b: the same layouts as small.default"
		else
			not_ok "corpus small.$b: layouts differ from small.default"
		fi
	done
	if L --all --format csv "$corpus/small.default" '^main\.Padded$' |
		grep -qx 'main.Padded,32,8,5,16,16,32,16,16,0,0'; then
		ok "corpus main.Padded: 32 bytes, 16 in the better order (as its source says)"
	else
		not_ok "corpus main.Padded: not 32 -> 16"
	fi
	for b in nodwarf stripped; do
		out=$(L --all "$corpus/small.$b" 2>&1); rc=$?
		case "$rc:$out" in
		2:*"without DWARF"*) ok "corpus small.$b: exit 2, says there is no DWARF" ;;
		*) not_ok "corpus small.$b: exit $rc: $out" ;;
		esac
	done
else
	echo "SKIP: no ../shared/corpus/binaries"
fi

# ---- malformed inputs ------------------------------------------------------------------
for f in "$data"/malformed/*; do
	name=$(basename "$f")
	L --all "$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
	case $name in
	good.elf|dwarf-zlib-good.elf)
		if [ $rc = 0 ] && grep -q '^main\.N ' "$tmp/out"; then ok "$name: read"
		else not_ok "$name: exit $rc"; cat "$tmp/err"; fi ;;
	*)
		if [ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		   grep -q "^gomem layout: .*$name: " "$tmp/err" && [ ! -s "$tmp/out" ]; then
			ok "$name: exit 2: $(cut -d: -f3- "$tmp/err")"
		else
			not_ok "$name: exit $rc"; cat "$tmp/err"
		fi ;;
	esac
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
