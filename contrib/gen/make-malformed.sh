#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make-malformed.sh — regenerates the profile.proto cases in tests/data/malformed
# (pprof-*) and the pprof fuzzer's seed corpus (tests/fuzz/corpus/pprof). Each
# file is built field by field by the small encoder below, so the bytes, and
# the byte offset each error must name, are reproducible; the expected errors
# are listed in tests/data/malformed/README-pprof.md and checked by
# tests/unit/check_pprof.c. Needs bash, python3 and gzip.
#   make-malformed.sh [MALFORMED_DIR [SEED_DIR]]
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/data/malformed}
seeds=${2:-$top/tests/fuzz/corpus/pprof}
mkdir -p "$out" "$seeds"

python3 - "$out" "$seeds" <<'PY'
import gzip, os, sys

out, seed_dir = sys.argv[1], sys.argv[2]

def varint(v):
    v &= (1 << 64) - 1
    b = bytearray()
    while v >= 0x80:
        b.append(v & 0x7f | 0x80)
        v >>= 7
    b.append(v)
    return bytes(b)

def key(field, wt):
    return varint(field << 3 | wt)

def uint(field, v):
    return key(field, 0) + varint(v)

def lendelim(field, data):
    return key(field, 2) + varint(len(data)) + data

def packed(field, values):
    return lendelim(field, b"".join(varint(v) for v in values))

STRINGS = ["", "alloc_space", "bytes", "inuse_space", "main.leak", "/src/main.go", "main.main",
           "space"]
ALLOC, BYTES, INUSE, LEAK, FILE, MAIN, SPACE = 1, 2, 3, 4, 5, 6, 7

def value_type(field, t, u):
    return lendelim(field, uint(1, t) + uint(2, u))

def function(fid, name):
    return lendelim(5, uint(1, fid) + uint(2, name) + uint(3, name) + uint(4, FILE))

def location(lid, addr, lines):
    body = uint(1, lid) + uint(3, addr)
    for fn, line in lines:
        body += lendelim(4, uint(1, fn) + uint(2, line))
    return lendelim(4, body)

def sample(locs, values):
    return lendelim(2, packed(1, locs) + packed(2, values))

def strings():
    return b"".join(lendelim(6, s.encode()) for s in STRINGS)

# Go's order: period type, period, sample types, locations and functions,
# samples, time, string table last.
HEADER = (value_type(11, SPACE, BYTES) + uint(12, 524288) +
          value_type(1, ALLOC, BYTES) + value_type(1, INUSE, BYTES) +
          location(1, 0x401000, [(1, 10)]) + function(1, LEAK) +
          location(2, 0x402000, [(2, 20)]) + function(2, MAIN))

def profile(body=b""):
    return HEADER + sample([1, 2], [4096, 1024]) + body + uint(9, 1700000000000000000) + strings()

def write(name, data, note):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    print(f"{name:32} {len(data):6} bytes  {note}")
    if name != "pprof-empty.pb":
        seed(name.replace("pprof-", "bad-"), data)

def seed(name, data):
    with open(os.path.join(seed_dir, name), "wb") as f:
        f.write(data)

def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)

write("pprof-empty.pb", b"", "empty input, byte 0")

good = gz(profile())
write("pprof-wrong-magic.pb.gz", good[:1] + b"\x8c" + good[2:],
      "not gzip, so protobuf: byte 0 is field 3 with wire type 7")
write("pprof-truncated.pb.gz", good[:len(good) // 2], "gzip cut in half")

# A Sample whose packed values end inside a varint.
bad = bytes([0x08, 0x01, 0x12, 0x03, 0x01, 0x85, 0x80])
off = len(HEADER) + 2 + 5
write("pprof-corrupt-varint.pb", HEADER + lendelim(2, bad) + strings(),
      f"corrupt varint in Sample.value, byte {off}")

fn = lendelim(5, uint(1, 3) + uint(2, 93))
off = len(HEADER) + 2 + 2
write("pprof-string-index.pb", HEADER + fn + strings(),
      f"string index 93, byte {off}")

off = len(HEADER)
write("pprof-dangling-location.pb", HEADER + sample([1, 7], [1, 1]) + strings(),
      f"missing location 7, byte {off}")

types = value_type(1, ALLOC, BYTES) + value_type(1, INUSE, BYTES)
write("pprof-dangling-function.pb", types + location(1, 0x401000, [(9, 10)]) + strings(),
      f"missing function 9, byte {len(types)} (the Location)")

off = len(HEADER)
write("pprof-value-count.pb", HEADER + sample([1], [1, 2, 3]) + strings(),
      f"3 values for 2 sample types, byte {off}")

p = profile()
write("pprof-length-overrun.pb", p + key(2, 2) + varint(4096) + b"twelve bytes",
      f"a Sample of 4096 bytes with 12 left, byte {len(p)}")

label = key(3, 2) + varint(200) + uint(1, 1)
off = len(HEADER) + 2 + 3
write("pprof-nested-overrun.pb", HEADER + lendelim(2, packed(1, [1]) + label) + strings(),
      f"a Label longer than its Sample, byte {off}")

p = profile()
off = len(p) + len(HEADER) + len(sample([1, 2], [4096, 1024]))
write("pprof-concatenated.pb", p + p, f"two profiles back to back, byte {off}")

# What no profile can hold (lib/pprof/profile_check.c), refused where it is.
TYPES = value_type(1, ALLOC, BYTES) + value_type(1, INUSE, BYTES)
LOCS = (location(1, 0x401000, [(1, 10)]) + function(1, LEAK) +
        location(2, 0x402000, [(2, 20)]) + function(2, MAIN))
head = value_type(11, SPACE, BYTES)
write("pprof-negative-period.pb", head + uint(12, -1) + TYPES + LOCS +
      sample([1, 2], [4096, 1024]) + strings(), f"period -1, byte {len(head)}")
write("pprof-period-zero.pb", head + TYPES + LOCS + sample([1, 2], [4096, 1024]) + strings(),
      "a heap profile with period 0 (MemProfileRate=0), byte 0 (its period_type)")
off = len(HEADER) + len(sample([1, 2], [4096, 1024]))
write("pprof-negative-inuse.pb", profile(sample([2], [4096, -1024])),
      f"inuse_space -1024 in a snapshot, byte {off}")
big = 5 * 10**18
off = len(HEADER) + len(sample([1, 2], [4096, 1024])) + len(sample([1], [big, big]))
write("pprof-values-overflow.pb", profile(sample([1], [big, big]) + sample([2], [big, big])),
      f"alloc_space adds up past INT64_MAX, byte {off}")

# Fuzzer seeds: valid profiles using every field and encoding.
seed("minimal.pb", profile())
seed("minimal.pb.gz", gz(profile()))
seed("strings-first.pb", strings() + HEADER + sample([1, 2], [4096, 1024]))
label_str = lendelim(3, uint(1, LEAK) + uint(2, MAIN))
label_num = lendelim(3, uint(1, BYTES) + uint(3, 64) + uint(4, BYTES))
unpacked = lendelim(2, uint(1, 2) + uint(1, 1) + uint(2, 5) + packed(2, [-1]) +
                    label_str + label_num)
inlined = lendelim(4, uint(1, 3) + uint(2, 1) + uint(3, 0x403000) +
                   lendelim(4, uint(1, 1) + uint(2, 11) + uint(3, 7)) +
                   lendelim(4, uint(1, 2) + uint(2, 22)) + uint(5, 1))
mapping = lendelim(3, uint(1, 1) + uint(2, 0x400000) + uint(3, 0x500000) + uint(4, 0x1000) +
                   uint(5, FILE) + uint(6, LEAK) + uint(7, 1) + uint(8, 1) + uint(9, 1) +
                   uint(10, 1))
rest = (mapping + inlined + sample([3, 2], [1, 2]) + uint(7, LEAK) + uint(8, MAIN) +
        uint(10, 5000) + uint(13, FILE) + packed(13, [MAIN, LEAK]) + uint(14, INUSE) +
        uint(15, FILE))
seed("everything.pb", HEADER + unpacked + rest + uint(9, 1) + strings())
seed("unknown-fields.pb", uint(100, 1) + key(101, 1) + bytes(8) + lendelim(102, b"x") +
     key(103, 5) + bytes(4) + profile())
seed("sparse-ids.pb", value_type(1, ALLOC, BYTES) + value_type(1, INUSE, BYTES) +
     location(1 << 40, 1, [(1 << 33, 1)]) + function(1 << 33, MAIN) +
     sample([1 << 40], [1, 2]) + strings())
PY

# 1200 MiB of VALID protobuf (an unknown varint field 100 = 0, a0 06 00,
# repeated), so nothing but the source's 1 GiB cap (--max-input) stops it;
# deflate cannot beat ~1032:1, so this is ~1.2 MB.
python3 - "$out/pprof-gzip-bomb.pb.gz" <<'PY'
import sys, zlib
c = zlib.compressobj(9, zlib.DEFLATED, 31)
block = b"\xa0\x06\x00" * (1 << 20)
with open(sys.argv[1], "wb") as out:
    for _ in range(400):
        out.write(c.compress(block))
    out.write(c.flush())
PY
printf '%-32s %6s bytes  %s\n' pprof-gzip-bomb.pb.gz "$(wc -c < "$out/pprof-gzip-bomb.pb.gz")" \
	"1200 MiB of unknown protobuf fields"
