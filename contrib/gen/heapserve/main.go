// SPDX-License-Identifier: Apache-2.0

// heapserve is a live Go process for gomem's HTTP tests: it serves
// net/http/pprof on a loopback port (printed on stdout), leaks 64 KiB every
// 50 ms in main.leak (and with -goleak a goroutine blocked in main.stuck),
// optionally demands a bearer token, and exits by itself
// after -lifetime so a test can never leave it behind.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"time"
)

var kept [][]byte

// never is received from by the goroutines -goleak leaks: they block for good.
var never = make(chan int)

//go:noinline
func stuck() {
	<-never
}

//go:noinline
func leak() {
	kept = append(kept, make([]byte, 64<<10))
}

func main() {
	token := flag.String("token", "", "require 'Authorization: Bearer TOKEN'")
	lifetime := flag.Duration("lifetime", 60*time.Second, "exit after this long")
	goleak := flag.Bool("goleak", false, "also leak a goroutine blocked in main.stuck every 50 ms")
	flag.Parse()
	runtime.MemProfileRate = 1

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	var h http.Handler = mux
	if *token != "" {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+*token {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			mux.ServeHTTP(w, r)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	go func() {
		for range time.Tick(50 * time.Millisecond) {
			leak()
			if *goleak {
				go stuck()
			}
		}
	}()
	time.AfterFunc(*lifetime, func() { os.Exit(0) })
	_ = http.Serve(ln, h)
}
