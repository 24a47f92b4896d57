// SPDX-License-Identifier: Apache-2.0

// pacerload is the workload behind gomem's GC pacer model checks
// (tests/data/gctrace/whatif): a working set of a given size, filled before
// the clock starts, churned at a steady allocation rate by G goroutines,
// optionally a leak, and a pointer density (the share of allocated bytes in
// pointer-bearing objects, which the GC must scan). Ticks of 10 ms are paced
// on the wall clock, so every run covers the same time span whatever the GC
// settings: GOGC and GOMEMLIMIT come from the environment as the runtime
// takes them. Run it with GODEBUG=gctrace=1: the runtime writes the trace to
// stderr; at exit the program prints one JSON line of runtime.MemStats to
// stdout.
package main

import (
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"runtime"
	"sync"
	"time"
)

type truth struct {
	GoVersion  string  `json:"go_version"`
	GOGC       string  `json:"gogc"`
	GOMEMLIMIT string  `json:"gomemlimit"`
	NumGC      uint32  `json:"num_gc"`
	TotalAlloc uint64  `json:"total_alloc"`
	HeapAlloc  uint64  `json:"heap_alloc"`
	Sys        uint64  `json:"sys"`
	GCCPU      float64 `json:"gc_cpu_fraction"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	Seconds    float64 `json:"seconds"`
}

// node is a pointer-bearing object: the GC scans every word of ptrs.
type node struct {
	ptrs []*node
	pad  [2]uint64
}

// worker owns a share of the working set and churns it.
type worker struct {
	rng    *rand.Rand
	slots  []interface{}
	leaked []interface{}
	anchor []*node // long-lived targets: edges without chains that retain
	ptrPct int
}

// object allocates about n bytes: pointer-bearing with probability ptrPct %,
// with edges to long-lived anchors (not to other churned objects: a chain
// would retain every object it ever linked).
func (w *worker) object(n int) interface{} {
	if w.rng.Intn(100) < w.ptrPct {
		nd := &node{ptrs: make([]*node, n/8)}
		for i := 0; i < len(nd.ptrs); i += 64 {
			nd.ptrs[i] = w.anchor[w.rng.Intn(len(w.anchor))]
		}
		return nd
	}
	b := make([]byte, n)
	b[0] = 1
	return b
}

func (w *worker) size() int { return 512 + w.rng.Intn(16*1024) }

func (w *worker) fill() {
	w.anchor = make([]*node, 256)
	for i := range w.anchor {
		w.anchor[i] = &node{}
	}
	for i := range w.slots {
		w.slots[i] = w.object(w.size())
	}
}

func (w *worker) churn(bytes, leak int) {
	for done := 0; done < bytes; {
		n := w.size()
		w.slots[w.rng.Intn(len(w.slots))] = w.object(n)
		done += n
	}
	for done := 0; done < leak; done += 4096 {
		w.leaked = append(w.leaked, w.object(4096))
	}
}

func main() {
	secs := flag.Float64("secs", 10, "seconds to run (10 ms ticks)")
	rate := flag.Int("rate", 120, "allocation rate, MB/s")
	live := flag.Int("live", 64, "working set, MB")
	leak := flag.Int("leak", 0, "leak rate, MB/s")
	ptr := flag.Int("ptr", 100, "share of objects that hold pointers, %")
	gs := flag.Int("g", 4, "goroutines")
	flag.Parse()

	ws := make([]*worker, *gs)
	for i := range ws {
		ws[i] = &worker{rng: rand.New(rand.NewSource(int64(i + 1))), ptrPct: *ptr,
			slots: make([]interface{}, *live*1024*1024 / *gs / (8*1024+256))}
		ws[i].fill()
	}
	ticks := int(*secs * 100)
	perTick := *rate * 1024 * 1024 / 100 / *gs
	leakPerTick := *leak * 1024 * 1024 / 100 / *gs
	start := time.Now()
	for t := 0; t < ticks; t++ {
		var wg sync.WaitGroup
		for _, w := range ws {
			wg.Add(1)
			go func(w *worker) {
				defer wg.Done()
				w.churn(perTick, leakPerTick)
			}(w)
		}
		wg.Wait()
		// pace on the wall clock: a run that falls behind catches up
		if d := time.Until(start.Add(time.Duration(t+1) * 10 * time.Millisecond)); d > 0 {
			time.Sleep(d)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(ws)
	out := truth{GoVersion: runtime.Version(), GOGC: os.Getenv("GOGC"),
		GOMEMLIMIT: os.Getenv("GOMEMLIMIT"), NumGC: ms.NumGC, TotalAlloc: ms.TotalAlloc,
		HeapAlloc: ms.HeapAlloc, Sys: ms.Sys, GCCPU: ms.GCCPUFraction,
		GOMAXPROCS: runtime.GOMAXPROCS(0), Seconds: time.Since(start).Seconds()}
	if err := json.NewEncoder(os.Stdout).Encode(&out); err != nil {
		os.Exit(1)
	}
}
