// SPDX-License-Identifier: Apache-2.0

package main

// The example scenario: a small request-serving program that grows, the
// story contrib/examples/ tells. Between the snapshots it serves 6144 more
// requests, and:
//
//   - main.(*responseCache).store keeps a 4 KiB copy of every response: the
//     cache was meant to be an LRU but nothing ever evicts (+6144 x 4 KiB);
//   - main.(*requestBuffer).grow doubles the one shared request buffer for
//     every larger upload and never shrinks it (1 MiB -> 16 MiB);
//   - main.loadTemplates' templates are half unloaded (-32 x 64 KiB);
//   - main.loadRoutes' route table and the cache's index are unchanged;
//   - main.handleRequest's scratch buffer is freed after every request.

const (
	exRoutes, exRouteSize       = 512, 1024
	exTemplates, exTemplateSize = 64, 65536
	exCacheCap                  = 8192 // slots the cache index preallocates
	exBodySize                  = 4096
	exScratchSize               = 2048
	exBufStart                  = 65536 // the request buffer's first size
	exUploadStep                = 2048  // request i carries (i+1)*2 KiB
	exRequestsBefore            = 2048
	exRequestsAfter             = 8192
)

type route struct{ pattern []byte }

var (
	exRouteTable [exRoutes]route
	exTemplates_ [exTemplates][]byte
	exScratch    []byte // the last request's scratch, as a server's pool would hold it
)

// responseCache remembers rendered responses by request key.
type responseCache struct {
	keys   []uint64
	bodies [][]byte
}

// requestBuffer is shared by all requests and sized for the largest upload.
type requestBuffer struct{ buf []byte }

var (
	exCache  responseCache
	exBuffer requestBuffer
)

//go:noinline
func loadRoutes() {
	for i := range exRouteTable {
		exRouteTable[i].pattern = make([]byte, exRouteSize)
	}
}

//go:noinline
func loadTemplates() {
	for i := range exTemplates_ {
		exTemplates_[i] = make([]byte, exTemplateSize)
	}
}

//go:noinline
func unloadTemplates() {
	for i := exTemplates / 2; i < exTemplates; i++ {
		exTemplates_[i] = nil
	}
}

//go:noinline
func (c *responseCache) init() {
	c.keys = make([]uint64, 0, exCacheCap)   // 64 KiB
	c.bodies = make([][]byte, 0, exCacheCap) // 192 KiB
}

//go:noinline
func (c *responseCache) store(key uint64, body []byte) {
	// (Not make+copy in a row: the compiler turns that into
	// runtime.makeslicecopy, whose profile stacks lose this frame.)
	b := make([]byte, len(body))
	c.keys = append(c.keys, key)
	c.bodies = append(c.bodies, b)
	copy(b, body)
}

//go:noinline
func (r *requestBuffer) init() {
	r.buf = make([]byte, 0, exBufStart)
}

// growCap is the capacity grow picks for an n-byte request when it has c.
func growCap(c, n int) int {
	for c < n {
		c *= 2
	}
	return c
}

//go:noinline
func (r *requestBuffer) grow(n int) {
	if n <= cap(r.buf) {
		return
	}
	nb := make([]byte, len(r.buf), growCap(cap(r.buf), n))
	old := r.buf
	r.buf = nb
	copy(nb, old)
}

func uploadSize(i int) int { return (i + 1) * exUploadStep }

// handleRequest parses request id into a scratch buffer, reads its upload
// into the shared buffer, renders a response and caches it.
//
//go:noinline
func handleRequest(id uint64, upload int) {
	scratch := make([]byte, exScratchSize)
	scratch[0] = byte(id)
	exScratch = scratch
	exBuffer.grow(upload)
	var body [exBodySize]byte
	body[0] = scratch[0]
	exCache.store(id, body[:])
}

func runExample(snap func(string)) {
	exCache.init()
	exBuffer.init()
	loadRoutes()
	loadTemplates()
	for i := 0; i < exRequestsBefore; i++ {
		handleRequest(uint64(i), uploadSize(i))
	}
	snap("before")
	unloadTemplates()
	for i := exRequestsBefore; i < exRequestsAfter; i++ {
		handleRequest(uint64(i), uploadSize(i))
	}
	snap("after")
}

func truthExample() groundTruth {
	fixed := func(name string, size, n, freedAfter int64) fnTruth {
		var b, a counts
		b.add(n, 0, size)
		a.add(n, freedAfter, size)
		return makeTruth(name, size, b, a)
	}
	perRequest := func(name string, size int64, keepLastOnly bool) fnTruth {
		var b, a counts
		freed := func(n int64) int64 {
			if keepLastOnly {
				return n - 1
			}
			return 0
		}
		b.add(exRequestsBefore, freed(exRequestsBefore), size)
		a.add(exRequestsAfter, freed(exRequestsAfter), size)
		return makeTruth(name, size, b, a)
	}
	// Replay grow: every reallocation frees the previous buffer.
	var growB, growA counts
	var bufInit counts
	bufInit.add(1, 1, exBufStart)
	c, last := exBufStart, int64(0)
	for i := 0; i < exRequestsAfter; i++ {
		if i == exRequestsBefore {
			growB = growA
		}
		if n := uploadSize(i); n > c {
			c = growCap(c, n)
			if last != 0 {
				growA.inuseObjects--
				growA.inuseSpace -= last
			}
			growA.add(1, 0, int64(c))
			last = int64(c)
		}
	}
	var index counts
	index.add(1, 0, exCacheCap*8)
	index.add(1, 0, exCacheCap*24)
	return groundTruth{
		Story: "a request-serving program: the response cache never evicts and the shared request buffer only grows; " +
			"templates are half unloaded; routes and the cache index are unchanged; per-request scratch is freed.",
		Functions: []fnTruth{
			perRequest("main.(*responseCache).store", exBodySize, false),
			makeTruth("main.(*requestBuffer).grow", 0, growB, growA),
			fixed("main.loadTemplates", exTemplateSize, exTemplates, exTemplates/2),
			fixed("main.loadRoutes", exRouteSize, exRoutes, 0),
			makeTruth("main.(*responseCache).init", 0, index, index),
			makeTruth("main.(*requestBuffer).init", exBufStart, bufInit, bufInit),
			perRequest("main.handleRequest", exScratchSize, true),
		},
	}
}
