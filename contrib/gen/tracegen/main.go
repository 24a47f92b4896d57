// SPDX-License-Identifier: Apache-2.0

// tracegen writes the execution traces gomem trace is checked against: the
// Go runtime writes them (runtime/trace), this program only gives it
// something to record. Build and run it under each Go release; run it with
// GODEBUG=gctrace=1 so the same run's gctrace lines give the GC count.
//
//	tracegen -workload alloc -o alloc.trace
//
// Workloads:
//
//	alloc     allocation-heavy: goroutines churn a working set (GC cycles,
//	          mark assists, sweeps)
//	many      many goroutines: a pipeline of channels, a mutex, timers
//	          (scheduling latency, blocking, unblocking)
//	memlimit  a heap near GOMEMLIMIT (debug.SetMemoryLimit): back-to-back GCs
//	loop      a long loop without calls, and runtime.GC() while it runs: the
//	          stop-the-world waits for it when asynchronous preemption is
//	          off (GODEBUG=asyncpreemptoff=1)
//	tasks     user tasks, regions and logs (runtime/trace annotations)
//	bench     alloc and many together until the trace reaches -size bytes
//
//	tracegen -serve [-lifetime 60s]
//
// serves net/http/pprof on 127.0.0.1 (the address on stdout) while alloc
// runs, for reading /debug/pprof/trace?seconds=N live.
//
// -cpuprofile adds CPU samples to the trace (the profile itself is dropped).
// At exit it prints one JSON object to stdout: the workload, the Go
// release, GOMAXPROCS and runtime.MemStats.NumGC before and after tracing.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

type truth struct {
	Workload    string `json:"workload"`
	GoVersion   string `json:"go_version"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	NumGCBefore uint32 `json:"num_gc_before"`
	NumGCAfter  uint32 `json:"num_gc_after"`
	Bytes       int64  `json:"trace_bytes"`
}

// countingWriter counts what the runtime wrote, so bench can stop at -size.
type countingWriter struct {
	mu sync.Mutex
	w  io.Writer
	n  int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingWriter) written() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

var sink [][]byte

func main() {
	workload := flag.String("workload", "alloc", "alloc, many, memlimit, loop, tasks or bench")
	out := flag.String("o", "trace.out", "trace file to write")
	dur := flag.Duration("duration", 300*time.Millisecond, "how long the workload runs")
	size := flag.Int64("size", 300<<20, "bench: stop once the trace has this many bytes")
	cpuprof := flag.Bool("cpuprofile", false, "profile the CPU too: CPU samples in the trace")
	spins := flag.Int("spin", 300_000_000, "loop: iterations of each loop without calls")
	stw := flag.String("stw", "gc", "loop: what stops the world, gc (runtime.GC) or memstats (ReadMemStats)")
	serveFlag := flag.Bool("serve", false, "serve net/http/pprof on 127.0.0.1 instead of writing a trace")
	lifetime := flag.Duration("lifetime", 60*time.Second, "-serve: how long to serve")
	flag.Parse()
	if *serveFlag {
		serve(*lifetime)
		return
	}

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cw := &countingWriter{w: f}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t := truth{Workload: *workload, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		NumGCBefore: ms.NumGC}
	if *cpuprof {
		if err := pprof.StartCPUProfile(io.Discard); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := trace.Start(cw); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	deadline := time.Now().Add(*dur)
	switch *workload {
	case "alloc":
		alloc(deadline, 4)
	case "many":
		many(deadline)
	case "memlimit":
		memlimit(deadline)
	case "loop":
		loop(*spins, *stw == "memstats")
	case "tasks":
		tasks()
	case "bench":
		for cw.written() < *size {
			alloc(time.Now().Add(200*time.Millisecond), 4)
			many(time.Now().Add(200 * time.Millisecond))
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown workload %q\n", *workload)
		os.Exit(2)
	}
	// No GC may start between here and the NumGC read below, or NumGC and
	// gctrace would count a cycle the trace cannot hold (trace.Stop and
	// StopCPUProfile allocate). With GC off, a cycle already marking ends
	// first, inside the trace (SetGCPercent(-1) waits for it).
	debug.SetGCPercent(-1)
	trace.Stop()
	if *cpuprof {
		pprof.StopCPUProfile()
	}
	runtime.ReadMemStats(&ms)
	t.NumGCAfter = ms.NumGC
	t.Bytes = cw.written()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	json.NewEncoder(os.Stdout).Encode(t)
}

// alloc: WORKERS goroutines replace slots of a shared working set with new
// objects of mixed sizes until the deadline.
func alloc(deadline time.Time, workers int) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed int) {
			defer wg.Done()
			slots := make([][]byte, 2048)
			x := uint32(seed*7919 + 1)
			for i := 0; time.Now().Before(deadline); i++ {
				x = x*1664525 + 1013904223
				n := 16 << (x >> 28 % 10) // 16 B .. 8 KiB
				slots[int(x>>8)%len(slots)] = make([]byte, n)
				if i%4096 == 0 {
					runtime.Gosched()
				}
			}
			sink = append(sink[:0], slots[0])
		}(w)
	}
	wg.Wait()
}

// many: a pipeline of 64 stages passing values, 200 sleepers, a contended mutex.
func many(deadline time.Time) {
	const stages = 64
	chans := make([]chan int, stages+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	var wg sync.WaitGroup
	for i := 0; i < stages; i++ {
		wg.Add(1)
		go func(in <-chan int, out chan<- int) {
			defer wg.Done()
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(chans[i], chans[i+1])
	}
	var mu sync.Mutex
	counter := 0
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				time.Sleep(time.Duration(100+i) * time.Microsecond)
				mu.Lock()
				counter++
				sink = append(sink[:0], make([]byte, 64))
				mu.Unlock()
			}
		}(i)
	}
	go func() {
		for range chans[stages] {
		}
	}()
	for v := 0; time.Now().Before(deadline); v++ {
		chans[0] <- v
	}
	close(chans[0])
	wg.Wait()
}

// memlimit: the heap grows to near a 64 MiB limit with GOGC off, so the
// limit alone paces the collector.
func memlimit(deadline time.Time) {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(64 << 20)
	defer debug.SetGCPercent(100)
	defer debug.SetMemoryLimit(1<<63 - 1)
	keep := make([][]byte, 0, 6000)
	for i := 0; time.Now().Before(deadline); i++ {
		b := make([]byte, 8<<10)
		if len(keep) < cap(keep) {
			keep = append(keep, b)
		} else {
			keep[i%len(keep)] = b
		}
	}
	sink = keep[:1]
}

//go:noinline
func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x += i * i ^ x>>3
	}
	return x
}

// loop: a goroutine spins without a call for a few hundred milliseconds
// while the main goroutine asks for a GC (or for MemStats, a stop-the-world
// without a GC); without asynchronous preemption the stop-the-world waits
// until the loop ends.
func loop(n int, memstats bool) {
	done := make(chan int)
	var ms runtime.MemStats
	for r := 0; r < 3; r++ {
		go func() { done <- spin(n) }()
		time.Sleep(20 * time.Millisecond)
		if memstats {
			runtime.ReadMemStats(&ms)
		} else {
			runtime.GC()
		}
		<-done
	}
}

// tasks: nested tasks with regions and logs, some of them ended on other
// goroutines.
func tasks() {
	ctx, root := trace.NewTask(context.Background(), "root")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cctx, task := trace.NewTask(ctx, fmt.Sprintf("child-%d", i%3))
			defer task.End()
			trace.WithRegion(cctx, "work", func() {
				trace.Logf(cctx, "step", "i=%d", i)
				sink = append(sink[:0], make([]byte, 1<<16))
				trace.WithRegion(cctx, "inner", func() { time.Sleep(time.Millisecond) })
			})
		}(i)
	}
	wg.Wait()
	trace.Log(ctx, "done", "all children")
	root.End()
}
