// SPDX-License-Identifier: Apache-2.0

package main

// The small scenario: three base allocators before the first snapshot (one
// of them half freed before the second), and two functions that only
// allocate (leak) between the snapshots.
//
//	main.baseA  10000 x 128 B    kept
//	main.baseB    100 x 64 KiB   kept (large objects, 8 pages each)
//	main.baseC   2000 x 1 KiB    every other one freed after "before"
//	main.leakA 131072 x 64 B     allocated after "before"
//	main.leakB    768 x 4 KiB    allocated after "before"
//
// The objects are held in package-level arrays (not on the heap), so no
// other heap allocation belongs to these functions.

const (
	smallNA, smallSizeA         = 10000, 128
	smallNB, smallSizeB         = 100, 65536
	smallNC, smallSizeC         = 2000, 1024
	smallNLeakA, smallSizeLeakA = 131072, 64
	smallNLeakB, smallSizeLeakB = 768, 4096
)

var (
	smallKeepA     [smallNA][]byte
	smallKeepB     [smallNB][]byte
	smallKeepC     [smallNC][]byte
	smallKeepLeakA [smallNLeakA][]byte
	smallKeepLeakB [smallNLeakB][]byte
)

//go:noinline
func baseA() {
	for i := range smallKeepA {
		smallKeepA[i] = make([]byte, smallSizeA)
	}
}

//go:noinline
func baseB() {
	for i := range smallKeepB {
		smallKeepB[i] = make([]byte, smallSizeB)
	}
}

//go:noinline
func baseC() {
	for i := range smallKeepC {
		smallKeepC[i] = make([]byte, smallSizeC)
	}
}

//go:noinline
func releaseHalfC() {
	for i := 1; i < len(smallKeepC); i += 2 {
		smallKeepC[i] = nil
	}
}

//go:noinline
func leakA() {
	for i := range smallKeepLeakA {
		smallKeepLeakA[i] = make([]byte, smallSizeLeakA)
	}
}

//go:noinline
func leakB() {
	for i := range smallKeepLeakB {
		smallKeepLeakB[i] = make([]byte, smallSizeLeakB)
	}
}

func runSmall(snap func(string)) {
	baseA()
	baseB()
	baseC()
	snap("before")
	releaseHalfC()
	leakA()
	leakB()
	snap("after")
}

func truthSmall() groundTruth {
	one := func(name string, size, n, freedBefore, nAfter, freedAfter int64) fnTruth {
		var b, a counts
		b.add(n, freedBefore, size)
		a.add(nAfter, freedAfter, size)
		return makeTruth(name, size, b, a)
	}
	return groundTruth{
		Functions: []fnTruth{
			one("main.baseA", smallSizeA, smallNA, 0, smallNA, 0),
			one("main.baseB", smallSizeB, smallNB, 0, smallNB, 0),
			one("main.baseC", smallSizeC, smallNC, 0, smallNC, smallNC/2),
			one("main.leakA", smallSizeLeakA, 0, 0, smallNLeakA, 0),
			one("main.leakB", smallSizeLeakB, 0, 0, smallNLeakB, 0),
		},
	}
}
