// SPDX-License-Identifier: Apache-2.0

// layoutprobe prints, for each of its own struct types, what the Go
// compiler made of it — unsafe.Sizeof/Alignof/Offsetof as reflect reports
// them — and what golang.org/x/tools' fieldalignment analyzer would propose:
// the size and GC pointer bytes of its optimal field order, computed here
// with the analyzer's ordering rules over reflect's sizes. gomem layout reads
// this program's binary and must print the same numbers, field by field.
//
// Output, TSV (one line per struct, then one per field):
//
//	S <type> <size> <align> <ptrbytes> <optimal_size> <optimal_ptrbytes> <nfields>
//	F <type> <index> <name> <offset> <size> <align>
package main

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Padded wastes 17 bytes in declaration order and none when sorted.
type Padded struct {
	A bool
	B int64
	C bool
	D int32
	E bool
}

type Inner struct {
	X uint8
	Y uint64
}

// Kinds has a field of every kind the DWARF reader resolves differently.
type Kinds struct {
	B    bool
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	I    int
	U    uint
	UP   uintptr
	F32  float32
	F64  float64
	C64  complex64
	C128 complex128
	S    string
	P    *int
	UPtr unsafe.Pointer
	Sl   []byte
	M    map[string]int
	Ch   chan error
	Fn   func(int) error
	Any  interface{}
	Err  error
	Arr  [3]uint16
	PArr [2]*Inner
	Rune rune
	By   byte
}

// Embedding embeds a struct and a pointer.
type Embedding struct {
	Inner
	*Padded
	Name string
	Flag bool
	fmt.Stringer
	Small byte
}

// ZeroTail ends in a zero-size field: the compiler pads it by one byte.
type ZeroTail struct {
	A int64
	B struct{}
}

type ZeroArrayTail struct {
	A int32
	B bool
	C [0]int64
}

type ZeroMiddle struct {
	A bool
	B struct{}
	C int64
	D [0]func()
	E bool
}

type AllZero struct {
	A struct{}
	B [0]int64
}

type Empty struct{}

// Nested has anonymous struct fields and an array of structs.
type Nested struct {
	A bool
	B struct {
		X bool
		Y int64
		Z *int
	}
	C [3]Inner
	D bool
	E [2]struct {
		P *Padded
		N int16
	}
}

// Sixty4 is sensitive to 32-bit rules: int64, float64 and complex128 are
// 4-aligned on 386 and arm; atomic.Int64 (align64) stays 8-aligned.
type Sixty4 struct {
	A bool
	B int64
	C bool
	D float64
	E bool
	F complex128
	G bool
	H uint64
}

type Atomics struct {
	A bool
	N atomic.Int64
	B bool
	U atomic.Uint64
	P atomic.Pointer[Inner]
	V atomic.Value
	W bool
}

// PtrOrder: same size either way, but the GC scans less when pointers lead.
type PtrOrder struct {
	N   [4]int64
	P   *Inner
	Q   int64
	S   string
	T   [2]int64
	Arr [3]*int
	I   interface{}
}

// TrailingScalars: pointerful fields with different trailing scalars.
type TrailingScalars struct {
	A [2]string
	B struct {
		P *int
		N [3]int64
	}
	C []int
	D *int
	E string
}

type Stdlib struct {
	Mu      sync.Mutex
	Ok      bool
	When    time.Time
	Again   bool
	Once    sync.Once
	Timeout time.Duration
	Wg      sync.WaitGroup
}

type Pair[K comparable, V any] struct {
	Used bool
	Key  K
	Flag bool
	Val  V
}

type Blanks struct {
	_ bool
	A int64
	_ bool
	_ [3]byte
	B int32
	_ struct{}
}

type Big struct {
	Flag bool
	Buf  [40000]byte
	N    int64
	More bool
}

type Many struct {
	A1, A2, A3, A4, A5, A6, A7, A8         bool
	B1                                     int64
	C1, C2, C3                             int16
	D1                                     *Many
	E1, E2                                 int32
	F1                                     [5]byte
	G1                                     string
	H1                                     complex64
	I1                                     [0]string
	J1, J2, J3, J4, J5, J6, J7, J8, J9, J0 uint8
}

type Node struct {
	Next  *Node
	Val   int
	Dirty bool
}

// Package-level variables of each type: the linker writes DWARF for the types
// of variables (a type only reflect sees may have none).
var (
	vPadded           Padded
	vInner            Inner
	vKinds            Kinds
	vEmbedding        Embedding
	vZeroTail         ZeroTail
	vZeroArrayTail    ZeroArrayTail
	vZeroMiddle       ZeroMiddle
	vAllZero          AllZero
	vEmpty            Empty
	vNested           Nested
	vSixty4           Sixty4
	vAtomics          Atomics
	vPtrOrder         PtrOrder
	vTrailingScalars  TrailingScalars
	vStdlib           Stdlib
	vPair_int8_string Pair[int8, string]
	vPair_string_bool Pair[string, bool]
	vPair_int64_Inner Pair[int64, *Inner]
	vBlanks           Blanks
	vBig              Big
	vMany             Many
	vNode             Node
)

var types = []reflect.Type{
	reflect.TypeOf(&vPadded).Elem(),
	reflect.TypeOf(&vInner).Elem(),
	reflect.TypeOf(&vKinds).Elem(),
	reflect.TypeOf(&vEmbedding).Elem(),
	reflect.TypeOf(&vZeroTail).Elem(),
	reflect.TypeOf(&vZeroArrayTail).Elem(),
	reflect.TypeOf(&vZeroMiddle).Elem(),
	reflect.TypeOf(&vAllZero).Elem(),
	reflect.TypeOf(&vEmpty).Elem(),
	reflect.TypeOf(&vNested).Elem(),
	reflect.TypeOf(&vSixty4).Elem(),
	reflect.TypeOf(&vAtomics).Elem(),
	reflect.TypeOf(&vPtrOrder).Elem(),
	reflect.TypeOf(&vTrailingScalars).Elem(),
	reflect.TypeOf(&vStdlib).Elem(),
	reflect.TypeOf(&vPair_int8_string).Elem(),
	reflect.TypeOf(&vPair_string_bool).Elem(),
	reflect.TypeOf(&vPair_int64_Inner).Elem(),
	reflect.TypeOf(&vBlanks).Elem(),
	reflect.TypeOf(&vBig).Elem(),
	reflect.TypeOf(&vMany).Elem(),
	reflect.TypeOf(&vNode).Elem(),
}

var ptrSize = unsafe.Sizeof(uintptr(0))

// ptrData is the runtime's ptrdata: the length of the prefix of a value of
// type t that can hold pointers (what the GC scans).
func ptrData(t reflect.Type) uintptr {
	switch t.Kind() {
	case reflect.Ptr, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
		reflect.String, reflect.Slice:
		return ptrSize
	case reflect.Interface:
		return 2 * ptrSize
	case reflect.Array:
		if t.Len() == 0 {
			return 0
		}
		if p := ptrData(t.Elem()); p != 0 {
			return uintptr(t.Len()-1)*t.Elem().Size() + p
		}
		return 0
	case reflect.Struct:
		var p uintptr
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if fp := ptrData(f.Type); fp != 0 {
				p = f.Offset + fp
			}
		}
		return p
	}
	return 0
}

type elem struct {
	align, size, ptrdata uintptr
}

func alignUp(o, a uintptr) uintptr {
	return (o + a - 1) &^ (a - 1)
}

// optimal applies fieldalignment's optimalOrder rules to the compiler's own
// sizes and alignments (reflect's, not fieldalignment's gcSizes table, which
// calls complex64 8-aligned on 64-bit targets and knows no align64) and
// lays the fields out as cmd/compile does (a final zero-size field takes a
// byte).
func optimal(t reflect.Type) (size, ptrdata uintptr) {
	es := make([]elem, t.NumField())
	for i := range es {
		ft := t.Field(i).Type
		es[i] = elem{uintptr(ft.Align()), ft.Size(), ptrData(ft)}
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if (a.size == 0) != (b.size == 0) {
			return a.size == 0
		}
		if a.align != b.align {
			return a.align > b.align
		}
		if (a.ptrdata == 0) != (b.ptrdata == 0) {
			return b.ptrdata == 0
		}
		if a.ptrdata != 0 && a.size-a.ptrdata != b.size-b.ptrdata {
			return a.size-a.ptrdata < b.size-b.ptrdata
		}
		return a.size > b.size
	})
	var o, maxAlign uintptr = 0, 1
	for i, e := range es {
		if e.align > maxAlign {
			maxAlign = e.align
		}
		sz := e.size
		if i == len(es)-1 && sz == 0 && o != 0 {
			sz = 1
		}
		o = alignUp(o, e.align)
		if e.ptrdata != 0 {
			ptrdata = o + e.ptrdata
		}
		o += sz
	}
	return alignUp(o, maxAlign), ptrdata
}

func main() {
	w := os.Stdout
	for _, t := range types {
		osz, optr := optimal(t)
		if osz >= t.Size() && optr >= ptrData(t) {
			// Neither smaller nor scanned less: no advice, the
			// order stays (as gomem layout keeps it).
			osz, optr = t.Size(), ptrData(t)
		}
		fmt.Fprintf(w, "S\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", t.String(), t.Size(), t.Align(),
			ptrData(t), osz, optr, t.NumField())
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			fmt.Fprintf(w, "F\t%s\t%d\t%s\t%d\t%d\t%d\n", t.String(), i, f.Name, f.Offset,
				f.Type.Size(), f.Type.FieldAlign())
		}
	}
}
