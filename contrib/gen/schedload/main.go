// SPDX-License-Identifier: Apache-2.0

// schedload is the workload behind gomem's schedtrace checks
// (tests/sched-check.sh, tests/data/sched): run it with
// GODEBUG=schedtrace=N[,scheddetail=1][,gctrace=1] and the runtime writes
// its snapshots to stderr, where the program writes its own ground truth
// between them:
//
//	schedload gomaxprocs=N               runtime.GOMAXPROCS(0) at the start
//	schedload steady numgoroutine=N      from here ...
//	schedload end numgoroutine=N         ... to here the goroutine count held
//	                                     still: every snapshot between the two
//	                                     lines saw runtime.NumGoroutine() == N
//	schedload done elapsed_ms=T          the run's length since the start
//
// The phases: goroutines parked on channels (counts that hold still), a
// CPU-bound crowd larger than GOMAXPROCS (a runnable backlog on the run
// queues), goroutines blocked in system calls (thread growth), and garbage
// (gctrace lines among the snapshots).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

var sink [][]byte

func say(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "schedload "+format+"\n", args...)
}

// steady parks n more goroutines, lets them settle, and holds the count
// for hold: the window the checks compare snapshots in.
func steady(parked *[]chan struct{}, n int, hold time.Duration) {
	for i := 0; i < n; i++ {
		c := make(chan struct{})
		*parked = append(*parked, c)
		go func() { <-c }()
	}
	time.Sleep(hold / 4)
	say("steady numgoroutine=%d", runtime.NumGoroutine())
	time.Sleep(hold)
	say("end numgoroutine=%d", runtime.NumGoroutine())
}

// crowd runs k CPU-bound goroutines for d: more than GOMAXPROCS of them
// wait on the run queues.
func crowd(k int, d time.Duration) {
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 0
			for atomic.LoadInt32(&stop) == 0 {
				for j := 0; j < 1e5; j++ {
					x += j
				}
				if x%7 == 0 {
					sink = append(sink[:0], make([]byte, 64<<10))
				}
			}
		}()
	}
	time.Sleep(d)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
}

// syscalls blocks k goroutines in read(2) on pipes for d: each holds a
// thread, so the runtime starts more.
func syscalls(k int, d time.Duration) {
	var rs, ws []*os.File
	for i := 0; i < k; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			panic(err)
		}
		rs, ws = append(rs, r), append(ws, w)
		go func(r *os.File) {
			runtime.LockOSThread()
			b := make([]byte, 1)
			r.Read(b)
		}(r)
	}
	time.Sleep(d)
	for i := range ws {
		ws[i].Write([]byte{1})
		ws[i].Close()
		rs[i].Close()
	}
}

func main() {
	hold := flag.Duration("hold", 300*time.Millisecond, "how long each steady phase holds")
	rounds := flag.Int("rounds", 3, "rounds of steady, crowd and syscall phases")
	crowdN := flag.Int("crowd", 16, "CPU-bound goroutines per crowd phase")
	blockN := flag.Int("block", 8, "goroutines blocked in read(2) per syscall phase")
	flag.Parse()

	start := time.Now()
	say("gomaxprocs=%d", runtime.GOMAXPROCS(0))
	var parked []chan struct{}
	for r := 0; r < *rounds; r++ {
		steady(&parked, 50*(r+1), *hold)
		crowd(*crowdN, *hold)
		syscalls(*blockN, *hold)
		if r == 1 { // some goroutines end: dead Gs on the free lists
			for _, c := range parked[:len(parked)/2] {
				close(c)
			}
			parked = parked[len(parked)/2:]
		}
	}
	steady(&parked, 10, *hold)
	say("done elapsed_ms=%d", time.Since(start).Milliseconds())
}
