package vmath

import (
	"math"
	"testing"
)

// TestSoftplusSigmoidLanes: where the kernels run, the binary
// cross-entropy's kernel takes values in its range (so that the vector
// path is the one the other tests compare) and refuses the others, so that
// they are computed one at a time.
func TestSoftplusSigmoidLanes(t *testing.T) {
	if !hasVector {
		t.Skip("no vector kernel in this build")
	}
	var out [8]float64
	for _, x := range [][4]float64{{1, 1, 1, 1}, {0x1p-54, -0x1p-54, 511.9, -511.9}, {-3.7, 0.25, 1e-10, 40}} {
		if !softplusSigmoid4AVX2(&out, &cexpTab[0], &cexpConst, x[0], x[1], x[2], x[3]) {
			t.Errorf("%v refused", x)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), math.Nextafter(0x1p-54, 0), 512, -512, 800, math.Inf(1), math.Inf(-1), math.NaN()} {
		for i := range 4 {
			x := [4]float64{1, 1, 1, 1}
			x[i] = v
			if softplusSigmoid4AVX2(&out, &cexpTab[0], &cexpConst, x[0], x[1], x[2], x[3]) {
				t.Errorf("%v accepted", x)
			}
		}
	}
}
