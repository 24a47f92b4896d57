// SPDX-License-Identifier: Apache-2.0

// allocmeasure asks the Go runtime itself what allocations cost, as ground
// truth for gomem sizeclass and gomem allocsim:
//
//	allocmeasure sizes [-max N]     one pointer-free object of every size
//	                                1..N and one pointerful object of every
//	                                multiple of 8: CSV size,kind,objects,heap_bytes
//	allocmeasure gen -kind K -seed S -events N
//	                                writes an allocation stream (gomem allocsim's format)
//	allocmeasure replay FILE        replays a stream with automatic GC off and
//	                                prints runtime/metrics deltas as JSON
//
// Run it with GOMAXPROCS=1. Standard library only.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"unsafe"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: allocmeasure sizes|gen|replay ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "sizes":
		sizes(os.Args[2:])
	case "gen":
		gen(os.Args[2:])
	case "replay":
		replay(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "allocmeasure: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

// ---- sizes ------------------------------------------------------------

// objectsFor is how many objects of SIZE one measurement allocates: 240
// for tiny sizes (a multiple of every tiny packing: 16, 8, 5, 4, 3, 2 per
// block), fewer as objects grow, at least 16.
func objectsFor(size int) int {
	n := (1 << 18) / size
	if n > 240 {
		n = 240
	}
	if n < 16 {
		n = 16
	}
	return n
}

var (
	keepBytes [240][]byte
	keepPtrs  [240][]*int
	ms        runtime.MemStats
)

// heapAlloc is MemStats.HeapAlloc. ReadMemStats stops the world and flushes
// every P's mcache, so what the cached spans handed out is counted, and it
// drops the mcache's tiny block, so every size starts a fresh one.
func heapAlloc() uint64 {
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// measure allocates N objects of SIZE (pointerful when SCAN) and returns
// the growth of HeapAlloc. Automatic GC is off, so nothing is freed between
// the two readings.
func measure(size, n int, scan bool) uint64 {
	before := heapAlloc()
	if scan {
		for i := 0; i < n; i++ {
			keepPtrs[i] = make([]*int, size/8)
		}
	} else {
		for i := 0; i < n; i++ {
			keepBytes[i] = make([]byte, size)
		}
	}
	return heapAlloc() - before
}

func sizes(args []string) {
	fs := flag.NewFlagSet("sizes", flag.ExitOnError)
	max := fs.Int("max", 34000, "largest size measured")
	step := fs.Int("step", 1, "measure every STEP-th size only (for quick live checks)")
	fs.Parse(args)
	debug.SetGCPercent(-1)
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "# %s %s/%s, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.GOMAXPROCS(0))
	fmt.Fprintln(w, "size,kind,objects,heap_bytes")
	type row struct {
		size, n int
		scan    bool
		bytes   uint64
	}
	rows := make([]row, 0, 2*(*max / *step)+2)
	sinceGC := 0
	for size := 1; size <= *max; size += *step {
		for _, scan := range []bool{false, true} {
			if scan && size%8 != 0 {
				continue // a pointerful Go type's size is a multiple of 8
			}
			n := objectsFor(size)
			rows = append(rows, row{size, n, scan, measure(size, n, scan)})
			sinceGC += n * size
		}
		// Drop what the last sizes kept and collect it now and then, so the
		// heap stays small; the next measurement starts after this GC.
		if sinceGC > 8<<20 {
			keepBytes = [240][]byte{}
			keepPtrs = [240][]*int{}
			runtime.GC()
			sinceGC = 0
		}
	}
	for _, r := range rows {
		kind := "noscan"
		if r.scan {
			kind = "scan"
		}
		fmt.Fprintf(w, "%d,%s,%d,%d\n", r.size, kind, r.n, r.bytes)
	}
	w.Flush()
}

// ---- gen --------------------------------------------------------------

// gen writes a random stream: allocations of random sizes, frees of random
// live objects, a GC every so often. Kinds: mixed (sizes 1..32 KiB biased
// to small, a few large), large (many objects over 32 KiB), tiny (mostly
// pointer-free objects under 16 bytes).
func gen(args []string) {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	kind := fs.String("kind", "mixed", "mixed, large or tiny")
	seed := fs.Int64("seed", 1, "random seed")
	events := fs.Int("events", 20000, "number of events")
	frees := fs.Int("frees", 350, "frees per 1000 events")
	maxLive := fs.Int("live", 0, "free instead of allocating while this many objects are live (0: no limit)")
	gcEvery := fs.Int("gcevery", 0, "a gc every N events (0: at random, 2 in 1000 events)")
	fs.Parse(args)
	rng := rand.New(rand.NewSource(*seed))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# allocmeasure gen -kind %s -seed %d -events %d -frees %d\n", *kind, *seed, *events, *frees)
	var live []int
	next := 0
	for i := 0; i < *events; i++ {
		r := rng.Intn(1000)
		if *gcEvery > 0 && r < 2 {
			r = 2 // no random gc
		}
		switch {
		case r < 2 || (*gcEvery > 0 && i%*gcEvery == *gcEvery-1):
			fmt.Fprintln(w, "gc")
		case (r < 2+*frees || (*maxLive > 0 && len(live) >= *maxLive)) && len(live) > 0:
			k := rng.Intn(len(live))
			fmt.Fprintf(w, "f %d\n", live[k])
			live[k] = live[len(live)-1]
			live = live[:len(live)-1]
		default:
			size, scan := genSize(rng, *kind)
			fmt.Fprintf(w, "a %d %d %s\n", next, size, map[bool]string{true: "scan", false: "noscan"}[scan])
			live = append(live, next)
			next++
		}
	}
}

func genSize(rng *rand.Rand, kind string) (int, bool) {
	scan := rng.Intn(2) == 0
	var size int
	switch kind {
	case "tiny":
		if rng.Intn(10) < 8 {
			return 1 + rng.Intn(15), false
		}
		size = 16 + rng.Intn(240)
	case "large":
		if rng.Intn(4) == 0 {
			size = 32 << 10 + rng.Intn(256<<10)
		} else {
			size = 1 + rng.Intn(4096)
		}
	default:
		switch r := rng.Intn(100); {
		case r < 60:
			size = 1 + rng.Intn(256)
		case r < 90:
			size = 257 + rng.Intn(4096-256)
		case r < 99:
			size = 4097 + rng.Intn(32768-4096)
		default:
			size = 32769 + rng.Intn(64<<10)
		}
	}
	if scan {
		size = (size + 7) &^ 7 // pointerful types are multiples of 8 bytes
	}
	return size, scan
}

// ---- replay -----------------------------------------------------------

type event struct {
	op   byte // 'a', 'f', 'g'
	id   int
	size int
	scan bool
}

func parseStream(path string) ([]event, int) {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	var in io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		in = z
	}
	var evs []event
	maxID := -1
	sc := bufio.NewScanner(in)
	line := 0
	for sc.Scan() {
		line++
		t := strings.Fields(sc.Text())
		if len(t) == 0 || strings.HasPrefix(t[0], "#") {
			continue
		}
		bad := func() {
			fmt.Fprintf(os.Stderr, "%s:%d: bad event %q\n", path, line, sc.Text())
			os.Exit(2)
		}
		switch {
		case t[0] == "gc" && len(t) == 1:
			evs = append(evs, event{op: 'g'})
		case t[0] == "f" && len(t) == 2:
			id, err := strconv.Atoi(t[1])
			if err != nil || id < 0 {
				bad()
			}
			evs = append(evs, event{op: 'f', id: id})
		case t[0] == "a" && len(t) == 4 && (t[3] == "scan" || t[3] == "noscan"):
			id, err1 := strconv.Atoi(t[1])
			size, err2 := strconv.Atoi(t[2])
			if err1 != nil || err2 != nil || id < 0 || size < 0 {
				bad()
			}
			evs = append(evs, event{op: 'a', id: id, size: size, scan: t[3] == "scan"})
			if id > maxID {
				maxID = id
			}
		default:
			bad()
		}
	}
	return evs, maxID + 1
}

var metricNames = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
}

func readMetrics(s []metrics.Sample) [4]int64 {
	// ReadMemStats flushes the mcaches: runtime/metrics counts a cached
	// span's allocations only when the span goes back to its mcentral.
	runtime.ReadMemStats(&ms)
	metrics.Read(s)
	var v [4]int64
	for i := range s {
		v[i] = int64(s[i].Value.Uint64())
	}
	return v
}

// classSizes is runtime.class_to_size (the same from 1.19 to 1.23).
var classSizes = []int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240,
	256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408,
	1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192,
	9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768}

var holes = make([]unsafe.Pointer, 1<<18)

// fillHoles fills the free slots of the partly used spans the program
// itself left (startup, reading the stream), so that the replay starts, as
// the model does, with no half-empty span: for every span class it
// allocates one object at a time until the heap takes a new span, keeping
// the objects that filled old holes alive. The last object, alone in its
// new span, is dropped; the GC after this frees that span.
func fillHoles() {
	n := 0
	for _, size := range classSizes {
		if size > 512 {
			size -= 8 // room for the Go 1.22+ malloc header of pointerful objects
		}
		for _, scan := range []bool{false, true} {
			if !scan && size < 16 {
				continue // a pointer-free 8-byte object is tiny (class 2)
			}
			for n < len(holes) {
				runtime.ReadMemStats(&ms)
				inuse := ms.HeapInuse
				var p unsafe.Pointer
				if scan {
					p = unsafe.Pointer(&make([]*int, size/8)[0])
				} else {
					p = unsafe.Pointer(&make([]byte, size)[0])
				}
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > inuse {
					break
				}
				holes[n] = p
				n++
			}
		}
	}
}

func replay(args []string) {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: allocmeasure replay STREAM")
		os.Exit(2)
	}
	evs, nids := parseStream(args[0])
	objs := make([]unsafe.Pointer, nids)
	samples := make([]metrics.Sample, len(metricNames))
	for i, n := range metricNames {
		samples[i].Name = n
	}
	debug.SetGCPercent(-1) // GCs happen where the stream says, nowhere else
	readMetrics(samples)   // the first Read sets up its tables: not the stream's
	runtime.GC()
	fillHoles()
	runtime.GC()
	before := readMetrics(samples)
	for i := range evs {
		e := &evs[i]
		switch e.op {
		case 'a':
			if e.scan {
				if p := make([]*int, (e.size+7)/8); len(p) > 0 {
					objs[e.id] = unsafe.Pointer(&p[0])
				}
			} else {
				if p := make([]byte, e.size); len(p) > 0 {
					objs[e.id] = unsafe.Pointer(&p[0])
				}
			}
		case 'f':
			objs[e.id] = nil
		case 'g':
			runtime.GC()
		}
	}
	after := readMetrics(samples)
	out := map[string]interface{}{
		"go":     runtime.Version(),
		"stream": args[0],
		"events": len(evs),
	}
	keys := []string{"heap_objects_bytes", "heap_unused_bytes", "heap_free_bytes", "heap_released_bytes"}
	for i, k := range keys {
		out[k] = after[i] - before[i]
		out[k+"_before"] = before[i]
	}
	runtime.KeepAlive(objs)
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(b))
}
