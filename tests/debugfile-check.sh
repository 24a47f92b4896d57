#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# debugfile-check.sh — gomem addr2line and layout on Go binaries whose DWARF
# was split off into a separate debug file (issue 12, item 15), the way
# distributions ship them: contrib/gen/binsym is built now with a GNU build
# ID (-ldflags=-B=0x..., -B=gobuildid with Go 1.22+, the external linker's
# --build-id) and without one, split with objcopy --only-keep-debug and
# --strip-debug (or --strip-all) --add-gnu-debuglink, and the debug file put
# where gdb and elfutils look:
#   beside the binary, in .debug/ beside it, DIR/<its directory>/ (debug link
#   name, CRC-32 checked), DIR/.build-id/xx/rest.debug (build ID checked),
# with DIR given by --debug-dir or GOMEM_DEBUG_DIR. In each case
# `addr2line --source dwarf` at every function entry and `layout --all` equal
# their answers on the unsplit binary. A debug file that does not match
# (another build's) is not taken, and when none is found both tools say
# where they looked.
#
# Needs Go (GO, else go on PATH) and objcopy: without them this fails, never
# skips. Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a
# check failed.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
bin=$builddir/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/debugfile-check.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C
unset GOMEM_DEBUG_DIR

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
for t in addr2line layout; do
	[ -x "$bin/gomem-$t" ] || { echo "FAIL: $bin/gomem-$t not built"; exit 1; }
done
go=${GO:-$(command -v go 2>/dev/null || true)}
if [ -z "$go" ] || ! [ -x "$go" ]; then
	echo "FAIL: no Go toolchain (set GO): the split binaries are built from a Go program"
	exit 1
fi
command -v objcopy >/dev/null 2>&1 || { echo "FAIL: no objcopy (binutils)"; exit 1; }
GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GO111MODULE=on CGO_ENABLED=0
GOCACHE=${GOCACHE:-$builddir/tests/binsym-bin/gocache}
export GOPROXY GOTOOLCHAIN GOFLAGS GO111MODULE CGO_ENABLED GOCACHE
cp -r "$srcdir/contrib/gen/binsym" "$tmp/src" && chmod -R u+w "$tmp/src"
mkdir "$tmp/b"

# build NAME GO [FLAGS]...: binsym built into $tmp/b/NAME; 1 when it cannot be.
build() {
	name=$1 g=$2
	shift 2
	if (cd "$tmp/src" && timeout 300 "$g" build "$@" -o "$tmp/b/$name" .) >"$tmp/build.log" 2>&1; then
		return 0
	fi
	not_ok "build $name with $g $*"; sed 's/^/    /' "$tmp/build.log" | head -5
	return 1
}

# The answers on the unsplit binary: addr2line at every function entry, the
# layouts of package main, and how many structs the runtime's records check.
truth() {
	b=$tmp/b/$1
	nm "$b" | awk '$2 ~ /^[Tt]$/ { print "0x" $1 }' | sort -u >"$tmp/$1.pcs"
	"$bin/gomem-addr2line" --source dwarf "$b" <"$tmp/$1.pcs" >"$tmp/$1.a2l" 2>&1
	"$bin/gomem-layout" --all --format json "$b" '^main\.' >"$tmp/$1.layout" 2>&1
	[ -s "$tmp/$1.pcs" ] && grep -q '"runtime_checked":true' "$tmp/$1.layout" ||
		not_ok "$1: the unsplit binary gives no answers to compare with"
}

# same NAME TRUTH BINARY [OPTION]...: both tools on the split BINARY equal
# their answers on TRUTH's unsplit binary.
same() {
	name=$1 t=$2 b=$3
	shift 3
	"$bin/gomem-addr2line" --source dwarf "$@" "$b" <"$tmp/$t.pcs" >"$tmp/got.a2l" 2>&1
	"$bin/gomem-layout" --all --format json "$@" "$b" '^main\.' >"$tmp/got.layout" 2>&1
	sed -i "s|\"binary\":\"[^\"]*\"|\"binary\":\"B\"|" "$tmp/got.layout" "$tmp/$t.layout"
	if cmp -s "$tmp/$t.a2l" "$tmp/got.a2l" && cmp -s "$tmp/$t.layout" "$tmp/got.layout"; then
		ok "$name: addr2line at $(wc -l <"$tmp/$t.pcs") PCs and layout read the debug file"
	else
		not_ok "$name"
		diff "$tmp/$t.a2l" "$tmp/got.a2l" | head -3 | sed 's/^/    /'
		diff "$tmp/$t.layout" "$tmp/got.layout" | head -3 | sed 's/^/    /'
	fi
}

# split NAME DIR [STRIP]: $tmp/b/NAME split into DIR/app (stripped with STRIP,
# default --strip-debug, and a debug link to prog.debug) and DIR/prog.debug.
split() {
	mkdir -p "$2"
	objcopy --only-keep-debug "$tmp/b/$1" "$2/prog.debug" &&
		objcopy ${3:---strip-debug} --add-gnu-debuglink="$2/prog.debug" "$tmp/b/$1" "$2/app" ||
		not_ok "objcopy could not split $1"
}

# build_id_path BINARY: DIR-relative path of its debug file by build ID.
build_id_path() {
	id=$(readelf -n "$1" | awk '/Build ID:/ { print $3 }')
	rest=${id#??}
	echo ".build-id/${id%"$rest"}/$rest.debug"
}

# ---- a binary without a build ID: the debug link, its CRC ------------------------------------
if build plain "$go"; then
	truth plain
	split plain "$tmp/beside"
	same "debug link, beside the binary" plain "$tmp/beside/app"
	split plain "$tmp/dotdebug"
	mkdir "$tmp/dotdebug/.debug" && mv "$tmp/dotdebug/prog.debug" "$tmp/dotdebug/.debug/"
	same "debug link, in .debug/" plain "$tmp/dotdebug/app"
	split plain "$tmp/global"
	mkdir -p "$tmp/dbg$tmp/global" && mv "$tmp/global/prog.debug" "$tmp/dbg$tmp/global/"
	same "debug link, under --debug-dir" plain "$tmp/global/app" --debug-dir "$tmp/nothing:$tmp/dbg"
	split plain "$tmp/stripall" --strip-all
	same "debug link, binary stripped of its symbols too" plain "$tmp/stripall/app"
	# Another build's debug file under the linked name: its CRC differs.
	build other "$go" -trimpath &&
		objcopy --only-keep-debug "$tmp/b/other" "$tmp/beside/prog.debug"
	"$bin/gomem-addr2line" --source dwarf "$tmp/beside/app" 0x401000 >/dev/null 2>"$tmp/err"
	if [ $? = 2 ] && grep -q "^looked for a separate debug file at: .*/beside/prog.debug (CRC differs)" "$tmp/err"; then
		ok "debug link: another build's file is not taken (CRC differs)"
	else
		not_ok "debug link: another build's file: $(cat "$tmp/err")"
	fi
fi

# ---- binaries with a GNU build ID --------------------------------------------------------------
# -B=0x... works with every Go release; -B=gobuildid from Go 1.22; and the
# external linker's --build-id (cgo on, gcc).
gos="$go"
for g in /usr/lib/go-1.2*/bin/go; do [ -x "$g" ] && gos="$gos $g"; done
n=0
for g in $gos; do
	n=$((n + 1))
	v=$("$g" env GOVERSION)
	build "bid$n" "$g" -ldflags=-B=0x4a1d0e5c7f00aa55bb66000$n || continue
	truth "bid$n"
	split "bid$n" "$tmp/bid$n"
	p=$(build_id_path "$tmp/b/bid$n")
	mkdir -p "$tmp/ids$n/${p%/*}" && mv "$tmp/bid$n/prog.debug" "$tmp/ids$n/$p"
	# The debug link names a file that is not there: the build ID finds it.
	GOMEM_DEBUG_DIR=$tmp/ids$n same "$v -B=0x...: by build ID, under GOMEM_DEBUG_DIR" "bid$n" "$tmp/bid$n/app"
	case $v in go1.19*|go1.20*|go1.21*) ;; *)
		build "gob$n" "$g" -ldflags=-B=gobuildid || continue
		truth "gob$n"
		mkdir -p "$tmp/gob$n"
		objcopy --only-keep-debug "$tmp/b/gob$n" "$tmp/gob$n.debug" &&
			objcopy --strip-debug "$tmp/b/gob$n" "$tmp/gob$n/app"
		p=$(build_id_path "$tmp/b/gob$n")
		mkdir -p "$tmp/ids$n/${p%/*}" && mv "$tmp/gob$n.debug" "$tmp/ids$n/$p"
		same "$v -B=gobuildid: by build ID alone (no debug link)" "gob$n" "$tmp/gob$n/app" \
			--debug-dir "$tmp/ids$n"
	esac
done
if CGO_ENABLED=1 build ext "$go" -ldflags='-linkmode=external -extldflags=-Wl,--build-id'; then
	truth ext
	split ext "$tmp/ext"
	p=$(build_id_path "$tmp/b/ext")
	mkdir -p "$tmp/extdbg/${p%/*}" && mv "$tmp/ext/prog.debug" "$tmp/extdbg/$p"
	same "external linker --build-id: by build ID" ext "$tmp/ext/app" --debug-dir "$tmp/extdbg"
	# A file at the build ID's path whose build ID is another's is not taken.
	objcopy --only-keep-debug "$tmp/b/bid1" "$tmp/extdbg/$p" 2>/dev/null
	"$bin/gomem-layout" --all --debug-dir "$tmp/extdbg" "$tmp/ext/app" >/dev/null 2>"$tmp/err"
	if [ $? = 2 ] && grep -q "^looked for a separate debug file at: $tmp/extdbg/$p (build ID differs)" "$tmp/err"; then
		ok "build ID: a file with another build ID is not taken"
	else
		not_ok "build ID: another build ID's file: $(cat "$tmp/err")"
	fi
fi

# ---- nothing found: where it looked ------------------------------------------------------------
if [ -x "$tmp/bid1/app" ]; then
	p=$(build_id_path "$tmp/b/bid1")
	real=$(cd "$tmp/bid1" && pwd -P)
	want="looked for a separate debug file at: $tmp/none1/$p, $tmp/none2/$p, $real/prog.debug, $real/.debug/prog.debug, $tmp/none1$real/prog.debug, $tmp/none2$real/prog.debug"
	for t in addr2line layout; do
		case $t in addr2line) set -- --source dwarf "$tmp/bid1/app" 0x401000 ;;
			   layout) set -- --all "$tmp/bid1/app" ;; esac
		"$bin/gomem-$t" --debug-dir "$tmp/none1:$tmp/none2" "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc = 2 ] && grep -q "no separate debug file" "$tmp/err" && grep -qxF "$want" "$tmp/err"; then
			ok "$t: no debug file anywhere: says so, and where it looked"
		else
			not_ok "$t: no debug file anywhere: exit $rc"; sed 's/^/    /' "$tmp/err"
			echo "    want: $want"
		fi
	done
fi

echo "debugfile-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
