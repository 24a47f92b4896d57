// SPDX-License-Identifier: Apache-2.0

// oomload grows one kind of memory until the kernel's OOM killer ends it:
// the fixtures of gomem limits --oom (tests/data/limits/oom) are what the
// kernel logged when it did, beside the program's gctrace. Run it with
// GODEBUG=gctrace=1 inside a memory cgroup with a limit.
//
//	-mode heap    live Go heap (slices kept reachable)
//	-mode stacks  goroutine stacks (Go memory outside the heap)
//	-mode mmap    anonymous mappings touched page by page (memory outside
//	              the Go runtime, as cgo or a C library would hold)
//
// Every step it writes "oomload step=N mode=M bytes=B" to stderr: the
// ground truth of what it held when it died; with -heapprofile FILE it also
// leaves its last heap profile (debug=1 text, MemStats included) there.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"
)

var keep [][]byte

// deep recurses with a frame of about 1 KiB: goroutine stacks grow by
// doubling, so each goroutine ends up holding STACK bytes.
func deep(n int, block chan struct{}) byte {
	var pad [1024]byte
	if n == 0 {
		<-block
		return pad[0]
	}
	pad[n%1024] = byte(n)
	return deep(n-1, block) + pad[0]
}

func main() {
	mode := flag.String("mode", "heap", "heap, stacks or mmap")
	step := flag.Int("step", 4<<20, "bytes added per step")
	every := flag.Duration("every", 20*time.Millisecond, "time between steps")
	profile := flag.String("heapprofile", "", "write the heap profile (debug=1) here every step")
	flag.Parse()

	block := make(chan struct{})
	held := 0
	for n := 1; ; n++ {
		switch *mode {
		case "heap":
			b := make([]byte, *step)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
		case "stacks":
			// 1 MiB stacks: a 1000-deep chain of 1 KiB frames
			for i := 0; i < *step>>20; i++ {
				go deep(1000, block)
			}
		case "mmap":
			b, err := syscall.Mmap(-1, 0, *step, syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err != nil {
				fmt.Fprintln(os.Stderr, "oomload: mmap:", err)
				os.Exit(1)
			}
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			keep = append(keep, b)
		default:
			fmt.Fprintln(os.Stderr, "oomload: -mode heap, stacks or mmap")
			os.Exit(2)
		}
		held += *step
		fmt.Fprintf(os.Stderr, "oomload step=%d mode=%s bytes=%d\n", n, *mode, held)
		if *profile != "" {
			writeProfile(*profile)
		}
		time.Sleep(*every)
	}
}

// writeProfile replaces FILE with the heap profile as of now (whole files
// only: the kill may come at any moment).
func writeProfile(file string) {
	f, err := os.Create(file + ".tmp")
	if err != nil {
		return
	}
	pprof.Lookup("heap").WriteTo(f, 1)
	f.Close()
	os.Rename(file+".tmp", file)
}
