// SPDX-License-Identifier: Apache-2.0

// wasteheap builds a heap whose waste is known, then writes what the runtime
// says about it: the heap profile as debug=0 (profile.proto, gzipped) and
// debug=1 (legacy text with the runtime.MemStats trailer), and a JSON of
// ground truth: runtime.MemStats, the runtime/metrics heap classes and, per
// allocation site, the objects it keeps live and the bytes it asked for.
//
// Sizes are chosen to round badly: 33 B (class 48), 4100 B (class 4864),
// 600 B of pointers (class 640, plus the 8-byte malloc header on Go 1.22+),
// 100000 B large objects (13 pages); many of the 33 B and 4100 B objects are
// dropped before the GC so their spans are left partly empty.
//
// Run with GODEBUG=memprofilerate=1 so that the runtime profiles every
// allocation from its start (setting runtime.MemProfileRate in main misses
// the runtime's own early allocations).
//
// With -serve it then serves net/http/pprof on a loopback port (its address
// on standard output) for -lifetime, with the heap kept as it was, so that
// tests can read the same heap from a live /debug/pprof/heap.
//
// Usage: wasteheap [-serve] [-lifetime 60s] OUTDIR
// (writes heap.pb.gz, heap.txt, truth.json)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

type site struct {
	Function  string `json:"function"`
	Size      uint64 `json:"size"`      // bytes each object asked for
	Scan      bool   `json:"scan"`      // holds pointers
	Objects   uint64 `json:"objects"`   // kept live
	Requested uint64 `json:"requested"` // Objects * Size
}

type pointers struct{ p [75]*byte } // 600 bytes, pointerful

var (
	keep33    [][]byte
	keep4100  [][]byte
	keepPtr   []*pointers
	keepLarge [][]byte
	sink      [][]byte // dropped before the GC: leaves partly empty spans
)

//go:noinline
func alloc33() []byte { return make([]byte, 33) }

//go:noinline
func alloc4100() []byte { return make([]byte, 4100) }

//go:noinline
func allocPointers() *pointers { return new(pointers) }

//go:noinline
func allocLarge() []byte { return make([]byte, 100000) }

func build() []site {
	// 33 B: 30000 kept densely, then 40000 of which every 8th is kept.
	keep33 = make([][]byte, 0, 35000)
	for i := 0; i < 30000; i++ {
		keep33 = append(keep33, alloc33())
	}
	for i := 0; i < 40000; i++ {
		b := alloc33()
		if i%8 == 0 {
			keep33 = append(keep33, b)
		} else {
			sink = append(sink, b)
		}
	}
	// 4100 B: 3000, one in four kept.
	keep4100 = make([][]byte, 0, 750)
	for i := 0; i < 3000; i++ {
		b := alloc4100()
		if i%4 == 0 {
			keep4100 = append(keep4100, b)
		} else {
			sink = append(sink, b)
		}
	}
	keepPtr = make([]*pointers, 0, 2000)
	for i := 0; i < 2000; i++ {
		keepPtr = append(keepPtr, allocPointers())
	}
	keepLarge = make([][]byte, 0, 5)
	for i := 0; i < 5; i++ {
		keepLarge = append(keepLarge, allocLarge())
	}
	sink = nil
	return []site{
		{"main.alloc33", 33, false, uint64(len(keep33)), 33 * uint64(len(keep33))},
		{"main.alloc4100", 4100, false, uint64(len(keep4100)), 4100 * uint64(len(keep4100))},
		{"main.allocPointers", 600, true, uint64(len(keepPtr)), 600 * uint64(len(keepPtr))},
		{"main.allocLarge", 100000, false, uint64(len(keepLarge)), 100000 * uint64(len(keepLarge))},
	}
}

var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/stacks:bytes",
}

func readMetrics() map[string]uint64 {
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	out := make(map[string]uint64, len(samples))
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			out[s.Name] = s.Value.Uint64()
		}
	}
	return out
}

func writeProfile(path string, debug int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, debug); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// serve answers /debug/pprof/ on a loopback port until the lifetime ends.
func serve(lifetime time.Duration) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	go func() {
		time.Sleep(lifetime)
		os.Exit(0)
	}()
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	runtime.MemProfileRate = 1
	serveFlag := flag.Bool("serve", false, "serve net/http/pprof on 127.0.0.1 afterwards")
	lifetime := flag.Duration("lifetime", 60*time.Second, "how long to serve")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasteheap [-serve] [-lifetime 60s] OUTDIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	readMetrics() // its first call sets up the metrics: not in the snapshot below
	sites := build()
	runtime.GC()
	if err := writeProfile(filepath.Join(dir, "heap.pb.gz"), 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// A second GC so the truth and the debug=1 trailer, read next, see the
	// same heap: the profile is as of the last GC, MemStats are now.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := readMetrics()
	if err := writeProfile(filepath.Join(dir, "heap.txt"), 1); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	truth := map[string]interface{}{
		"go_version":       runtime.Version(),
		"mem_profile_rate": runtime.MemProfileRate,
		"sites":            sites,
		"metrics":          m,
		"memstats": map[string]uint64{
			"HeapAlloc": ms.HeapAlloc, "HeapSys": ms.HeapSys, "HeapIdle": ms.HeapIdle,
			"HeapInuse": ms.HeapInuse, "HeapReleased": ms.HeapReleased,
			"HeapObjects": ms.HeapObjects, "Mallocs": ms.Mallocs, "Frees": ms.Frees,
		},
	}
	enc, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(enc, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *serveFlag {
		serve(*lifetime)
	}
	runtime.KeepAlive(keep33)
	runtime.KeepAlive(keep4100)
	runtime.KeepAlive(keepPtr)
	runtime.KeepAlive(keepLarge)
}
