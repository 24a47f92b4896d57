// SPDX-License-Identifier: Apache-2.0

// binsym is the test program of gomem's binary module (buildinfo,
// addr2line, --binary): built default, stripped (-ldflags=-s -w) and PIE,
// it writes its own goroutine profile (debug=1, whose "#" lines are the
// runtime's symbolization of every "@" PC) and heap profile (debug=1, every
// allocation sampled) into the directory given, so that gomem's answers
// can be checked against the runtime's. The goroutines park in inlined
// calls, generic functions, closures and methods, where symbolization has
// to get the inline chain and the printed names right.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
)

type pool struct {
	work chan int
	sink [][]byte
}

// recv is small enough to be inlined into its callers.
func recv(c chan int) int {
	return <-c
}

// relay inlines recv: a two-deep inline chain inside (*pool).run.
func relay(c chan int) int {
	return recv(c) + 1
}

func (p *pool) run(wg *sync.WaitGroup) {
	wg.Done()
	relay(p.work)
}

//go:noinline
func Collect[T any](c chan T, n int) []T {
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, <-c)
	}
	return out
}

// grow allocates through an inlined helper.
func grow(p *pool, n int) {
	p.sink = append(p.sink, buf(n))
}

func buf(n int) []byte {
	return make([]byte, n)
}

//go:noinline
func allocate(p *pool) {
	for i := 0; i < 64; i++ {
		grow(p, 1024*(i%8+1))
	}
	m := make(map[string][]int)
	for i := 0; i < 16; i++ {
		m[fmt.Sprint(i)] = make([]int, i*100)
	}
	p.sink = append(p.sink, []byte(fmt.Sprint(len(m))))
}

func write(dir, name string, fn func(f *os.File) error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err == nil {
		err = fn(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "binsym:", err)
		os.Exit(1)
	}
}

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: binsym DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	p := &pool{work: make(chan int)}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go p.run(&wg)
	}
	ints := make(chan int)
	strs := make(chan string)
	wg.Add(2)
	go func() { wg.Done(); Collect(ints, 2) }()
	go func() { wg.Done(); Collect(strs, 2) }()
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		wg.Done()
		func() {
			<-done
		}()
	}()
	allocate(p)
	wg.Wait()
	runtime.Gosched()
	runtime.GC()
	write(dir, "goroutine.debug1", func(f *os.File) error { return pprof.Lookup("goroutine").WriteTo(f, 1) })
	write(dir, "goroutine.debug2", func(f *os.File) error { return pprof.Lookup("goroutine").WriteTo(f, 2) })
	write(dir, "heap.debug1", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 1) })
	write(dir, "heap.pb.gz", func(f *os.File) error { return pprof.Lookup("heap").WriteTo(f, 0) })
	close(done)
}
