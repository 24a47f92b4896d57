// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // /debug/pprof/trace?seconds=N
	"os"
	"runtime"
	"time"
)

// serve answers net/http/pprof on a loopback port (its address printed on
// the first line of stdout) while the alloc workload runs with a
// runtime.GC() every 200 ms, so a trace taken over the URL for a second has
// GC cycles in it; it exits when the lifetime ends.
func serve(lifetime time.Duration) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println(ln.Addr().String())
	go http.Serve(ln, nil)
	end := time.Now().Add(lifetime)
	for time.Now().Before(end) {
		alloc(time.Now().Add(200*time.Millisecond), 2)
		runtime.GC()
	}
}
