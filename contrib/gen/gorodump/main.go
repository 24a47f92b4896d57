// SPDX-License-Identifier: Apache-2.0

// gorodump makes goroutine dumps of a population it placed itself, and the
// ground truth for them.
//
//	gorodump [-n N] [-k K] [-seed S] [-formats debug2,debug1,stack] -out PREFIX
//	gorodump -leak [-leak-scale PCT] ... -out PREFIX
//
// The population: N goroutines spread over K code paths. A path is a
// blocking state (one of the eleven below), a call shape (a chain of DEPTH
// main.levelA / main.levelB frames, bit i of PATTERN set meaning levelB at
// level i, between main.entry/main.descend and main.block<State>) and a
// creator (main.spawnDirect; a closure started by main.(*pool).start; or a
// main.spawnerWorker goroutine that stays alive, parked on a channel). Extras
// cover what paths cannot: IO wait on an os.Pipe, goroutines locked to their
// thread, raw read(2) in syscall, deep recursions (more frames than a
// traceback prints), busy loops.
//
// Every goroutine records its own id (from its "goroutine N [running]:"
// header) before it parks, so the ground truth counts by id what the runtime
// wrote, and does not depend on parsing stacks. Files written:
//
//	PREFIX.debug2.txt     pprof.Lookup("goroutine").WriteTo(w, 2) (Go caps it at 64 MiB)
//	PREFIX.debug1.txt     pprof.Lookup("goroutine").WriteTo(w, 1)
//	PREFIX.stack-all.txt  runtime.Stack(buf, true), buffer grown until it fits (no cap)
//	PREFIX.manifest.json  total, states (header state up to its first comma ->
//	                      count, every goroutine of the dump), and per path and
//	                      extra: count, header states, the stack (function names
//	                      root first joined by ';') and the created-by function
//
// With -leak one process writes PREFIX.before.* and PREFIX.after.* around a
// leak story (all goroutines created by main.runLeak): main.leakyFetch (chan
// send) grows by 250, main.leakyWorker (sync.Cond.Wait in
// main.(*connPool).acquire) appears with 75, main.leakySubscriber (select)
// with 40, main.transientWaiter (chan receive) drops by 50, and 100
// main.churnWorker (chan receive) are all replaced by 100 new ones: same
// count, every id different. -leak-scale scales those numbers (percent).
// PREFIX.truth.json lists the changed stacks with before, after and delta;
// every other stack has the same count in both dumps (checked).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ---- registry: goroutine id -> kind -----------------------------------------

var (
	regMu sync.Mutex
	regID = map[int64]int{}
)

func goid() int64 {
	var b [64]byte
	n := runtime.Stack(b[:], false)
	s := strings.TrimPrefix(string(b[:n]), "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		id, err := strconv.ParseInt(s[:i], 10, 64)
		if err == nil {
			return id
		}
	}
	panic("cannot read goroutine id")
}

var ready sync.WaitGroup

// register records the calling goroutine as one of kind and signals it is
// about to park.
func register(kind int) {
	id := goid()
	regMu.Lock()
	regID[id] = kind
	regMu.Unlock()
	ready.Done()
}

// ---- blocking states ----------------------------------------------------------

type blocker struct {
	label string
	fn    func()
}

var (
	never     = make(chan int)
	neverSend = make(chan int)
	lockedMu  sync.Mutex
	lockedRW  sync.RWMutex
	stuckWG   sync.WaitGroup
	condMu    sync.Mutex
	cond      = sync.NewCond(&condMu)
	pipeR     net.Conn
)

//go:noinline
func blockChanRecv() { <-never }

//go:noinline
func blockChanSend() { neverSend <- 1 }

//go:noinline
func blockSelect() {
	select {
	case <-never:
	case neverSend <- 1:
	}
}

//go:noinline
func blockMutex() { lockedMu.Lock() }

//go:noinline
func blockWaitGroup() { stuckWG.Wait() }

//go:noinline
func blockSleep() { time.Sleep(1000 * time.Hour) }

//go:noinline
func blockNetPipe() {
	var b [1]byte
	_, _ = pipeR.Read(b[:])
}

//go:noinline
func blockCond() {
	condMu.Lock()
	for {
		cond.Wait()
	}
}

//go:noinline
func blockRLock() { lockedRW.RLock() }

//go:noinline
func blockNilChan() {
	var c chan int
	<-c
}

//go:noinline
func blockForever() { select {} }

var blockers = []blocker{
	{"chan receive", blockChanRecv},
	{"chan send", blockChanSend},
	{"select", blockSelect},
	{"sync.Mutex.Lock", blockMutex},
	{"sync.WaitGroup.Wait", blockWaitGroup},
	{"time.Sleep", blockSleep},
	{"net.Pipe read", blockNetPipe},
	{"sync.Cond.Wait", blockCond},
	{"sync.RWMutex.RLock", blockRLock},
	{"chan receive (nil chan)", blockNilChan},
	{"select (no cases)", blockForever},
}

// ---- paths ----------------------------------------------------------------

type path struct {
	ID      int    `json:"id"`
	State   string `json:"state"`
	Depth   int    `json:"depth"`
	Pattern int    `json:"pattern"`
	Creator string `json:"creator"`
	Count   int    `json:"count"`
	truth
	blocker int
}

// truth is what the dump showed for one kind of goroutine.
type truth struct {
	Seen         int            `json:"seen"`
	HeaderStates map[string]int `json:"header_states"`
	Stack        string         `json:"stack"`
	CreatedBy    string         `json:"created_by"`
}

var creators = []string{
	"main.spawnDirect",
	"main.(*pool).start.func1 (closure chain)",
	"main.spawnerWorker (alive parent)",
}

//go:noinline
func entry(p *path) {
	descend(p)
}

//go:noinline
func descend(p *path) {
	if p.Pattern&1 != 0 {
		levelB(p, 0)
	} else {
		levelA(p, 0)
	}
}

//go:noinline
func levelA(p *path, level int) {
	if level+1 >= p.Depth {
		block(p, level)
	} else if p.Pattern>>(level+1)&1 != 0 {
		levelB(p, level+1)
	} else {
		levelA(p, level+1)
	}
}

//go:noinline
func levelB(p *path, level int) {
	if level+1 >= p.Depth {
		block(p, level)
	} else if p.Pattern>>(level+1)&1 != 0 {
		levelB(p, level+1)
	} else {
		levelA(p, level+1)
	}
}

//go:noinline
func block(p *path, level int) {
	_ = level
	// Registering here, at the leaf, leaves no stale words in the spill
	// slots of the frames above (Go prints those as "0x3?"-style values).
	register(p.ID)
	blockers[p.blocker].fn()
}

//go:noinline
func spawnDirect(p *path) {
	for i := 0; i < p.Count; i++ {
		go entry(p)
	}
}

type pool struct{ name string }

//go:noinline
func (pl *pool) start(p *path) {
	for i := 0; i < p.Count; i++ {
		go func() {
			entry(p)
		}()
	}
}

var spawnerQuit = make(chan struct{})

//go:noinline
func spawnerWorker(p *path, kind int) {
	for i := 0; i < p.Count; i++ {
		go entry(p)
	}
	register(kind)
	<-spawnerQuit
}

// ---- extras -----------------------------------------------------------------

type extra struct {
	Name  string `json:"name"`
	State string `json:"state"`
	Count int    `json:"count"`
	truth
}

//go:noinline
func ioWaiter(kind int, r *os.File) {
	register(kind)
	var b [16]byte
	_, _ = r.Read(b[:])
}

//go:noinline
func lockedWaiter(kind int) {
	runtime.LockOSThread()
	register(kind)
	<-never
}

//go:noinline
func syscallReader(kind int, fd int) {
	register(kind)
	var b [16]byte
	_, _ = syscall.Read(fd, b[:])
}

//go:noinline
func deepRecurse(kind, n int) {
	if n > 1 {
		deepRecurse(kind, n-1)
		return
	}
	register(kind)
	<-never
}

var spin int64

//go:noinline
func busyLoop(kind int) {
	register(kind)
	for {
		atomic.AddInt64(&spin, 1)
	}
}

// ---- the leak story -----------------------------------------------------------

type connPool struct {
	mu   sync.Mutex
	cond *sync.Cond
	free int
}

//go:noinline
func (cp *connPool) acquire() {
	cp.mu.Lock()
	for cp.free == 0 {
		cp.cond.Wait()
	}
	cp.free--
	cp.mu.Unlock()
}

var (
	fetchCh     = make(chan int)
	subQuit     = make(chan struct{})
	subEvents   = make(chan int)
	churnStop   = make(chan struct{})
	transientCh = make(chan struct{})
	leakPool    = &connPool{}
	exited      sync.WaitGroup
)

//go:noinline
func leakyFetch(kind int) {
	register(kind)
	fetchCh <- 1
}

//go:noinline
func leakyWorker(kind int) {
	register(kind)
	leakPool.acquire()
}

//go:noinline
func leakySubscriber(kind int) {
	register(kind)
	select {
	case <-subQuit:
	case <-subEvents:
	}
}

//go:noinline
func churnWorker(kind int, stop chan struct{}) {
	register(kind)
	<-stop
	exited.Done()
}

//go:noinline
func transientWaiter(kind int) {
	register(kind)
	<-transientCh
	exited.Done()
}

type leakEntry struct {
	Function string `json:"function"`
	State    string `json:"state"`
	Stack    string `json:"stack"`
	Before   int    `json:"before"`
	After    int    `json:"after"`
	Delta    int    `json:"delta"`
	Note     string `json:"note"`
	kind     int
}

// runLeak starts phase 0 (before) or phase 1 (between the dumps) of the story.
//
//go:noinline
func runLeak(phase int, le []*leakEntry, scale int) {
	n := func(v int) int { return v * scale / 100 }
	if phase == 0 {
		ready.Add(n(10) + n(100) + n(50))
		for i := 0; i < n(10); i++ {
			go leakyFetch(le[0].kind)
		}
		for i := 0; i < n(100); i++ {
			go churnWorker(le[3].kind, churnStop)
		}
		for i := 0; i < n(50); i++ {
			go transientWaiter(le[4].kind)
		}
		return
	}
	exited.Add(n(100) + n(50))
	close(churnStop)
	close(transientCh)
	exited.Wait()
	stop := make(chan struct{})
	ready.Add(n(250) + n(75) + n(40) + n(100))
	for i := 0; i < n(250); i++ {
		go leakyFetch(le[0].kind)
	}
	for i := 0; i < n(75); i++ {
		go leakyWorker(le[1].kind)
	}
	for i := 0; i < n(40); i++ {
		go leakySubscriber(le[2].kind)
	}
	for i := 0; i < n(100); i++ {
		go churnWorker(le[3].kind, stop)
	}
}

// ---- dumps -----------------------------------------------------------------

type header struct {
	id    int64
	state string // whole bracket text without the wait time
	first string // up to the first comma
	funcs []string
	by    string
}

// scanDump reads the goroutine records of a debug=2 / runtime.Stack dump.
func scanDump(data []byte, want func(id int64) bool) []header {
	var out []header
	var cur *header
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "goroutine ") && strings.HasSuffix(line, ":") {
			f := strings.Fields(line)
			id, _ := strconv.ParseInt(f[1], 10, 64)
			st := ""
			if i := strings.IndexByte(line, '['); i >= 0 {
				if j := strings.LastIndexByte(line, ']'); j > i {
					st = line[i+1 : j]
				}
			}
			first := st
			if i := strings.Index(st, ","); i >= 0 {
				first = st[:i]
			}
			// Drop ", N minutes" but keep other annotations.
			parts := strings.Split(st, ", ")
			kept := parts[:0]
			for _, p := range parts {
				if !strings.HasSuffix(p, " minutes") {
					kept = append(kept, p)
				}
			}
			out = append(out, header{id: id, state: strings.Join(kept, ", "), first: first})
			cur = &out[len(out)-1]
			if want != nil && !want(id) {
				cur = nil
			}
			continue
		}
		if cur == nil || line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "...") {
			continue
		}
		if strings.HasPrefix(line, "created by ") {
			by := strings.TrimPrefix(line, "created by ")
			if i := strings.Index(by, " in goroutine "); i >= 0 {
				by = by[:i]
			}
			cur.by = by
			continue
		}
		fn := line
		if strings.HasSuffix(fn, ")") {
			if i := strings.LastIndexByte(fn, '('); i > 0 {
				fn = fn[:i]
			}
		}
		cur.funcs = append(cur.funcs, fn)
	}
	return out
}

func stackAll() []byte {
	buf := make([]byte, 64<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func profile(debug int) []byte {
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, debug); err != nil {
		fatal(err)
	}
	return b.Bytes()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gorodump:", err)
	os.Exit(1)
}

func writeFile(name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		fatal(err)
	}
}

func writeJSON(name string, v interface{}) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		fatal(err)
	}
	writeFile(name, append(b, '\n'))
}

// settle waits until no registered goroutine is runnable (all parked), then
// returns the runtime.Stack text of that moment.
func settle(isBusy func(kind int) bool) []byte {
	ready.Wait()
	for try := 0; ; try++ {
		time.Sleep(time.Duration(50+try*50) * time.Millisecond)
		d := stackAll()
		regMu.Lock()
		busy := 0
		for _, h := range scanDump(d, func(int64) bool { return false }) {
			k, ok := regID[h.id]
			if ok && !isBusy(k) && (h.first == "runnable" || h.first == "running") {
				busy++
			}
		}
		regMu.Unlock()
		if busy == 0 || try == 30 {
			if busy != 0 {
				fmt.Fprintf(os.Stderr, "gorodump: warning: %d goroutines still runnable\n", busy)
			}
			return d
		}
	}
}

type dumpTruth struct {
	total  int
	states map[string]int
	kinds  map[int]*truth
}

func analyse(d []byte) dumpTruth {
	t := dumpTruth{states: map[string]int{}, kinds: map[int]*truth{}}
	regMu.Lock()
	defer regMu.Unlock()
	for _, h := range scanDump(d, nil) {
		t.total++
		t.states[h.first]++
		k, ok := regID[h.id]
		if !ok {
			continue
		}
		tr := t.kinds[k]
		if tr == nil {
			tr = &truth{HeaderStates: map[string]int{}}
			for i := len(h.funcs) - 1; i >= 0; i-- {
				if tr.Stack != "" {
					tr.Stack += ";"
				}
				tr.Stack += h.funcs[i]
			}
			tr.CreatedBy = h.by
			t.kinds[k] = tr
		}
		tr.Seen++
		tr.HeaderStates[h.state]++
	}
	return t
}

func main() {
	n := flag.Int("n", 1000, "goroutines over the code paths")
	k := flag.Int("k", 40, "code paths")
	seed := flag.Int64("seed", 1, "random seed")
	minDepth := flag.Int("min-depth", 4, "fewest levelA/levelB frames in a path")
	maxDepth := flag.Int("max-depth", 10, "most levelA/levelB frames in a path")
	out := flag.String("out", "gorodump", "prefix of the files written")
	formats := flag.String("formats", "debug2,debug1", "comma-separated: debug2, debug1, stack")
	nIO := flag.Int("io", 16, "extra: goroutines in IO wait on an os.Pipe")
	nLocked := flag.Int("locked", 2, "extra: goroutines locked to their thread")
	nSyscall := flag.Int("syscall", 2, "extra: goroutines in a raw read(2)")
	nDeep := flag.Int("deep", 3, "extra: deep recursions")
	deepFrames := flag.Int("deep-frames", 150, "frames of each deep recursion")
	nBusy := flag.Int("busy", 2, "extra: busy loops (running or runnable)")
	hold := flag.Duration("hold", 0, "after two forced GCs, wait this long before dumping (65s shows wait minutes)")
	leak := flag.Bool("leak", false, "write a before/after leak pair and PREFIX.truth.json")
	leakScale := flag.Int("leak-scale", 100, "leak story sizes, in percent")
	flag.Parse()
	if *k < 1 || *n < *k || *minDepth < 1 || *maxDepth < *minDepth || *maxDepth > 30 {
		fatal(fmt.Errorf("need 1 <= k <= n and 1 <= min-depth <= max-depth <= 30"))
	}
	rng := rand.New(rand.NewSource(*seed))

	// Blocking resources.
	lockedMu.Lock()
	lockedRW.Lock()
	stuckWG.Add(1)
	var pipeW net.Conn
	pipeR, pipeW = net.Pipe()
	defer pipeW.Close()

	// Paths: unique (state, depth, pattern, creator), counts skewed.
	paths := make([]*path, 0, *k)
	seen := map[string]bool{}
	for len(paths) < *k {
		i := len(paths)
		p := &path{ID: i, blocker: i % len(blockers)}
		p.State = blockers[p.blocker].label
		p.Depth = *minDepth + rng.Intn(*maxDepth-*minDepth+1)
		p.Pattern = rng.Intn(1 << p.Depth)
		c := rng.Intn(len(creators))
		p.Creator = creators[c]
		key := fmt.Sprint(p.blocker, p.Depth, p.Pattern, c)
		if seen[key] {
			continue
		}
		seen[key] = true
		paths = append(paths, p)
	}
	w := make([]float64, *k)
	sum := 0.0
	for i := range w {
		f := rng.Float64()
		w[i] = f * f * f
		sum += w[i]
	}
	left := *n - *k
	for i, p := range paths {
		p.Count = 1 + int(float64(*n-*k)*w[i]/sum)
		left -= p.Count - 1
	}
	paths[0].Count += left

	kinds := len(paths)
	var extras []*extra
	addExtra := func(name, state string, count int) int {
		if count <= 0 {
			return -1
		}
		extras = append(extras, &extra{Name: name, State: state, Count: count})
		kinds++
		return kinds - 1
	}
	extraBase := kinds

	// Start the population.
	pl := &pool{name: "workers"}
	nSpawners := 0
	for _, p := range paths {
		if p.Creator == creators[2] {
			nSpawners++
		}
	}
	spawnerKind := addExtra("main.spawnerWorker (parent kept alive)", "chan receive", nSpawners)
	for _, p := range paths {
		ready.Add(p.Count)
		switch p.Creator {
		case creators[0]:
			spawnDirect(p)
		case creators[1]:
			pl.start(p)
		default:
			ready.Add(1)
			go spawnerWorker(p, spawnerKind)
		}
	}
	if kind := addExtra("main.ioWaiter (os.Pipe read)", "IO wait", *nIO); kind >= 0 {
		for i := 0; i < *nIO; i++ {
			r, wr, err := os.Pipe()
			if err != nil {
				fatal(err)
			}
			defer wr.Close()
			ready.Add(1)
			go ioWaiter(kind, r)
		}
	}
	if kind := addExtra("main.lockedWaiter", "chan receive, locked to thread", *nLocked); kind >= 0 {
		ready.Add(*nLocked)
		for i := 0; i < *nLocked; i++ {
			go lockedWaiter(kind)
		}
	}
	if kind := addExtra("main.syscallReader (raw read(2))", "syscall", *nSyscall); kind >= 0 {
		for i := 0; i < *nSyscall; i++ {
			var fds [2]int
			if err := syscall.Pipe(fds[:]); err != nil {
				fatal(err)
			}
			ready.Add(1)
			go syscallReader(kind, fds[0])
		}
	}
	if kind := addExtra(fmt.Sprintf("main.deepRecurse x%d", *deepFrames), "chan receive", *nDeep); kind >= 0 {
		ready.Add(*nDeep)
		for i := 0; i < *nDeep; i++ {
			go deepRecurse(kind, *deepFrames)
		}
	}
	busyKind := addExtra("main.busyLoop", "running/runnable", *nBusy)
	if busyKind >= 0 {
		ready.Add(*nBusy)
		for i := 0; i < *nBusy; i++ {
			go busyLoop(busyKind)
		}
	}
	isBusy := func(kind int) bool { return kind == busyKind }

	var le []*leakEntry
	if *leak {
		s := *leakScale
		v := func(x int) int { return x * s / 100 }
		le = []*leakEntry{
			{Function: "main.leakyFetch", State: "chan send", Before: v(10), After: v(10) + v(250),
				Note: "LEAK: grows; unbuffered send nobody receives"},
			{Function: "main.leakyWorker", State: "sync.Cond.Wait", Before: 0, After: v(75),
				Note: "LEAK: new stack; the pool never returns connections"},
			{Function: "main.leakySubscriber", State: "select", Before: 0, After: v(40),
				Note: "LEAK: new stack; select on a quit channel never closed"},
			{Function: "main.churnWorker", State: "chan receive", Before: v(100), After: v(100),
				Note: "STABLE COUNT, every goroutine id replaced between the dumps (not a leak)"},
			{Function: "main.transientWaiter", State: "chan receive", Before: v(50), After: 0,
				Note: "SHRINK: released between the dumps"},
		}
		leakPool.cond = sync.NewCond(&leakPool.mu)
		for _, e := range le {
			e.kind = kinds
			e.Delta = e.After - e.Before
			kinds++
		}
		runLeak(0, le, s)
	}

	if *hold > 0 {
		ready.Wait()
		runtime.GC()
		runtime.GC()
		time.Sleep(*hold)
	}

	files := []string{}
	dump := func(prefix string) dumpTruth {
		d := settle(isBusy)
		var t dumpTruth
		for _, f := range strings.Split(*formats, ",") {
			switch f {
			case "debug2":
				d2 := profile(2)
				t = analyse(d2)
				writeFile(prefix+".debug2.txt", d2)
				files = append(files, prefix+".debug2.txt")
			case "debug1":
				writeFile(prefix+".debug1.txt", profile(1))
				files = append(files, prefix+".debug1.txt")
			case "stack":
				t = analyse(d)
				writeFile(prefix+".stack-all.txt", d)
				files = append(files, prefix+".stack-all.txt")
			case "":
			default:
				fatal(fmt.Errorf("unknown format %q", f))
			}
		}
		if t.kinds == nil {
			t = analyse(d)
		}
		return t
	}

	var t dumpTruth
	if *leak {
		before := dump(*out + ".before")
		runLeak(1, le, *leakScale)
		t = dump(*out + ".after")
		for _, e := range le {
			tb, ta := before.kinds[e.kind], t.kinds[e.kind]
			nb, na := 0, 0
			if tb != nil {
				nb = tb.Seen
				e.Stack = tb.Stack
			}
			if ta != nil {
				na = ta.Seen
				e.Stack = ta.Stack
			}
			if nb != e.Before || na != e.After {
				fatal(fmt.Errorf("%s: dumps show %d -> %d, wanted %d -> %d", e.Function, nb, na, e.Before, e.After))
			}
		}
		for kind := 0; kind < extraBase+len(extras); kind++ {
			if kind == busyKind {
				continue
			}
			tb, ta := before.kinds[kind], t.kinds[kind]
			if tb == nil || ta == nil || tb.Seen != ta.Seen {
				fatal(fmt.Errorf("kind %d changed between the dumps", kind))
			}
		}
		writeJSON(*out+".truth.json", map[string]interface{}{
			"generator":         "contrib/gen/gorodump",
			"go":                runtime.Version(),
			"changed_stacks":    le,
			"files":             files,
			"total_before":      before.total,
			"total_after":       t.total,
			"states_before":     before.states,
			"states_after":      t.states,
			"unchanged":         "every other stack (the -n/-k population and the extras, see the manifest) has the same count in both dumps",
			"similarity_needed": "pointers (the default): the stacks are told apart by function names and the created-by function",
		})
	} else {
		t = dump(*out)
	}

	for _, p := range paths {
		if tr := t.kinds[p.ID]; tr != nil {
			p.truth = *tr
		}
		if p.Seen != p.Count {
			fatal(fmt.Errorf("path %d: dump shows %d of %d goroutines", p.ID, p.Seen, p.Count))
		}
	}
	for i, e := range extras {
		if tr := t.kinds[extraBase+i]; tr != nil {
			e.truth = *tr
		}
	}
	sort.Strings(files)
	writeJSON(*out+".manifest.json", map[string]interface{}{
		"generator": "contrib/gen/gorodump",
		"go":        runtime.Version(),
		"n":         *n,
		"k":         *k,
		"seed":      *seed,
		"files":     files,
		"note": "paths: chain of DEPTH main.levelA/main.levelB frames (bit i of PATTERN set => levelB at level i) " +
			"above main.block<State>; counts by goroutine id as each goroutine recorded it; header_states is the " +
			"bracket text without the wait time; stack is the function names root first, created_by the creator " +
			"function; total and states (up to the first comma) count every goroutine of the dump",
		"total":  t.total,
		"states": t.states,
		"paths":  paths,
		"extras": extras,
	})
	fmt.Fprintf(os.Stderr, "gorodump: %s: %d goroutines, %s\n", *out, t.total, runtime.Version())
	os.Exit(0)
}
