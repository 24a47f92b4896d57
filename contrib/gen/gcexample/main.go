// SPDX-License-Identifier: Apache-2.0

// gcexample makes a small, steady GC workload for gomem gctrace's examples
// and live tests: it allocates short-lived buffers, keeps a slowly growing
// share of them (a leak the marked-heap slope should show), calls
// runtime.GC once midway (a forced cycle) and stops by itself after
// -duration. Run it with GODEBUG=gctrace=1; the trace goes to stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

var (
	kept [][]byte
	sink []byte
)

func main() {
	duration := flag.Duration("duration", time.Second, "how long to allocate")
	keepEvery := flag.Int("keep-every", 64, "keep one buffer in N (the leak)")
	flag.Parse()

	start := time.Now()
	forced := false
	for i := 0; time.Since(start) < *duration; i++ {
		buf := make([]byte, 16<<10)
		buf[0] = byte(i)
		sink = buf
		if i%*keepEvery == 0 {
			kept = append(kept, buf)
		}
		if !forced && time.Since(start) > *duration/2 {
			runtime.GC()
			forced = true
		}
		if i%256 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	fmt.Printf("kept %d buffers\n", len(kept))
	if len(sink) == 0 {
		os.Exit(1)
	}
}
