#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-trace-corpus.sh — the seed corpus of tests/fuzz/trace_fuzzer.c
# (tests/fuzz/corpus/trace): Go's own fuzz corpus of its trace reader
# (internal/trace/testdata/fuzz/FuzzReader of GOROOT, go test fuzz v1
# files decoded to their bytes) and the small traces of tests/data/trace,
# whole and cut in the middle of a batch. Needs python3.
#   make-trace-corpus.sh [GOROOT [OUT]]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
goroot=${1:-/usr/lib/go-1.23}
out=${2:-$top/tests/fuzz/corpus/trace}
mkdir -p "$out"
python3 - "$goroot/src/internal/trace/testdata/fuzz/FuzzReader" "$out" <<'PY'
import os, sys

ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34}

def unquote(s):
    """The bytes of a Go interpreted string literal's body."""
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
        elif s[i + 1] in ESC:
            out.append(ESC[s[i + 1]])
            i += 2
        elif s[i + 1] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif s[i + 1] in "01234567":
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
        elif s[i + 1] == "u":
            out += chr(int(s[i + 2:i + 6], 16)).encode("utf-8")
            i += 6
        else:
            out += chr(int(s[i + 2:i + 10], 16)).encode("utf-8")
            i += 10
    return bytes(out)

src, dst = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    lines = open(os.path.join(src, name), encoding="utf-8").read().split("\n")
    assert lines[0] == "go test fuzz v1", name
    lit = lines[1].strip()
    assert lit.startswith('[]byte("') and lit.endswith('")'), name
    open(os.path.join(dst, "go-" + name), "wb").write(unquote(lit[len('[]byte("'):-2]))
PY
for f in go1.19-tasks go1.21-tasks go1.22-tasks go1.23-tasks go1.23-loop; do
	cp "$top/tests/data/trace/$f.trace" "$out/$f"
	head -c 1500 "$top/tests/data/trace/$f.trace" >"$out/$f-cut"
done
