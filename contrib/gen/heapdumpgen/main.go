// SPDX-License-Identifier: Apache-2.0

// heapdumpgen builds a heap of known shape under named roots and lets the Go
// runtime write it with debug.WriteHeapDump, so gomem heapdump can be checked
// against the runtime's own garbage collector.
//
//	heapdumpgen -out FILE [-scale N]      the dump, and FILE.json: the
//	                                      generator's counts (objects of each
//	                                      type it made) and the MemStats read
//	                                      right before the dump
//	heapdumpgen -drop ROOT [-scale N]     builds the same heap, then drops ROOT
//	                                      and prints (JSON) what two more
//	                                      runtime.GC() calls freed: that is the
//	                                      root's retained size, by definition
//	                                      (MemStats Frees and TotalAlloc-HeapAlloc
//	                                      deltas: what the GC allocates for
//	                                      itself meanwhile is not counted)
//	heapdumpgen -random N -out FILE       a random graph of N objects (sharing,
//	                                      cycles, a chain of N/10) for the bench
//
// The GC is off (SetGCPercent(-1)) and MemProfileRate is 1, so every object
// made here has its allocation site in the dump. Roots (package main):
//
//	main.cache    map[string]*Entry: keys of 20 bytes (never the tiny
//	              allocator), Entry{Key string, Val []byte, Next *Entry}
//	main.tree     *Node, a complete binary tree
//	main.ring     *Ring, a doubly linked cycle
//	main.holderA, main.holderB  *Holder, each with its own buffer and one
//	              buffer shared by both (retained by neither)
//	main.iface    any holding a *Payload (typed only through the type word)
//	main.ptrs     [64]*Item, a global array of pointers
//	worker        a goroutine (main.worker, blocked in chan receive) whose
//	              local slice of *Item only its stack holds
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

type Entry struct {
	Key  string
	Val  []byte
	Next *Entry
}

type Node struct {
	Left, Right *Node
	ID          int64
	Data        [4]int64
}

type Ring struct {
	Prev, Next *Ring
	Payload    []int64
}

type Holder struct {
	Shared []byte
	Own    []byte
	Name   string
}

type Payload struct {
	Items []*Item
	Blob  []byte
}

type Item struct {
	ID    int64
	Label string
	Next  *Item
}

type RandObj struct {
	P [3]*RandObj
	X int64
}

var (
	cache   map[string]*Entry
	tree    *Node
	ring    *Ring
	holderA *Holder
	holderB *Holder
	iface   any
	ptrs    [64]*Item
	stop    chan struct{}
	done    chan struct{}
	randoms []*RandObj
)

// counts of objects made per type, for the type check.
var made = map[string]int{}

func key(i int) string { return fmt.Sprintf("key-%016d", i) }

func newItem(id int) *Item {
	made["main.Item"]++
	return &Item{ID: int64(id), Label: fmt.Sprintf("item-label-%08d", id)}
}

func buildTree(depth int) *Node {
	if depth == 0 {
		return nil
	}
	made["main.Node"]++
	n := &Node{ID: int64(depth)}
	n.Left = buildTree(depth - 1)
	n.Right = buildTree(depth - 1)
	return n
}

func build(scale int) {
	cache = make(map[string]*Entry)
	var prev *Entry
	for i := 0; i < 200*scale; i++ {
		e := &Entry{Key: key(i), Val: make([]byte, 48+i%64), Next: prev}
		made["main.Entry"]++
		cache[e.Key] = e
		prev = e
	}
	tree = buildTree(8 + scale/4)
	ring = &Ring{Payload: make([]int64, 8)}
	made["main.Ring"]++
	ring.Prev, ring.Next = ring, ring
	for i := 1; i < 100*scale; i++ {
		r := &Ring{Prev: ring.Prev, Next: ring, Payload: make([]int64, 8)}
		made["main.Ring"]++
		ring.Prev.Next = r
		ring.Prev = r
	}
	shared := make([]byte, 64<<10)
	holderA = &Holder{Shared: shared, Own: make([]byte, 16<<10), Name: "holder-A-of-the-pair"}
	holderB = &Holder{Shared: shared, Own: make([]byte, 24<<10), Name: "holder-B-of-the-pair"}
	made["main.Holder"] += 2
	p := &Payload{Blob: make([]byte, 4096)}
	made["main.Payload"]++
	for i := 0; i < 50*scale; i++ {
		p.Items = append(p.Items, newItem(i))
	}
	iface = p
	for i := range ptrs {
		ptrs[i] = newItem(1000000 + i)
	}
	stop = make(chan struct{})
	done = make(chan struct{})
	ready := make(chan struct{})
	go worker(30*scale, ready)
	<-ready
}

//go:noinline
func worker(n int, ready chan struct{}) {
	local := make([]*Item, 0, n)
	for i := 0; i < n; i++ {
		local = append(local, newItem(2000000+i))
	}
	close(ready)
	<-stop
	runtime.KeepAlive(local)
	close(done)
}

func buildRandom(n int, seed int64) {
	r := rand.New(rand.NewSource(seed))
	randoms = make([]*RandObj, n)
	for i := range randoms {
		randoms[i] = &RandObj{X: int64(i)}
	}
	chain := n / 10
	for i := 0; i < n; i++ {
		o := randoms[i]
		if i < chain {
			if i+1 < chain {
				o.P[0] = randoms[i+1]
			}
			continue
		}
		for j := range o.P {
			if r.Intn(4) != 0 {
				o.P[j] = randoms[r.Intn(n)]
			}
		}
	}
	// keep only a root set: the chain's head and 1000 random objects; the
	// rest is reached through them or is garbage the GC frees.
	keep := make([]*RandObj, 0, 1001)
	keep = append(keep, randoms[0])
	for i := 0; i < 1000; i++ {
		keep = append(keep, randoms[chain+r.Intn(n-chain)])
	}
	randoms = keep
}

type stats struct {
	HeapAlloc   uint64 `json:"heap_alloc"`
	HeapObjects uint64 `json:"heap_objects"`
	// what the GC has freed so far: counts only frees, so objects the
	// runtime itself allocates while collecting do not blur the answer
	freed, freedBytes uint64
}

func readStats() stats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return stats{m.HeapAlloc, m.HeapObjects, m.Frees, m.TotalAlloc - m.HeapAlloc}
}

func gc() {
	runtime.GC()
	runtime.GC()
}

func drop(root string) {
	switch root {
	case "main.cache":
		cache = nil
	case "main.tree":
		tree = nil
	case "main.ring":
		ring = nil
	case "main.holderA":
		holderA = nil
	case "main.holderB":
		holderB = nil
	case "main.iface":
		iface = nil
	case "main.ptrs":
		ptrs = [64]*Item{}
	case "main.worker":
		close(stop)
		<-done
		time.Sleep(10 * time.Millisecond) // let the goroutine exit
	default:
		fmt.Fprintf(os.Stderr, "heapdumpgen: unknown root %q\n", root)
		os.Exit(2)
	}
}

func main() {
	out := flag.String("out", "", "write the heap dump to this file")
	dropRoot := flag.String("drop", "", "drop this root and print what the GC frees")
	scale := flag.Int("scale", 4, "size of the heap")
	random := flag.Int("random", 0, "a random graph of this many objects instead")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	runtime.MemProfileRate = 1
	debug.SetGCPercent(-1)

	if *random > 0 {
		runtime.MemProfileRate = 0
		buildRandom(*random, *seed)
	} else {
		build(*scale)
	}
	gc()
	if *dropRoot != "" {
		before := readStats()
		drop(*dropRoot)
		gc()
		after := readStats()
		fmt.Printf("{\"root\":%q,\"objects\":%d,\"bytes\":%d}\n", *dropRoot,
			after.freed-before.freed, after.freedBytes-before.freedBytes)
		runtime.KeepAlive(cache)
		return
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "heapdumpgen: needs -out FILE or -drop ROOT")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "heapdumpgen:", err)
		os.Exit(2)
	}
	st := readStats()
	debug.WriteHeapDump(f.Fd())
	f.Close()
	if *random == 0 {
		j, _ := json.MarshalIndent(map[string]any{
			"go": runtime.Version(), "scale": *scale, "made": made, "memstats": st,
		}, "", "  ")
		os.WriteFile(*out+".json", append(j, '\n'), 0o644)
	}
	runtime.KeepAlive(randoms)
}
