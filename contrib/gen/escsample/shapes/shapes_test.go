package shapes

import "testing"

func TestLabel(t *testing.T) {
	p := &Point{1, 2}
	if got := Label(*p); got != "P1,2" {
		t.Errorf("Label = %q", got)
	}
}
