// SPDX-License-Identifier: Apache-2.0

// hostile is the HTTP server gomem's tests point its URL tools at when the
// server is the adversary: two listeners on loopback ports (A and B, printed
// on stdout as "A B"), each serving the real net/http/pprof handlers and the
// misbehaviours an endpoint someone else controls can show:
//
//	/hang, /hang/...   accepts, never answers (/hang/debug/pprof/: an
//	                   endpoint that hangs, whatever tool asks)
//	/trickle           200, then one byte every 100 ms, for ever
//	/endless           200, an endless body
//	/endless-heap/...  a text heap profile header, then records for ever
//	/goroutines?n=N    a debug=2 dump of N distinct goroutines on four
//	                   stacks, written as it is made (n=0: for ever;
//	                   short=1: three lines each, to make millions quickly)
//	/loop              302 to itself
//	/to-other?path=P   302 to the other listener's P
//	/to-self?path=P    302 to P on this listener (a relative Location)
//	/to-https          302 to https:// on the other listener
//	/to-file           302 to file:///etc/passwd
//	/secure/...        the pprof handlers, 401 without "X-Api-Key: secret"
//
// With -log FILE every request is written there as it arrives: "A PATH KEY"
// or "B PATH KEY", KEY the X-Api-Key header it came with or "-".
//
// It exits by itself after -lifetime, so a test can never leave it behind.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

type listener struct {
	name  string
	ln    net.Listener
	other *listener
}

var (
	logMu  sync.Mutex
	logOut *os.File
)

func (l *listener) addr() string { return l.ln.Addr().String() }

func (l *listener) record(r *http.Request) {
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		key = "-"
	}
	if logOut == nil {
		return
	}
	logMu.Lock()
	fmt.Fprintf(logOut, "%s %s %s\n", l.name, r.URL.Path, key)
	logMu.Unlock()
}

func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	return mux
}

// A goroutine of a debug=2 dump: the id and the pointer argument differ
// from one to the next, the stack is one of four.
func goroutine(w *bufio.Writer, id int, short bool) {
	if short {
		fmt.Fprintf(w, "goroutine %d [select]:\nmain.f%d(0xc%09x)\n\t/a.go:%d +0x1\n\n", id, id%4, id*8, id%4)
		return
	}
	switch id % 4 {
	case 0:
		fmt.Fprintf(w, "goroutine %d [chan receive, %d minutes]:\nmain.worker(0xc%09x)\n\t/src/app/worker.go:42 +0x45\ncreated by main.startWorkers in goroutine 1\n\t/src/app/main.go:17 +0x7c\n\n", id, id%90, id*64)
	case 1:
		fmt.Fprintf(w, "goroutine %d [select]:\nnet/http.(*persistConn).writeLoop(0xc%09x)\n\t/usr/lib/go/src/net/http/transport.go:2410 +0xf2\ncreated by net/http.(*Transport).dialConn in goroutine 7\n\t/usr/lib/go/src/net/http/transport.go:1777 +0x16f1\n\n", id, id*128)
	case 2:
		fmt.Fprintf(w, "goroutine %d [IO wait]:\ninternal/poll.runtime_pollWait(0x7f%010x, 0x72)\n\t/usr/lib/go/src/runtime/netpoll.go:343 +0x85\nnet.(*conn).Read(0xc%09x, {0xc000200000, 0x1000, 0x1000})\n\t/usr/lib/go/src/net/net.go:179 +0x45\n\n", id, id*32, id*16)
	default:
		fmt.Fprintf(w, "goroutine %d [sync.Mutex.Lock, %d minutes]:\nsync.runtime_SemacquireMutex(0xc%09x, 0x0, 0x1)\n\t/usr/lib/go/src/runtime/sema.go:77 +0x25\nmain.(*cache).get(0xc%09x)\n\t/src/app/cache.go:88 +0x3c\n\n", id, id%7, id*8, id*24)
	}
}

func (l *listener) handler(secureMux http.Handler) http.Handler {
	mux := pprofMux()
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Hour):
		}
	}
	mux.HandleFunc("/hang", hang)
	mux.HandleFunc("/hang/", hang)
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		line := []byte(strings.Repeat("endless ", 1023) + "body\n")
		for {
			if _, err := w.Write(line); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/endless-heap/", func(w http.ResponseWriter, r *http.Request) {
		bw := bufio.NewWriterSize(w, 1<<16)
		fmt.Fprintf(bw, "heap profile: 1: 1 [1: 1] @ heap/1048576\n")
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(bw, "1: 4096 [1: 4096] @ 0x%x\n#\t0x%x\tmain.f%d+0x1\t/x.go:%d\n\n", i, i, i, i); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/goroutines", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		short := r.URL.Query().Get("short") == "1"
		bw := bufio.NewWriterSize(w, 1<<16)
		for id := 1; n == 0 || id <= n; id++ {
			goroutine(bw, id, short)
			if bw.Buffered() > 1<<15 {
				if err := bw.Flush(); err != nil {
					return
				}
			}
		}
		bw.Flush()
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to-other", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+l.other.addr()+r.URL.Query().Get("path"), http.StatusFound)
	})
	mux.HandleFunc("/to-self", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("path"), http.StatusFound)
	})
	mux.HandleFunc("/to-https", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://"+l.other.addr()+"/debug/pprof/heap", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.Handle("/secure/", http.StripPrefix("/secure", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "secret" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		secureMux.ServeHTTP(w, r)
	})))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.record(r)
		mux.ServeHTTP(w, r)
	})
}

func listen(name string) *listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return &listener{name: name, ln: ln}
}

var kept [][]byte

func main() {
	lifetime := flag.Duration("lifetime", 60*time.Second, "exit after this long")
	logFile := flag.String("log", "", "write every request there")
	flag.Parse()
	if *logFile != "" {
		f, err := os.Create(*logFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		logOut = f
	}
	a, b := listen("A"), listen("B")
	a.other, b.other = b, a
	for _, l := range []*listener{a, b} {
		go func(l *listener) { _ = http.Serve(l.ln, l.handler(pprofMux())) }(l)
	}
	// Something on the heap, so that profiles have records.
	for i := 0; i < 64; i++ {
		kept = append(kept, make([]byte, 64<<10))
	}
	fmt.Println(a.addr(), b.addr())
	time.Sleep(*lifetime)
}
