// SPDX-License-Identifier: Apache-2.0

// hostileelf makes the hostile inputs of the binary tools' checks at test
// time (they are too big to commit), from real Go binaries built by the
// checks, and measures what a tool costs on them:
//
//	hostileelf dwarf-bomb IN OUT SIZE    IN with its .debug_info (or .zdebug_info)
//	                                     replaced by a compressed stream that
//	                                     inflates to SIZE zero bytes (~SIZE/1032
//	                                     bytes on disk: deflate's best ratio)
//	hostileelf gzip-bomb OUT SIZE        a gzip file of SIZE zero bytes
//	hostileelf corrupt IN OUT SECTION    IN with the compressed stream of SECTION
//	                                     made invalid after its zlib header (a
//	                                     reserved block type), its size unchanged
//	hostileelf maxrss FILE CMD [ARG]...  runs CMD, writes its peak RSS in KiB
//	                                     to FILE, exits with CMD's status
//
// The deflate streams are written by hand: one dynamic-Huffman block whose
// length-258 and distance-1 codes are one bit each, so SIZE bytes cost
// SIZE/258*2 bits, all zero; nothing is compressed, so a 3 GiB bomb takes
// milliseconds to make. Stdlib only.
package main

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch args := os.Args[2:]; os.Args[1] {
	case "dwarf-bomb":
		need(args, 3)
		err = dwarfBomb(args[0], args[1], size(args[2]))
	case "gzip-bomb":
		need(args, 2)
		err = gzipBomb(args[0], size(args[1]))
	case "corrupt":
		need(args, 3)
		err = corrupt(args[0], args[1], args[2])
	case "maxrss":
		if len(args) < 2 {
			usage()
		}
		os.Exit(maxrss(args[0], args[1:]))
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostileelf:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: hostileelf dwarf-bomb IN OUT SIZE | gzip-bomb OUT SIZE | "+
		"corrupt IN OUT SECTION | maxrss FILE CMD [ARG]...")
	os.Exit(2)
}

func need(args []string, n int) {
	if len(args) != n {
		usage()
	}
}

func size(s string) uint64 {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil || v < 1 {
		fmt.Fprintf(os.Stderr, "hostileelf: %q is not a size in bytes\n", s)
		os.Exit(2)
	}
	return v
}

// ---- deflate by hand ---------------------------------------------------------

type bitWriter struct {
	w    *bufio.Writer
	acc  uint64
	nacc uint
	err  error
}

// bits writes the N low bits of V, least significant first (deflate's
// order for header fields and extra bits).
func (b *bitWriter) bits(v uint64, n uint) {
	b.acc |= v << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.put(byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

// code writes a Huffman code of N bits, most significant bit first.
func (b *bitWriter) code(c uint64, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		b.bits(c>>uint(i)&1, 1)
	}
}

func (b *bitWriter) put(c byte) {
	if b.err == nil {
		b.err = b.w.WriteByte(c)
	}
}

func (b *bitWriter) flush() error {
	if b.nacc > 0 {
		b.put(byte(b.acc))
		b.acc, b.nacc = 0, 0
	}
	if b.err != nil {
		return b.err
	}
	return b.w.Flush()
}

// deflateZeros writes a raw deflate stream of N zero bytes: a literal 0, then
// copies of 258 bytes at distance 1, then literals for the rest.
func deflateZeros(w *bufio.Writer, n uint64) error {
	b := &bitWriter{w: w}
	b.bits(1, 1)  // BFINAL
	b.bits(2, 2)  // BTYPE: dynamic Huffman
	b.bits(29, 5) // HLIT: 286 literal/length codes (up to 285, length 258)
	b.bits(0, 5)  // HDIST: 1 distance code (distance 1)
	b.bits(14, 4) // HCLEN: 18 code length codes (up to symbol 1 in the order)
	// Code length code lengths in RFC 1951's order; symbols 0, 1, 2 and 18
	// get 2 bits each: 0=00, 1=01, 2=10, 18=11.
	order := []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1}
	for _, sym := range order {
		l := uint64(0)
		if sym == 0 || sym == 1 || sym == 2 || sym == 18 {
			l = 2
		}
		b.bits(l, 3)
	}
	zeros := func(count int) { // symbol 18: 11..138 zero lengths
		for count > 0 {
			c := count
			if c > 138 {
				c = 138
			}
			b.code(3, 2)
			b.bits(uint64(c-11), 7)
			count -= c
		}
	}
	// Literal/length lengths: 0 -> 2, 1..255 -> 0, 256 -> 2, 257..284 -> 0,
	// 285 -> 1; then distance code 0 -> 1. Codes: 285=0, 0=10, 256=11; dist 0=0.
	b.code(2, 2)
	zeros(255)
	b.code(2, 2)
	zeros(28)
	b.code(1, 2)
	b.code(1, 2)
	if n > 0 {
		b.code(2, 2) // literal 0
		n--
	}
	for ; n >= 258; n -= 258 {
		b.code(0, 1) // length 258
		b.code(0, 1) // distance 1
	}
	for ; n > 0; n-- {
		b.code(2, 2)
	}
	b.code(3, 2) // end of block
	return b.flush()
}

// zlibZeros: the zlib stream (RFC 1950) of N zero bytes, whose Adler-32 is
// (N mod 65521)<<16 | 1.
func zlibZeros(w *bufio.Writer, n uint64) error {
	w.Write([]byte{0x78, 0x9c})
	if err := deflateZeros(w, n); err != nil {
		return err
	}
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], uint32(n%65521)<<16|1)
	_, err := w.Write(sum[:])
	return err
}

func gzipBomb(out string, n uint64) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	if err := deflateZeros(w, n); err != nil {
		return err
	}
	var crc uint32
	block := make([]byte, 1<<20)
	for left := n; left > 0; {
		c := uint64(len(block))
		if c > left {
			c = left
		}
		crc = crc32.Update(crc, crc32.IEEETable, block[:c])
		left -= c
	}
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], crc)
	binary.LittleEndian.PutUint32(tail[4:], uint32(n))
	w.Write(tail[:])
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// ---- ELF section surgery -------------------------------------------------------

// section locates a section header in the file's bytes.
type section struct {
	hdr    int // file offset of its header
	is64   bool
	order  binary.ByteOrder
	offset uint64
	size   uint64
	name   string
}

func findSection(path string, names ...string) (*section, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := elf.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	s := &section{is64: f.Class == elf.ELFCLASS64, order: f.ByteOrder}
	var shoff uint64
	var shentsize uint16
	if s.is64 {
		shoff = s.order.Uint64(data[0x28:])
		shentsize = s.order.Uint16(data[0x3a:])
	} else {
		shoff = uint64(s.order.Uint32(data[0x20:]))
		shentsize = s.order.Uint16(data[0x2e:])
	}
	for i, sec := range f.Sections {
		for _, name := range names {
			if sec.Name == name {
				s.hdr = int(shoff) + i*int(shentsize)
				s.offset, s.size, s.name = sec.Offset, sec.FileSize, sec.Name
				return s, data, nil
			}
		}
	}
	return nil, nil, fmt.Errorf("%s: no section %v", path, names)
}

// setSection points the header at BODY appended to the file, with FLAGS
// or'ed into sh_flags.
func (s *section) setSection(data, body []byte, flags uint64) []byte {
	for len(data)%8 != 0 {
		data = append(data, 0)
	}
	off := uint64(len(data))
	data = append(data, body...)
	h := data[s.hdr:]
	if s.is64 {
		s.order.PutUint64(h[8:], s.order.Uint64(h[8:])|flags)
		s.order.PutUint64(h[24:], off)
		s.order.PutUint64(h[32:], uint64(len(body)))
	} else {
		s.order.PutUint32(h[8:], s.order.Uint32(h[8:])|uint32(flags))
		s.order.PutUint32(h[16:], uint32(off))
		s.order.PutUint32(h[20:], uint32(len(body)))
	}
	return data
}

// compressedHeader: what precedes the zlib stream of a section holding N
// bytes: Elf_Chdr (SHF_COMPRESSED), or "ZLIB" and a big-endian size (.zdebug_*).
func (s *section) compressedHeader(n uint64) []byte {
	if len(s.name) > 2 && s.name[:2] == ".z" {
		h := []byte("ZLIB\x00\x00\x00\x00\x00\x00\x00\x00")
		binary.BigEndian.PutUint64(h[4:], n)
		return h
	}
	if s.is64 {
		h := make([]byte, 24)
		s.order.PutUint32(h[0:], uint32(elf.COMPRESS_ZLIB))
		s.order.PutUint64(h[8:], n)
		s.order.PutUint64(h[16:], 1)
		return h
	}
	h := make([]byte, 12)
	s.order.PutUint32(h[0:], uint32(elf.COMPRESS_ZLIB))
	s.order.PutUint32(h[4:], uint32(n))
	s.order.PutUint32(h[8:], 1)
	return h
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func dwarfBomb(in, out string, n uint64) error {
	s, data, err := findSection(in, ".debug_info", ".zdebug_info")
	if err != nil {
		return err
	}
	sw := &sliceWriter{b: s.compressedHeader(n)}
	bw := bufio.NewWriter(sw)
	if err := zlibZeros(bw, n); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	var flags uint64
	if s.name[1] != 'z' {
		flags = uint64(elf.SHF_COMPRESSED)
	}
	return os.WriteFile(out, s.setSection(data, sw.b, flags), 0o755)
}

func corrupt(in, out, name string) error {
	s, data, err := findSection(in, name)
	if err != nil {
		return err
	}
	head := len(s.compressedHeader(0))
	if s.size < uint64(head)+3 {
		return fmt.Errorf("%s: section %s is too small to be compressed", in, name)
	}
	body := data[s.offset : s.offset+s.size]
	if string(body[:4]) != "ZLIB" && s.order.Uint32(body) != uint32(elf.COMPRESS_ZLIB) {
		return fmt.Errorf("%s: section %s is not zlib-compressed", in, name)
	}
	// After the 2-byte zlib header: BFINAL=1, BTYPE=11, which RFC 1951 reserves.
	for i := uint64(head) + 2; i < s.size; i++ {
		body[i] = 0xff
	}
	return os.WriteFile(out, data, 0o755)
}

// ---- measuring ---------------------------------------------------------------------

func maxrss(file string, argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	status := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			fmt.Fprintln(os.Stderr, "hostileelf:", err)
			return 127
		}
		status = ee.ExitCode()
		if status < 0 {
			status = 128
		}
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "hostileelf: no resource usage on this system")
		return 127
	}
	if err := os.WriteFile(file, []byte(strconv.FormatInt(int64(ru.Maxrss), 10)+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "hostileelf:", err)
		return 127
	}
	return status
}
