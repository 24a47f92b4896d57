// Command escsample is a tiny stdlib-only program whose compiler escape
// diagnostics (-gcflags=-m, -m=2, -json=0,DIR) are the fixtures of
// gomem escape(1). See gen.sh.
package main

import (
	"fmt"
	"os"

	"gomem.example/escsample/shapes"
)

func main() {
	shapes.Register(1, 2)
	p := shapes.MakePoint(3, 4)
	fmt.Fprintln(os.Stdout, shapes.Label(p), shapes.Sum(8), shapes.Counter()())
}
