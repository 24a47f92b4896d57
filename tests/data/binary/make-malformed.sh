#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-malformed.sh — regenerates tests/data/binary/malformed/ (small ELF
# files gomem must refuse with a clear error, exit 2, never a crash) and the
# seed corpora of the buildinfo and pclntab fuzzers. The Go tables are
# synthesized by the Python below (a .go.buildinfo blob and a Go 1.20-layout
# .gopclntab with two functions and an inline tree), then put into a tiny C
# program with objcopy. Needs python3, a C compiler (CC, default cc) and
# objcopy (binutils 2.26 or newer). Expected errors: README.md here; checked
# by tests/cli/*/bad-*.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=$here/malformed
seeds=$top/tests/fuzz/corpus
tmp=$(mktemp -d "${TMPDIR:-/tmp}/binmal.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$seeds/buildinfo" "$seeds/pclntab"

python3 - "$tmp" "$seeds" <<'PY'
import os, struct, sys

tmp, seeds = sys.argv[1], sys.argv[2]

def uvarint(v):
    b = bytearray()
    while v >= 0x80:
        b.append(v & 0x7f | 0x80)
        v >>= 7
    b.append(v)
    return bytes(b)

def zz(d):  # pc-value deltas are zigzag-encoded
    return (d << 1) if d >= 0 else ((-d - 1) << 1) | 1

SENT_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
SENT_END = bytes.fromhex("f932433186182072008242104116d8f2")

def buildinfo(version, modinfo, framed=True):
    head = b"\xff Go buildinf:" + bytes([8, 2]) + bytes(16)
    mod = (SENT_START + modinfo + SENT_END) if framed else modinfo
    return head + uvarint(len(version)) + version + uvarint(len(mod)) + mod

good = (b"path\texample.com/x\n"
        b"mod\texample.com/x\t(devel)\t\n"
        b"dep\tgolang.org/x/text\tv0.3.7\th1:abc=\n"
        b"dep\texample.com/old\tv1.0.0\th1:def=\n"
        b"=>\texample.com/new\tv1.1.0\th1:ghi=\n"
        b"build\t-ldflags=\"-s -w\"\n"
        b"build\t\"odd key\"=v\n"
        b"build\tGOARCH=amd64\n")
blobs = {
    "good": buildinfo(b"go1.21.5", good),
    "old-pointers": b"\xff Go buildinf:" + bytes([8, 0]) + struct.pack("<QQ", 0x1000, 0x2000),
    "unframed": buildinfo(b"go1.19.8", good, framed=False),
    "bad-line": buildinfo(b"go1.19.8", b"path\tx\nbuild\tno-equals-sign\n"),
    "bad-quote": buildinfo(b"go1.19.8", b"build\tk=\"unterminated\n"),
    "no-version": buildinfo(b"", good),
    "short-varint": b"\xff Go buildinf:" + bytes([8, 2]) + bytes(16) + b"\xff\xff\xff",
}
for name, data in blobs.items():
    open(os.path.join(seeds, "buildinfo", name), "wb").write(data)
open(os.path.join(tmp, "buildinfo.good"), "wb").write(blobs["good"])
# Before Go 1.18: the header's two pointers lead to Go string headers
# (pointer, length), here in the same section, loaded at 0x600000.
BASE = 0x600000
vers, mod = b"go1.17.13", SENT_START + good + SENT_END
old = bytearray(b"\xff Go buildinf:" + bytes([8, 0]))
old += struct.pack("<QQ", BASE + 32, BASE + 48)
old += struct.pack("<QQ", BASE + 64, len(vers)) + struct.pack("<QQ", BASE + 64 + len(vers), len(mod))
old += vers + mod
open(os.path.join(tmp, "buildinfo.go117"), "wb").write(bytes(old))
open(os.path.join(tmp, "buildinfo.bad"), "wb").write(blobs["bad-line"])

# A Go 1.20+ pclntab: main.outer at text+0 (0x20 bytes) with main.inner
# inlined at [0x8,0x10), main.G[go.shape.int] at text+0x20.
TEXT = 0x401000
names = b"main.outer\0main.inner\0main.G[go.shape.int]\0"
name_off = {"outer": 0, "inner": 11, "G": 22}
filetab = b"/src/a.go\0/src/b.go\0"
cutab = struct.pack("<II", 0, 10)
pctab = bytearray(b"\0")
def table(pairs):  # [(value, end pc offset)] -> offset in pctab
    off = len(pctab)
    val, pc = -1, 0
    for v, end in pairs:
        pctab.extend(uvarint(zz(v - val)))
        pctab.extend(uvarint(end - pc))
        val, pc = v, end
    pctab.append(0)
    return off
outer_file = table([(0, 0x8), (1, 0x10), (0, 0x20)])
outer_line = table([(10, 0x8), (20, 0x10), (12, 0x20)])
outer_inl = table([(-1, 0x8), (0, 0x10), (-1, 0x20)])
g_file = table([(0, 0x10)])
g_line = table([(30, 0x10)])

def func(entry, name, pcfile, pcln, npcdata, pcdata, funcdata):
    f = struct.pack("<IiiIIIIIIiBBBB", entry, name, 0, 0, 0, pcfile, pcln, npcdata, 0, 1, 0, 0, 0,
                    len(funcdata))
    return f + b"".join(struct.pack("<I", x) for x in pcdata + funcdata)

NONE = 0xffffffff
f0 = func(0, name_off["outer"], outer_file, outer_line, 3, [0, 0, outer_inl], [NONE, NONE, NONE, 0])
f1 = func(0x20, name_off["G"], g_file, g_line, 0, [], [])
ftab_len = 3 * 8
pcln = struct.pack("<IIIIII", 0, ftab_len, 0x20, ftab_len + len(f0), 0x30, 0) + f0 + f1
hdr_len = 8 + 8 * 8
offs = [hdr_len]
for part in (names, cutab, filetab, bytes(pctab)):
    offs.append(offs[-1] + len(part))
header = struct.pack("<IBBBB", 0xfffffff1, 0, 0, 1, 8) + struct.pack("<8Q", 2, 2, TEXT, *offs)
pclntab = header + names + cutab + filetab + bytes(pctab) + pcln
# go:func.*: the inline tree of main.outer: main.inner, called at outer+0x4.
gofunc = struct.pack("<B3xiii", 0, name_off["inner"], 0x4, 19)
open(os.path.join(tmp, "pclntab.good"), "wb").write(pclntab)
seed = lambda p, g: struct.pack("<I", len(p)) + p + g
open(os.path.join(seeds, "pclntab", "synthetic-go120"), "wb").write(seed(pclntab, gofunc))
go118 = bytearray(pclntab)
go118[0:4] = struct.pack("<I", 0xfffffff0)
open(os.path.join(seeds, "pclntab", "magic-go118"), "wb").write(seed(bytes(go118), gofunc))
open(os.path.join(seeds, "pclntab", "truncated"), "wb").write(seed(pclntab[:100], b""))
bad = bytearray(pclntab)
struct.pack_into("<Q", bad, 8 + 7 * 8, 1 << 40)   # pclnOffset past the end
open(os.path.join(seeds, "pclntab", "offset-past-end"), "wb").write(seed(bytes(bad), gofunc))
open(os.path.join(tmp, "pclntab.bad"), "wb").write(bytes(bad))
old = bytearray(pclntab)
old[0:4] = struct.pack("<I", 0xfffffffb)          # Go 1.2-1.15 magic
open(os.path.join(tmp, "pclntab.old"), "wb").write(bytes(old))
PY

printf 'int main(void) { return 0; }\n' >"$tmp/c.c"
${CC:-cc} -Os -s -o "$tmp/c" "$tmp/c.c"
cp "$tmp/c" "$out/c-program.elf"
printf 'this is not an ELF file\n' >"$out/not-elf.txt"
head -c 100 "$tmp/c" >"$out/truncated.elf"
add() { # add OUT SECTION=FILE...: the C program with Go sections added
	o=$1
	shift
	set -- $(for s in "$@"; do printf ' --add-section %s --set-section-flags %s=alloc,readonly,data' \
		"$s" "${s%%=*}"; done)
	objcopy "$@" "$tmp/c" "$out/$o" 2>/dev/null
}
add go-synthetic.elf .go.buildinfo="$tmp/buildinfo.good" .gopclntab="$tmp/pclntab.good"
add bad-buildinfo.elf .go.buildinfo="$tmp/buildinfo.bad" .gopclntab="$tmp/pclntab.good"
add bad-pclntab.elf .go.buildinfo="$tmp/buildinfo.good" .gopclntab="$tmp/pclntab.bad"
add old-pclntab.elf .go.buildinfo="$tmp/buildinfo.good" .gopclntab="$tmp/pclntab.old"
objcopy --add-section .go.buildinfo="$tmp/buildinfo.go117" \
	--set-section-flags .go.buildinfo=alloc,load,readonly,data,contents \
	--change-section-address .go.buildinfo=0x600000 "$tmp/c" "$out/go117-buildinfo.elf" 2>/dev/null
head -c 4096 /dev/zero | tr '\0' '\377' >"$tmp/garbage"
objcopy --add-section .debug_info="$tmp/garbage" --add-section .debug_abbrev="$tmp/garbage" \
	"$out/go-synthetic.elf" "$out/bad-dwarf.elf" 2>/dev/null
# DWARF for main.outer alone (not main.G), its line table compressed as Go
# compresses it and then made invalid: libdw opens the DWARF and has no line
# for any PC (issue 11, item 11). Then section ranges that wrap around 2^64.
python3 - "$tmp" <<'PY'
import os, struct, sys
tmp = sys.argv[1]
abbrev = bytes([1, 0x11, 1, 0x03, 0x08, 0x25, 0x08, 0x10, 0x17, 0x1b, 0x08, 0, 0,
                2, 0x2e, 0, 0x03, 0x08, 0x11, 0x01, 0x12, 0x01, 0, 0, 0])
die = (b"\x01main\0Go cmd/compile go1.21.5; regabi\0" + struct.pack("<I", 0) + b".\0" +
       b"\x02main.outer\0" + struct.pack("<QQ", 0x401000, 0x401020) + b"\0")
info = struct.pack("<IHIB", 7 + len(die), 4, 0, 8) + die
open(os.path.join(tmp, "abbrev"), "wb").write(abbrev)
open(os.path.join(tmp, "info"), "wb").write(info)
open(os.path.join(tmp, "line"), "wb").write(bytes(4096))
PY
objcopy --add-section .debug_abbrev="$tmp/abbrev" --add-section .debug_info="$tmp/info" \
	--add-section .debug_line="$tmp/line" "$out/go-synthetic.elf" "$tmp/dwarf.elf" 2>/dev/null
objcopy --compress-debug-sections=zlib-gabi "$tmp/dwarf.elf" "$out/dwarf-bad-line.elf" 2>/dev/null
python3 - "$out" <<'PY'
import os, struct, sys
out = sys.argv[1]

def sections(data):  # ELF64 little-endian: {name: (header offset, offset, size)}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    strtab_off, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 24)
    found = {}
    for i in range(shnum):
        h = shoff + i * shentsize
        name, = struct.unpack_from("<I", data, h)
        off, size = struct.unpack_from("<QQ", data, h + 24)
        end = data.index(b"\0", strtab_off + name)
        found[data[strtab_off + name:end].decode()] = (h, off, size)
    return found

def patch(src, dst, edit):
    data = bytearray(open(os.path.join(out, src), "rb").read())
    edit(data, sections(data))
    open(os.path.join(out, dst), "wb").write(bytes(data))

def bad_line(data, s):  # after the 24-byte Elf64_Chdr and the 2-byte zlib header:
    h, off, size = s[".debug_line"]  # BFINAL=1, BTYPE=11 (reserved)
    assert struct.unpack_from("<I", data, off)[0] == 1, ".debug_line is not compressed"
    data[off + 26:off + size] = b"\xff" * (size - 26)
patch("dwarf-bad-line.elf", "dwarf-bad-line.elf", bad_line)
patch("c-program.elf", "wrapped-offset.elf",
      lambda d, s: struct.pack_into("<Q", d, s[".comment"][0] + 24, 0xffffffffffff0000))
patch("c-program.elf", "wrapped-size.elf",
      lambda d, s: struct.pack_into("<Q", d, s[".comment"][0] + 32, 0xffffffffffffe000))
PY
ls -l "$out"
