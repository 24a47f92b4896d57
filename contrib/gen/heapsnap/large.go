// SPDX-License-Identifier: Apache-2.0

package main

import "fmt"

//go:generate go run gen_large.go

// The large scenario: many distinct allocation stacks, for benchmarks.
//
// Stack (i, j) is main.b<j> <- main.a<i> <- main.fill|main.leak <- main.runLarge
// <- main.main, for i < largeNA and j < largeNB (400 x 400): a<i> dispatches
// to b<j> through a table, and b<j> allocates one []byte of largeSizeB[j]
// bytes (a size class between 16 and 512).
//
//	before: fill allocates one object on every stack (i, j): 160000 stacks.
//	after:  the fill objects of every i with i%8 == 3 are freed (20000
//	        stacks), and leak allocates 3 more objects on stack (i, j)
//	        whenever (i+j)%10 == 0 (16000 new stacks, 48000 objects).
//
// So at -rate=1 the before profile holds ~160k samples and the after one
// ~176k. main.a<i> only appears as a caller (cum), main.b<j> as the leaf
// (flat); main.fill and main.leak cum are exact too. main.makeHolder
// allocates the one [][]byte that holds everything, kept and constant.

const (
	largeFreeMod, largeFreeRem = 8, 3  // fill objects of a<i> freed when i%8 == 3
	largeLeakMod, largeLeakN   = 10, 3 // leak 3 objects on (i, j) when (i+j)%10 == 0
	// largeHolderLen slots of 24 bytes: 5013504 B, a whole number of 8 KiB
	// pages (612), at least largeNA*largeNB + the leaked objects.
	largeHolderLen = 208896
)

var largeHolder [][]byte

//go:noinline
func makeHolder() {
	largeHolder = make([][]byte, largeHolderLen)
}

//go:noinline
func fill() {
	k := 0
	for i := 0; i < largeNA; i++ {
		for j := 0; j < largeNB; j++ {
			largeHolder[k] = largeA[i](j)
			k++
		}
	}
}

//go:noinline
func release() {
	for i := largeFreeRem; i < largeNA; i += largeFreeMod {
		for j := 0; j < largeNB; j++ {
			largeHolder[i*largeNB+j] = nil
		}
	}
}

//go:noinline
func leak() {
	k := largeNA * largeNB
	for i := 0; i < largeNA; i++ {
		for j := 0; j < largeNB; j++ {
			if (i+j)%largeLeakMod != 0 {
				continue
			}
			for n := 0; n < largeLeakN; n++ {
				largeHolder[k] = largeA[i](j)
				k++
			}
		}
	}
}

func runLarge(snap func(string)) {
	makeHolder()
	fill()
	snap("before")
	release()
	leak()
	snap("after")
}

func truthLarge() groundTruth {
	var aB, aA [largeNA]counts
	var bB, bA [largeNB]counts
	var fillB, fillA, leakA counts
	freed, leaking := 0, 0
	for i := 0; i < largeNA; i++ {
		isFreed := i%largeFreeMod == largeFreeRem
		for j := 0; j < largeNB; j++ {
			size := largeSizeB[j]
			var f int64
			if isFreed {
				f = 1
				freed++
			}
			aB[i].add(1, 0, size)
			bB[j].add(1, 0, size)
			fillB.add(1, 0, size)
			aA[i].add(1, f, size)
			bA[j].add(1, f, size)
			fillA.add(1, f, size)
			if (i+j)%largeLeakMod == 0 {
				leaking++
				aA[i].add(largeLeakN, 0, size)
				bA[j].add(largeLeakN, 0, size)
				leakA.add(largeLeakN, 0, size)
			}
		}
	}
	gt := groundTruth{
		DistinctStacks: largeNA * largeNB,
		StacksFreed:    freed,
		StacksLeaking:  leaking,
		NA:             largeNA,
		NB:             largeNB,
		Rule: "stack (i,j) = main.b<j> <- main.a<i> <- main.fill|main.leak <- main.runLarge <- main.main. " +
			"before: 1 object of largeSizeB[j] per stack (via fill). after: +3 objects (via leak) when (i+j)%10==0; " +
			"the fill object freed when i%8==3. main.a<i> values are cum (flat 0); main.b<j> are flat. " +
			"main.fill and main.leak cum are exact too: fill delta = -freed, leak delta = +leaked.",
	}
	holder := counts{}
	holder.add(1, 0, largeHolderLen*24)
	gt.Functions = []fnTruth{makeTruth("main.makeHolder", largeHolderLen*24, holder, holder)}
	gt.FunctionsCum = []fnTruth{
		makeTruth("main.fill", 0, fillB, fillA),
		makeTruth("main.leak", 0, counts{}, leakA),
	}
	for i := 0; i < largeNA; i++ {
		gt.AFunctionsCum = append(gt.AFunctionsCum, makeTruth(fmt.Sprintf("main.a%04d", i), 0, aB[i], aA[i]))
	}
	for j := 0; j < largeNB; j++ {
		gt.BFunctionsFlat = append(gt.BFunctionsFlat, makeTruth(fmt.Sprintf("main.b%04d", j), largeSizeB[j], bB[j], bA[j]))
	}
	t := makeTruth("TOTAL(generated functions, flat at b*)", 0, fillB, sumCounts(fillA, leakA))
	gt.Total = &t
	return gt
}

func sumCounts(a, b counts) counts {
	return counts{
		inuseObjects: a.inuseObjects + b.inuseObjects,
		inuseSpace:   a.inuseSpace + b.inuseSpace,
		allocObjects: a.allocObjects + b.allocObjects,
		allocSpace:   a.allocSpace + b.allocSpace,
	}
}
