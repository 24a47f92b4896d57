#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-malformed.sh — regenerates tests/data/layout/malformed/: tiny ELF files,
# written byte by byte by the small ELF and DWARF 4 encoder below, each with one
# thing wrong (or nothing: good.elf), for gomem layout's bad-input tests. The
# expected messages are in tests/cli/layout/bad-*.err and check_layout.c.
# Needs python3.  Usage: sh make-malformed.sh [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/malformed}
mkdir -p "$out"
python3 - "$out" <<'PY'
import os, struct, sys, zlib

out = sys.argv[1]

def uleb(v):
    b = bytearray()
    while True:
        c = v & 0x7f
        v >>= 7
        b.append(c | (0x80 if v else 0))
        if not v:
            return bytes(b)

def cstr(s):
    return s.encode() + b"\0"

# Abbreviations: code -> (tag, children, [(attribute, form)])
DW_FORM_string, DW_FORM_data1, DW_FORM_udata, DW_FORM_ref4 = 0x08, 0x0b, 0x0f, 0x13
ABBREVS = {
    1: (0x11, 1, [(0x03, DW_FORM_string), (0x25, DW_FORM_string)]),        # compile_unit: name, producer
    2: (0x13, 1, [(0x03, DW_FORM_string), (0x0b, DW_FORM_udata), (0x2900, DW_FORM_data1)]),  # struct
    3: (0x0d, 0, [(0x03, DW_FORM_string), (0x38, DW_FORM_udata), (0x49, DW_FORM_ref4)]),    # member
    4: (0x24, 0, [(0x03, DW_FORM_string), (0x3e, DW_FORM_data1), (0x0b, DW_FORM_data1), (0x2900, DW_FORM_data1)]),
    5: (0x0f, 0, [(0x03, DW_FORM_string), (0x49, DW_FORM_ref4)]),          # pointer_type
}

def abbrev_section():
    b = bytearray()
    for code, (tag, children, attrs) in sorted(ABBREVS.items()):
        b += uleb(code) + uleb(tag) + bytes([children])
        for a, f in attrs:
            b += uleb(a) + uleb(f)
        b += b"\0\0"
    return bytes(b + b"\0")

def encode(form, v):
    if form == DW_FORM_string: return cstr(v)
    if form == DW_FORM_data1: return bytes([v])
    if form == DW_FORM_udata: return uleb(v)
    if form == DW_FORM_ref4: return struct.pack("<I", v)

def info_section(producer, build):
    """build(die) lays out DIEs; refs are resolved in a second pass."""
    for _ in range(2):
        body = bytearray()
        offsets = {}
        def die(label, code, *values):
            offsets[label] = 11 + len(body)  # CU header is 11 bytes (DWARF 4, 32-bit)
            body.extend(uleb(code))
            for (a, f), v in zip(ABBREVS[code][2], values):
                if f == DW_FORM_ref4 and isinstance(v, str):
                    v = info_section.refs.get(v, 0)
                body.extend(encode(f, v))
        def end():
            body.append(0)
        die("cu", 1, "main", producer)
        build(die, end)
        end()
        info_section.refs = offsets
    hdr = struct.pack("<IHIB", 7 + len(body), 4, 0, 8)
    return bytes(hdr + body)
info_section.refs = {}

def elf(sections, cut=None):
    """sections: [(name, data, flags)]. Section headers at the end."""
    names = b"\0" + b"".join(cstr(n) for n, _, _ in sections) + cstr(".shstrtab")
    body = bytearray(b"\0" * 64)
    shdrs = [struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]
    name_off = 1
    for name, data, flags in sections + [(".shstrtab", names, 0)]:
        off = len(body)
        body += data
        shdrs.append(struct.pack("<IIQQQQIIQQ", name_off, 3 if name == ".shstrtab" else 1,
                                 flags, 0, off, len(data), 0, 0, 1, 0))
        name_off += len(name) + 1
    while len(body) % 8:
        body.append(0)
    shoff = len(body)
    body += b"".join(shdrs)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64,
                               len(shdrs), len(shdrs) - 1)
    body[0:64] = ehdr
    return bytes(body if cut is None else body[:cut])

GO = "Go cmd/compile go1.21.13; regabi"

def good(die, end):
    die("T", 2, "main.T", 16, 25)
    die("a", 3, "a", 0, "bool")
    die("b", 3, "b", 8, "int64")
    end()
    die("N", 2, "main.N", 24, 25)
    die("n1", 3, "next", 0, "pN")
    die("n2", 3, "flag", 8, "bool")
    die("n3", 3, "val", 16, "int64")
    end()
    die("bool", 4, "bool", 2, 1, 1)
    die("int64", 4, "int64", 5, 8, 6)
    die("pN", 5, "*main.N", "N")

def cycle(die, end):
    die("A", 2, "main.A", 16, 25)
    die("a1", 3, "x", 0, "A")
    end()

def past_end(die, end):
    die("T", 2, "main.T", 8, 25)
    die("a", 3, "a", 4, "int64")
    end()
    die("int64", 4, "int64", 5, 8, 6)

def bad_ref(die, end):
    die("T", 2, "main.T", 8, 25)
    die("a", 3, "a", 0, 0x7ffffff0)
    end()

def bad_base(die, end):
    die("T", 2, "main.T", 24, 25)
    die("a", 3, "a", 0, "odd")
    end()
    die("odd", 4, "odd", 5, 24, 6)

def overlap(die, end):
    die("T", 2, "main.T", 16, 25)
    die("a", 3, "a", 0, "int64")
    die("b", 3, "b", 4, "int64")
    end()
    die("int64", 4, "int64", 5, 8, 6)

abbrev = abbrev_section()
def dwarf_elf(build, producer=GO, **kw):
    return elf([(".debug_abbrev", abbrev, 0), (".debug_info", info_section(producer, build), 0)], **kw)

def compressed(data):
    z = zlib.compress(data)
    return struct.pack("<IIQQ", 1, 0, len(data), 1) + z

files = {
    "not-elf.txt": b"this is not an ELF file\n",
    "good.elf": dwarf_elf(good),
    "truncated.elf": dwarf_elf(good, cut=200),
    "no-go.elf": elf([(".text", b"\xc3", 6)]),
    "c-dwarf.elf": dwarf_elf(good, producer="GNU C17 12.2.0 -mtune=generic"),
    "dwarf-garbage.elf": elf([(".debug_abbrev", abbrev, 0),
                              (".debug_info", b"\xff\xff\xff\xff\x17" + b"\xee" * 40, 0)]),
    "dwarf-cycle.elf": dwarf_elf(cycle),
    "dwarf-past-end.elf": dwarf_elf(past_end),
    "dwarf-bad-ref.elf": dwarf_elf(bad_ref),
    "dwarf-bad-base.elf": dwarf_elf(bad_base),
    "dwarf-overlap.elf": dwarf_elf(overlap),
    "dwarf-zlib-good.elf": elf([(".debug_abbrev", compressed(abbrev), 0x800),
                                (".debug_info", compressed(info_section(GO, good)), 0x800)]),
    "dwarf-zlib-bad.elf": elf([(".debug_abbrev", abbrev, 0),
                               (".debug_info", struct.pack("<IIQQ", 1, 0, 4096, 1) + b"\x78\x9c garbage", 0x800)]),
}
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
PY
