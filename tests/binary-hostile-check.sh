#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# binary-hostile-check.sh — gomem buildinfo, addr2line and layout on hostile
# binaries made now from a real Go program (too big to commit; issue 11,
# items 6, 11 and 17), each tool's peak memory measured with getrusage:
#
#  - a "DWARF bomb": contrib/gen/binsym with its .debug_info replaced by a
#    3 GiB zlib stream (~3 MB on disk): buildinfo prints what `go version -m`
#    prints, addr2line answers from .gopclntab (--source auto) or refuses
#    (--source dwarf) with the section's byte offset, layout refuses likewise,
#    all under 200 MB of RSS (the old code inflated the 3 GiB);
#  - a gzip bomb (2 GiB of zeros, not ELF): refused at byte 0 by buildinfo,
#    under 200 MB;
#  - the program gzip'd, and through a FIFO: read as the file is;
#  - its .debug_line made invalid (libdw then has no lines): addr2line's
#    default answers equal .gopclntab's at every function entry, and
#    --source dwarf shows the lines are gone.
#
# Needs Go (GO, else go on PATH): without it this fails, never skips.
# Environment: top_srcdir, top_builddir, GO. Exit 0 all passed, 1 a check failed.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
bin=$builddir/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/binary-hostile.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
export LC_ALL=C

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check NAME EXPECTED ACTUAL
	if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | head -5 | sed 's/^/    /'; fi
}
for t in buildinfo addr2line layout; do
	[ -x "$bin/gomem-$t" ] || { echo "FAIL: $bin/gomem-$t not built"; exit 1; }
done
go=${GO:-$(command -v go 2>/dev/null || true)}
if [ -z "$go" ] || ! [ -x "$go" ]; then
	echo "FAIL: no Go toolchain (set GO): the hostile binaries are made from a Go program"
	exit 1
fi
GOPROXY=off GOTOOLCHAIN=local GOFLAGS= GO111MODULE=on CGO_ENABLED=0
GOCACHE=${GOCACHE:-$builddir/tests/binsym-bin/gocache}
export GOPROXY GOTOOLCHAIN GOFLAGS GO111MODULE CGO_ENABLED GOCACHE

# ---- the program and the tool that makes the hostile files ----------------------------
for d in binsym hostileelf; do
	cp -r "$srcdir/contrib/gen/$d" "$tmp/$d-src" && chmod -R u+w "$tmp/$d-src"
	if ! (cd "$tmp/$d-src" && timeout 300 "$go" build -o "$tmp/$d" .) >"$tmp/build.log" 2>&1; then
		echo "FAIL: cannot build contrib/gen/$d"; sed 's/^/    /' "$tmp/build.log"; exit 1
	fi
done
prog=$tmp/binsym
H() { "$tmp/hostileelf" "$@"; }

# rss NAME LIMIT_KIB CMD...: runs CMD (stdout to $tmp/out, stderr to $tmp/err,
# status in $rc) and checks its peak RSS.
rss() {
	name=$1 limit=$2
	shift 2
	H maxrss "$tmp/rss" timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	kib=$(cat "$tmp/rss" 2>/dev/null || echo 0)
	if [ "$kib" -gt 0 ] && [ "$kib" -lt "$limit" ]; then ok "$name: peak RSS $kib KiB (< $limit)"
	else not_ok "$name: peak RSS $kib KiB (limit $limit)"; fi
}
MB200=204800

# ---- a DWARF bomb ------------------------------------------------------------------------
H dwarf-bomb "$prog" "$tmp/bomb.elf" 3221225472 || { echo "FAIL: cannot make the DWARF bomb"; exit 1; }
echo "bomb.elf: $(wc -c <"$tmp/bomb.elf") bytes, .debug_info inflating to 3 GiB"
(cd "$tmp" && "$go" version -m bomb.elf) >"$tmp/vm" 2>&1
rss "DWARF bomb: buildinfo" $MB200 "$bin/gomem-buildinfo" "$tmp/bomb.elf"
sed "1s|^$tmp/bomb.elf:|bomb.elf:|" "$tmp/out" >"$tmp/bi"
check "DWARF bomb: buildinfo prints what go version -m prints" "$tmp/vm" "$tmp/bi"

nm "$prog" | awk '$2 ~ /^[Tt]$/ { print "0x" $1 }' | sort -u >"$tmp/pcs"
[ -s "$tmp/pcs" ] || not_ok "no function entries from nm $prog"
"$bin/gomem-addr2line" --source pclntab "$prog" <"$tmp/pcs" >"$tmp/pclntab.out" 2>&1
rss "DWARF bomb: addr2line (auto)" $MB200 "$bin/gomem-addr2line" "$tmp/bomb.elf" <"$tmp/pcs"
check "DWARF bomb: addr2line (auto) answers from .gopclntab" "$tmp/pclntab.out" "$tmp/out"

bomb_refused() { # NAME: exit 2 and the section's positioned error in $tmp/err
	if [ "$rc" = 2 ] && grep -q "bomb.elf: byte [0-9]*: section .debug_info inflates to 3221225472 bytes.*(--max-input)" "$tmp/err"; then
		ok "$1: refused: $(cut -d: -f3- "$tmp/err" | head -n 1)"
	else
		not_ok "$1: exit $rc"; sed 's/^/    /' "$tmp/err" | head -5
	fi
}
rss "DWARF bomb: addr2line --source dwarf" $MB200 "$bin/gomem-addr2line" --source dwarf "$tmp/bomb.elf" 0x401000
bomb_refused "DWARF bomb: addr2line --source dwarf"
rss "DWARF bomb: layout" $MB200 "$bin/gomem-layout" --all "$tmp/bomb.elf"
bomb_refused "DWARF bomb: layout"

# ---- a gzip bomb, a gzip'd binary, a FIFO ---------------------------------------------------
H gzip-bomb "$tmp/bomb.gz" 2147483648 || { echo "FAIL: cannot make the gzip bomb"; exit 1; }
rss "gzip bomb: buildinfo" $MB200 "$bin/gomem-buildinfo" "$tmp/bomb.gz"
if [ "$rc" = 2 ] && grep -q "bomb.gz: byte 0: not an ELF file" "$tmp/err"; then
	ok "gzip bomb: refused at byte 0 as not ELF"
else
	not_ok "gzip bomb: exit $rc: $(cat "$tmp/err")"
fi

(cd "$tmp" && "$go" version -m binsym) >"$tmp/vm.prog" 2>&1
gzip -c "$prog" >"$tmp/binsym.gz"
"$bin/gomem-buildinfo" "$tmp/binsym.gz" | sed "1s|^$tmp/binsym.gz:|binsym:|" >"$tmp/bi"
check "gzip'd binary: buildinfo prints what go version -m prints" "$tmp/vm.prog" "$tmp/bi"

mkfifo "$tmp/fifo"
through_fifo() { # TOOL ARGS... (the binary is the FIFO, fed the program); status in $rc
	cat "$prog" >"$tmp/fifo" 2>/dev/null &
	feeder=$!
	timeout 60 "$@" >"$tmp/fifo.out" 2>"$tmp/err"
	rc=$?
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	[ "$rc" = 0 ] || { not_ok "FIFO: $*: exit $rc: $(cat "$tmp/err")"; return 1; }
}
if through_fifo "$bin/gomem-buildinfo" "$tmp/fifo"; then
	sed "1s|^$tmp/fifo:|binsym:|" "$tmp/fifo.out" >"$tmp/bi"
	check "FIFO: buildinfo reads the ELF it carries" "$tmp/vm.prog" "$tmp/bi"
fi
"$bin/gomem-layout" --all --format tsv "$prog" '^main\.' >"$tmp/layout.want" 2>&1
if through_fifo "$bin/gomem-layout" --all --format tsv "$tmp/fifo" '^main\.'; then
	check "FIFO: layout reads the DWARF of the ELF it carries" "$tmp/layout.want" "$tmp/fifo.out"
fi
cat "$prog" >"$tmp/fifo" 2>/dev/null &
feeder=$!
timeout 60 "$bin/gomem-buildinfo" --max-input 1MiB "$tmp/fifo" >/dev/null 2>"$tmp/err"
rc=$?
kill "$feeder" 2>/dev/null
wait "$feeder" 2>/dev/null
if [ "$rc" = 2 ] && grep -q "fifo: byte [0-9]*: the file (not seekable: read into memory) runs past the limit of 1048576 bytes" "$tmp/err"; then
	ok "FIFO: a binary over --max-input is refused"
else
	not_ok "FIFO: over --max-input: exit $rc: $(cat "$tmp/err")"
fi

# ---- a .debug_line that cannot be inflated --------------------------------------------------
line=.debug_line
readelf -S -W "$prog" | grep -q ' \.zdebug_line ' && line=.zdebug_line
H corrupt "$prog" "$tmp/badline.elf" $line || { echo "FAIL: cannot corrupt $line"; exit 1; }
"$bin/gomem-addr2line" "$tmp/badline.elf" <"$tmp/pcs" >"$tmp/auto.out" 2>&1
check "$line corrupt: addr2line's default equals .gopclntab at $(wc -l <"$tmp/pcs") entries" \
	"$tmp/pclntab.out" "$tmp/auto.out"
"$bin/gomem-addr2line" --source dwarf "$tmp/badline.elf" <"$tmp/pcs" >"$tmp/dwarf.out" 2>&1
if [ "$(grep -c ' ?:0$' "$tmp/dwarf.out")" -ge "$(wc -l <"$tmp/pcs")" ]; then
	ok "$line corrupt: --source dwarf has no line (so the default's lines came from .gopclntab)"
else
	not_ok "$line corrupt: --source dwarf still has lines: the corruption did not take"
fi

echo "binary-hostile-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
