#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-controls.sh — regenerates the hostile-text fixtures
# tests/data/malformed/controls-*: real inputs (a goroutine dump in the Go
# runtime's forms, an escape report and its source, heap profiles, a binary's
# build info) into which terminal control sequences were written where a
# crafted input can put them: function and file names, states, panic
# messages, module paths. Each carries ESC (an OSC retitle ending in BEL, a
# CSI clear screen), DEL, C1 as UTF-8 (U+009B, CSI) and C1 as a raw byte
# (0x9B). Every tool must read them and show each as U+FFFD (the golden tests
# tests/cli/*/controls-*). Needs python3.
#   make-controls.sh [MALFORMED_DIR]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/data/malformed}
mkdir -p "$out/controls-escape/evil"

python3 - "$top" "$out" <<'PY'
import os, sys

top, out = sys.argv[1], sys.argv[2]
OSC = b"\x1b]0;pwned\x07"      # retitles the terminal
CLS = b"\x1b[2J"               # clears the screen
C1U = b"\xc2\x9b2J"            # U+009B CSI, UTF-8 encoded
C1R = b"\x9b31m"               # 0x9B CSI, a raw byte
DEL = b"\x7f"

def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

# A debug=2 dump (runtime.Stack(all)): a crash preamble, states, frames,
# files and a created-by, each with a control sequence in it.
write("controls-goroutines.debug2.txt",
      b"panic: " + OSC + b"boom" + CLS + b"\n\n"
      b"goroutine 1 [chan receive" + CLS + b"]:\n"
      b"main." + OSC + b"worker(0xc000012345)\n"
      b"\t/src/" + C1R + b"main.go:12 +0x1d\n"
      b"main.main()\n"
      b"\t/src/main.go:20 +0x2a\n\n"
      b"goroutine 7 [select, 3 minutes]:\n"
      b"main.evil" + C1U + DEL + b"()\n"
      b"\t/src/" + CLS + b"main.go:30 +0x10\n"
      b"created by main." + OSC + b"spawn in goroutine 1\n"
      b"\t/src/main.go:40 +0x55\n\n"
      b"goroutine 8 [select, 3 minutes]:\n"
      b"main.evil" + C1U + DEL + b"()\n"
      b"\t/src/" + CLS + b"main.go:30 +0x10\n"
      b"created by main." + OSC + b"spawn in goroutine 1\n"
      b"\t/src/main.go:40 +0x55\n")

# The debug=1 form of the same kind of thing.
write("controls-goroutines.debug1.txt",
      b"goroutine profile: total 3\n"
      b"2 @ 0x43e0f6 0x4711e1\n"
      b"#\t0x43e0f5\tmain." + OSC + b"park+0x15\t/src/" + C1R + b"main.go:10\n"
      b"#\t0x4711e0\tmain.evil" + C1U + b"+0x20\t/src/main.go:11\n\n"
      b"1 @ 0x43e0f6\n"
      b"#\t0x43e0f5\tmain." + OSC + b"park+0x15\t/src/" + C1R + b"main.go:10\n")

# `go build -gcflags=-m` output naming a source that is there (with a
# control sequence in a comment) and one that is not, with hostile messages.
write("controls-escape.txt",
      b"# gomem.example/evil\n"
      b"evil/main.go:4:2: moved to heap: " + OSC + b"v\n"
      b"evil/main.go:5:13: &" + C1U + b"T{...} escapes to heap\n"
      b"evil/" + CLS + b"gone.go:3:6: moved to heap: x" + C1R + b"\n"
      b"this is " + OSC + b"not a diagnostic\n")
write("controls-escape/evil/main.go",
      b"package evil\n\n"
      b"func F() *int { // " + OSC + CLS + b"\n"
      b"\tv := 1\n"
      b"\treturn &v // " + C1U + DEL + C1R + b"\n"
      b"}\n")

# Legacy text heap profiles (Go 1.23, contrib/gen/heapsnap's default pair)
# with hostile function and file names on their symbol lines.
def hostile_heap(src):
    data = open(os.path.join(top, "tests/data/heap/go1.23/default", src), "rb").read()
    data = data.replace(b"main.leakA", b"main." + OSC + b"leakA")
    data = data.replace(b"main.baseC", b"main.base" + C1U + DEL + b"C")
    return data.replace(b"small.go", b"sm" + C1R + b"all.go")
write("controls-heap.before.txt", hostile_heap("before.txt"))
write("controls-heap.after.txt", hostile_heap("after.txt"))

# A binary whose build info names a hostile module path (the same length
# as the one it replaces, so the blob's lengths hold).
elf = bytearray(open(os.path.join(top, "tests/data/binary/malformed/go-synthetic.elf"), "rb").read())
old = b"example.com/x"
new = b"e\x1b]0;p\x07\xc2\x9b\x9b\x7fxy"
assert len(old) == len(new) and elf.count(old) >= 1
write("controls-buildinfo.elf", bytes(elf.replace(old, new)))
PY
