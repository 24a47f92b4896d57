// SPDX-License-Identifier: Apache-2.0

// gcload is the workload behind gomem's gctrace fixtures, made the way the
// shared corpus runs were (go1.19-runs/RUN_TABLE.md): a steady allocation
// rate into a working set of fixed size, optionally a leak that keeps a
// share of it forever, GOGC and GOMEMLIMIT taken from the environment as the
// runtime takes them, a fixed number of 10 ms ticks. Run it with
// GODEBUG=gctrace=1: the runtime writes the trace to stderr, the program
// writes a few app lines there too (counted), and at exit it prints what
// runtime.MemStats says to stdout as one JSON object, the ground truth the
// parser is checked against without using the parser.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

type truth struct {
	GoVersion    string `json:"go_version"`
	GOGC         string `json:"gogc"`
	GOMEMLIMIT   string `json:"gomemlimit"`
	Ticks        int    `json:"ticks"`
	NumGC        uint32 `json:"num_gc"`
	NumForcedGC  uint32 `json:"num_forced_gc"`
	PauseTotalNs uint64 `json:"pause_total_ns"`
	HeapAlloc    uint64 `json:"heap_alloc"`
	TotalAlloc   uint64 `json:"total_alloc"`
	LeakBytes    int    `json:"leak_bytes"`
	AppLines     int    `json:"app_lines"`
	GOMAXPROCS   int    `json:"gomaxprocs"`
}

var sink []byte

func main() {
	ticks := flag.Int("ticks", 200, "10 ms ticks to run")
	rate := flag.Int("rate", 150, "allocation rate, MB/s")
	live := flag.Int("live", 24, "working set, MB")
	leak := flag.Int("leak", 0, "leak rate, MB/s")
	forced := flag.Int("forced", 0, "runtime.GC() calls, spread over the run")
	appEvery := flag.Int("app-every", 20, "an app line on stderr every N ticks (0: none)")
	flag.Parse()

	rng := rand.New(rand.NewSource(1))
	slots := make([][]byte, *live*1024/16) // 16 KiB average objects
	var leaked [][]byte
	leakBytes, appLines := 0, 0
	perTick := *rate * 1024 * 1024 / 100
	leakPerTick := *leak * 1024 * 1024 / 100
	start := time.Now()

	for t := 0; t < *ticks; t++ {
		for done := 0; done < perTick; {
			n := 1024 + rng.Intn(30*1024)
			b := make([]byte, n)
			b[0] = byte(t)
			slots[rng.Intn(len(slots))] = b
			done += n
		}
		for done := 0; done < leakPerTick; {
			b := make([]byte, 8192)
			leaked = append(leaked, b)
			done += len(b)
			leakBytes += len(b)
		}
		if *forced > 0 && t%(*ticks / *forced) == *ticks / *forced / 2 {
			runtime.GC()
		}
		if *appEvery > 0 && t%*appEvery == 0 {
			// one write per line, as a logger does
			fmt.Fprintf(os.Stderr, "gcload: tick %d slots=%d leaked=%d\n", t, len(slots), len(leaked))
			appLines++
		}
		// pace the ticks on the wall clock, so runs last the same time
		if d := time.Until(start.Add(time.Duration(t+1) * 10 * time.Millisecond)); d > 0 {
			time.Sleep(d)
		}
	}
	sink = slots[0]
	// let a cycle in flight finish printing its line before counting
	time.Sleep(100 * time.Millisecond)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(leaked)
	out := truth{
		GoVersion: runtime.Version(), GOGC: os.Getenv("GOGC"), GOMEMLIMIT: os.Getenv("GOMEMLIMIT"),
		Ticks: *ticks, NumGC: ms.NumGC, NumForcedGC: ms.NumForcedGC, PauseTotalNs: ms.PauseTotalNs,
		HeapAlloc: ms.HeapAlloc, TotalAlloc: ms.TotalAlloc, LeakBytes: leakBytes, AppLines: appLines,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	debug.SetGCPercent(-1) // nothing more from the runtime after the count
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(&out); err != nil {
		os.Exit(1)
	}
}
