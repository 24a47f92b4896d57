// SPDX-License-Identifier: Apache-2.0

// heapsnap writes a pair of Go heap profiles, before.* and after.*, taken
// around allocations whose every size and count it controls, and the exact
// answer a heap diff must give for them in ground_truth.json.
//
//	heapsnap -scenario=small|large|example -rate=N -out=DIR [-text=false]
//
// Files written to DIR:
//
//	before.pb.gz, after.pb.gz  pprof.WriteHeapProfile (profile.proto, gzip)
//	before.txt, after.txt      pprof.Lookup("heap").WriteTo(w, 1) (legacy text)
//	ground_truth.json          true per-function in-use objects and bytes
//	NOTE                       Go version, platform and the flags used
//
// Each snapshot runs runtime.GC() twice first, so the profile shows every
// allocation and free made before it (a heap profile lags up to two cycles).
// The automatic collector is off for the whole run (SetGCPercent(-1)), so no
// collection can fall between the .pb.gz and the .txt of one snapshot: both
// describe the same moment. Nothing here starts a goroutine.
//
// Every object is a []byte (no pointers, so no malloc header in Go 1.22+)
// of an exact size class, or a large object of a whole number of 8 KiB
// pages, so the runtime records the size the program asked for.
//
// At -rate=1 (runtime.MemProfileRate, every allocation recorded) a profile
// must match ground_truth.json exactly; at the default rate (512 KiB) the
// profile holds sampled estimates and ground_truth.json still gives the true
// values. Allocations made by the runtime, flag, os and the profile writers
// themselves also show up and are not part of the ground truth.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

// fnTruth is the true value of one function: flat (the function itself
// allocated) in "functions" and "b_functions_flat", cumulative (allocated by
// it or anything it called) in "functions_cum" and "a_functions_cum".
type fnTruth struct {
	Func               string `json:"func"`
	ObjectSize         int64  `json:"object_size,omitempty"`
	BeforeInuseObjects int64  `json:"before_inuse_objects"`
	BeforeInuseSpace   int64  `json:"before_inuse_space"`
	AfterInuseObjects  int64  `json:"after_inuse_objects"`
	AfterInuseSpace    int64  `json:"after_inuse_space"`
	DeltaInuseObjects  int64  `json:"delta_inuse_objects"`
	DeltaInuseSpace    int64  `json:"delta_inuse_space"`
	BeforeAllocObjects int64  `json:"before_alloc_objects"`
	BeforeAllocSpace   int64  `json:"before_alloc_space"`
	AfterAllocObjects  int64  `json:"after_alloc_objects"`
	AfterAllocSpace    int64  `json:"after_alloc_space"`
}

// counts is what one function (or a set of stacks) holds at one snapshot.
type counts struct {
	inuseObjects, inuseSpace, allocObjects, allocSpace int64
}

// add records n objects of size bytes allocated, freed of them.
func (c *counts) add(n, freed, size int64) {
	c.allocObjects += n
	c.allocSpace += n * size
	c.inuseObjects += n - freed
	c.inuseSpace += (n - freed) * size
}

func makeTruth(name string, size int64, before, after counts) fnTruth {
	return fnTruth{
		Func:               name,
		ObjectSize:         size,
		BeforeInuseObjects: before.inuseObjects,
		BeforeInuseSpace:   before.inuseSpace,
		AfterInuseObjects:  after.inuseObjects,
		AfterInuseSpace:    after.inuseSpace,
		DeltaInuseObjects:  after.inuseObjects - before.inuseObjects,
		DeltaInuseSpace:    after.inuseSpace - before.inuseSpace,
		BeforeAllocObjects: before.allocObjects,
		BeforeAllocSpace:   before.allocSpace,
		AfterAllocObjects:  after.allocObjects,
		AfterAllocSpace:    after.allocSpace,
	}
}

type groundTruth struct {
	Scenario       string    `json:"scenario"`
	GoVersion      string    `json:"go_version"`
	Platform       string    `json:"platform"`
	MemProfileRate int       `json:"memprofilerate"`
	Functions      []fnTruth `json:"functions,omitempty"`
	FunctionsCum   []fnTruth `json:"functions_cum,omitempty"`
	AFunctionsCum  []fnTruth `json:"a_functions_cum,omitempty"`
	BFunctionsFlat []fnTruth `json:"b_functions_flat,omitempty"`
	Total          *fnTruth  `json:"total,omitempty"`
	DistinctStacks int       `json:"distinct_stacks,omitempty"`
	StacksFreed    int       `json:"stacks_freed,omitempty"`
	StacksLeaking  int       `json:"stacks_leaking,omitempty"`
	NA             int       `json:"na,omitempty"`
	NB             int       `json:"nb,omitempty"`
	Story          string    `json:"story,omitempty"`
	Rule           string    `json:"rule,omitempty"`
	Note           string    `json:"note"`
}

const truthNote = "true program values; with memprofilerate 1 the profiles must match them exactly, " +
	"with a larger rate the profiles hold Poisson-sampled estimates (scaled by 1/(1-exp(-size/rate))). " +
	"Other entries in the profiles (runtime, runtime/pprof, compress, flag, os) are not part of the ground truth."

// scenario runs its allocations, calling snap("before") and snap("after")
// at the two moments, and knows the true answer without looking at a
// profile.
type scenario struct {
	run   func(snap func(name string))
	truth func() groundTruth
}

var scenarios = map[string]scenario{
	"small":   {runSmall, truthSmall},
	"large":   {runLarge, truthLarge},
	"example": {runExample, truthExample},
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "heapsnap:", err)
	os.Exit(2)
}

func writeFile(path string, write func(w *bufio.Writer) error) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if err := write(w); err != nil {
		fatal(fmt.Errorf("%s: %w", path, err))
	}
	if err := w.Flush(); err != nil {
		fatal(fmt.Errorf("%s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		fatal(fmt.Errorf("%s: %w", path, err))
	}
}

// Where snapshot writes, set once by main (package variables, so handing
// snapshot to a scenario allocates no closure).
var (
	outDir    string
	writeText bool
)

// snapshot publishes the heap profile as of now and writes it in both forms.
// (Written out flat, without helpers: at -rate=1 every frame between the
// profile writers and main is repeated in hundreds of records of the text
// profile.)
//
//go:noinline
func snapshot(name string) {
	runtime.GC()
	runtime.GC()
	f, err := os.Create(filepath.Join(outDir, name+".pb.gz"))
	if err != nil {
		fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if err := pprof.WriteHeapProfile(w); err != nil {
		fatal(fmt.Errorf("%s: %w", f.Name(), err))
	}
	closeFile(f, w)
	if !writeText {
		return
	}
	f, err = os.Create(filepath.Join(outDir, name+".txt"))
	if err != nil {
		fatal(err)
	}
	w.Reset(f)
	if err := pprof.Lookup("heap").WriteTo(w, 1); err != nil {
		fatal(fmt.Errorf("%s: %w", f.Name(), err))
	}
	closeFile(f, w)
}

func closeFile(f *os.File, w *bufio.Writer) {
	if err := w.Flush(); err != nil {
		fatal(fmt.Errorf("%s: %w", f.Name(), err))
	}
	if err := f.Close(); err != nil {
		fatal(fmt.Errorf("%s: %w", f.Name(), err))
	}
}

func main() {
	out := flag.String("out", "", "directory to write the profiles into (created)")
	rate := flag.Int("rate", 512*1024, "runtime.MemProfileRate: 1 records every allocation")
	name := flag.String("scenario", "small", "small, large or example")
	text := flag.Bool("text", true, "also write the legacy text profiles (debug=1)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(),
			"usage: heapsnap -out DIR [-scenario small|large|example] [-rate N] [-text=false]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	sc, ok := scenarios[*name]
	if *out == "" || !ok || *rate < 1 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	runtime.MemProfileRate = *rate
	debug.SetGCPercent(-1)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}

	outDir, writeText = *out, *text
	sc.run(snapshot)

	gt := sc.truth()
	gt.Scenario = *name
	gt.GoVersion = runtime.Version()
	gt.Platform = runtime.GOOS + "/" + runtime.GOARCH
	gt.MemProfileRate = *rate
	gt.Note = truthNote
	writeFile(filepath.Join(*out, "ground_truth.json"), func(w *bufio.Writer) error {
		b, err := json.MarshalIndent(gt, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	writeFile(filepath.Join(*out, "NOTE"), func(w *bufio.Writer) error {
		files := "before.pb.gz after.pb.gz"
		if *text {
			files += " before.txt after.txt"
		}
		_, err := fmt.Fprintf(w, "Written by contrib/gen/heapsnap built with %s (%s/%s):\n"+
			"  heapsnap -scenario=%s -rate=%d -text=%t -out=DIR\n"+
			"Files: %s ground_truth.json.\n"+
			"Heap profiles at runtime.MemProfileRate=%d (%s); expected per-function values in ground_truth.json.\n",
			runtime.Version(), runtime.GOOS, runtime.GOARCH, *name, *rate, *text, files, *rate,
			map[bool]string{true: "every allocation recorded: exact", false: "sampled: estimates"}[*rate == 1])
		return err
	})
}
