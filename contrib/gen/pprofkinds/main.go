// SPDX-License-Identifier: Apache-2.0

// pprofkinds writes real profiles of the kinds gomem heapdiff must tell
// apart, and variants of a real heap profile whose header asks a reader for
// what pprof honours (drop_frames and keep_frames, another memory unit). The
// runtime writes every profile; a variant only edits header fields and
// rescales the space values of the runtime's bytes.
//
//	pprofkinds -out DIR
//
// Files written to DIR, at MemProfileRate=1 (every allocation recorded):
//
//	heap.before.pb.gz, heap.after.pb.gz      pprof.WriteHeapProfile before and after
//	allocs.before.pb.gz, allocs.after.pb.gz  pprof.Lookup("allocs") at the same moments
//	                                         (default_sample_type alloc_space)
//	cpu.pb.gz                                a CPU profile of a busy loop
//	goroutine.pb.gz                          pprof.Lookup("goroutine")
//	heap.after.kb.pb.gz   heap.after with alloc_space and inuse_space in
//	                      kilobytes (each value divided by 1024, rounded)
//	heap.after.drop.pb.gz heap.after with drop_frames "main\.wrap.*" and
//	                      keep_frames "main\.wrapKeep"
//	NOTE                  Go version and platform
//
// Between the snapshots main.churn allocates and frees 20000 objects of 256
// bytes (alloc_space grows, inuse_space does not), main.leak keeps 3000 of
// 1 KiB, and main.useWrap keeps objects through main.wrapAlloc (dropped by
// the drop variant's drop_frames, so its objects go to main.useWrap) and
// main.wrapKeep (matching drop_frames too, but kept by keep_frames).
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"
)

var kept [][]byte

//go:noinline
func base() {
	for i := 0; i < 500; i++ {
		kept = append(kept, make([]byte, 2048))
	}
}

// last holds one churned object at a time: the others are garbage.
var last []byte

//go:noinline
func churn() {
	for i := 0; i < 20000; i++ {
		last = make([]byte, 256)
	}
	last = nil
}

//go:noinline
func leak() {
	for i := 0; i < 3000; i++ {
		kept = append(kept, make([]byte, 1024))
	}
}

//go:noinline
func wrapAlloc(n int) []byte { return make([]byte, n) }

//go:noinline
func wrapKeep(n int) []byte { return make([]byte, n) }

//go:noinline
func useWrap() {
	for i := 0; i < 400; i++ {
		kept = append(kept, wrapAlloc(4096), wrapKeep(512))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pprofkinds:", err)
	os.Exit(1)
}

func write(dir, name string, w func(io.Writer) error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		fail(err)
	}
	if err := w(f); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func snapshot(dir, when string) {
	runtime.GC()
	runtime.GC()
	write(dir, "heap."+when+".pb.gz", pprof.WriteHeapProfile)
	write(dir, "allocs."+when+".pb.gz", func(w io.Writer) error {
		return pprof.Lookup("allocs").WriteTo(w, 0)
	})
}

var sink uint64

func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 100000; i++ {
			sink = sink*6364136223846793005 + 1442695040888963407
		}
	}
}

func main() {
	dir := flag.String("out", ".", "directory to write the profiles into")
	flag.Parse()
	runtime.MemProfileRate = 1
	debug.SetGCPercent(-1)
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	kept = make([][]byte, 0, 8192)
	base()
	snapshot(*dir, "before")
	churn()
	leak()
	useWrap()
	snapshot(*dir, "after")
	write(*dir, "goroutine.pb.gz", func(w io.Writer) error {
		return pprof.Lookup("goroutine").WriteTo(w, 0)
	})
	write(*dir, "cpu.pb.gz", func(w io.Writer) error {
		if err := pprof.StartCPUProfile(w); err != nil {
			return err
		}
		spin(300 * time.Millisecond)
		pprof.StopCPUProfile()
		return nil
	})
	after, err := os.ReadFile(filepath.Join(*dir, "heap.after.pb.gz"))
	if err != nil {
		fail(err)
	}
	variant(*dir, "heap.after.kb.pb.gz", after, edit{unit: "kilobytes"})
	variant(*dir, "heap.after.drop.pb.gz", after, edit{drop: `main\.wrap.*`, keep: `main\.wrapKeep`})
	note := fmt.Sprintf("pprofkinds: %s %s/%s, MemProfileRate=1\n", runtime.Version(),
		runtime.GOOS, runtime.GOARCH)
	if err := os.WriteFile(filepath.Join(*dir, "NOTE"), []byte(note), 0o644); err != nil {
		fail(err)
	}
}

// ---- header variants: profile.proto edited field by field -------------------

// edit says what a variant changes: the unit of the space sample types
// (values rescaled from bytes), drop_frames and keep_frames.
type edit struct {
	unit       string
	drop, keep string
}

func variant(dir, name string, gz []byte, e edit) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		fail(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		fail(err)
	}
	out, err := rewrite(raw, e)
	if err != nil {
		fail(fmt.Errorf("%s: %w", name, err))
	}
	write(dir, name, func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := zw.Write(out); err != nil {
			return err
		}
		return zw.Close()
	})
}

type field struct {
	num  uint64
	wt   int
	v    uint64 // wire types 0, 1, 5
	data []byte // wire type 2
}

func uvarint(b []byte) (uint64, int, error) {
	var x uint64
	for i := 0; i < 10 && i < len(b); i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1, nil
		}
	}
	return 0, 0, errors.New("corrupt varint")
}

func fields(b []byte) ([]field, error) {
	var fs []field
	for len(b) > 0 {
		key, n, err := uvarint(b)
		if err != nil {
			return nil, err
		}
		b = b[n:]
		f := field{num: key >> 3, wt: int(key & 7)}
		switch f.wt {
		case 0:
			if f.v, n, err = uvarint(b); err != nil {
				return nil, err
			}
		case 1, 5:
			n = 8
			if f.wt == 5 {
				n = 4
			}
			if len(b) < n {
				return nil, errors.New("truncated fixed field")
			}
		case 2:
			l, m, err := uvarint(b)
			if err != nil || uint64(len(b)-m) < l {
				return nil, errors.New("bad length")
			}
			f.data = b[m : m+int(l)]
			n = m + int(l)
		default:
			return nil, fmt.Errorf("wire type %d", f.wt)
		}
		b = b[n:]
		fs = append(fs, f)
	}
	return fs, nil
}

func putVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func putField(b []byte, f field) []byte {
	b = putVarint(b, f.num<<3|uint64(f.wt))
	switch f.wt {
	case 0:
		return putVarint(b, f.v)
	case 2:
		b = putVarint(b, uint64(len(f.data)))
		return append(b, f.data...)
	}
	panic("unused wire type")
}

func rewrite(raw []byte, e edit) ([]byte, error) {
	top, err := fields(raw)
	if err != nil {
		return nil, err
	}
	var strs []string
	for _, f := range top {
		if f.num == 6 {
			strs = append(strs, string(f.data))
		}
	}
	addString := func(s string) uint64 {
		strs = append(strs, s)
		return uint64(len(strs) - 1)
	}
	// The space types, by position, and the unit they get.
	var space []bool
	var unitID uint64
	if e.unit != "" {
		unitID = addString(e.unit)
	}
	var out []byte
	for _, f := range top {
		switch {
		case f.num == 1: // sample_type
			vt, err := fields(f.data)
			if err != nil {
				return nil, err
			}
			isSpace := false
			for i := range vt {
				if vt[i].num == 1 && int(vt[i].v) < len(strs) {
					t := strs[vt[i].v]
					isSpace = len(t) > 6 && t[len(t)-6:] == "_space"
				}
			}
			space = append(space, isSpace)
			if isSpace && e.unit != "" {
				for i := range vt {
					if vt[i].num == 2 {
						vt[i].v = unitID
					}
				}
				var m []byte
				for _, g := range vt {
					m = putField(m, g)
				}
				f.data = m
			}
			out = putField(out, f)
		case f.num == 2 && e.unit != "": // sample: rescale the space values
			sf, err := fields(f.data)
			if err != nil {
				return nil, err
			}
			var m []byte
			col := 0
			for _, g := range sf {
				if g.num != 2 {
					m = putField(m, g)
					continue
				}
				vals, err := values(g)
				if err != nil {
					return nil, err
				}
				var packed []byte
				for _, v := range vals {
					if col < len(space) && space[col] {
						v = int64(math.Round(float64(v) / 1024))
					}
					packed = putVarint(packed, uint64(v))
					col++
				}
				m = putField(m, field{num: 2, wt: 2, data: packed})
			}
			f.data = m
			out = putField(out, f)
		case f.num == 6: // the string table goes out whole, at the end
		case f.num == 7 || f.num == 8:
			if e.drop == "" {
				out = putField(out, f)
			}
		default:
			out = putField(out, f)
		}
	}
	if e.drop != "" {
		out = putField(out, field{num: 7, wt: 0, v: addString(e.drop)})
		out = putField(out, field{num: 8, wt: 0, v: addString(e.keep)})
	}
	for _, s := range strs {
		out = putField(out, field{num: 6, wt: 2, data: []byte(s)})
	}
	return out, nil
}

// values of a Sample.value field, packed or not.
func values(g field) ([]int64, error) {
	if g.wt == 0 {
		return []int64{int64(g.v)}, nil
	}
	var vs []int64
	for b := g.data; len(b) > 0; {
		v, n, err := uvarint(b)
		if err != nil {
			return nil, err
		}
		vs = append(vs, int64(v))
		b = b[n:]
	}
	return vs, nil
}
