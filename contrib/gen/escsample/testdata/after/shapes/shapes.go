package shapes

import (
	"strconv"
)

// Point is a 2-D point.
type Point struct{ X, Y int }

// registry keeps every point it is given (an unchanged escape).
var registry []*Point

// Register appends a new point to the registry.
func Register(x, y int) {
	p := &Point{x, y}
	registry = append(registry, p)
}

// MakePoint now returns a pointer.
func MakePoint(x, y int) *Point {
	p := Point{X: x, Y: y}
	return &p
}

// Label no longer uses fmt.
func Label(p Point) string {
	return "P" + strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y)
}

// Sum adds n values using a scratch buffer sized by n.
func Sum(n int) int {
	buf := make([]int, n)
	for i := 0; i < n && i < len(buf); i++ {
		buf[i] = i
	}
	t := 0
	for _, v := range buf {
		t += v
	}
	return t
}

// Counter returns a closure over a captured variable.
func Counter() func() int {
	c := 0
	return func() int { c++; return c }
}

// Keep leaks its parameter to the heap; First leaks its content to the
// result; Peek lets nothing escape.
var kept *Point

func Keep(p *Point) { kept = p }

func First(ps []*Point) *Point { return ps[0] }

func Peek(p *Point) int { return p.X + p.Y }
