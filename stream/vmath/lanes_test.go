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

// TestSoftplusSigmoidExp2Lanes: where the kernels run, the kernel of the
// loss and the softmax of 2 logits takes logits in the sigmoid's range and
// softmax arguments in [−700, 700], and refuses the others.
func TestSoftplusSigmoidExp2Lanes(t *testing.T) {
	if !hasVector {
		t.Skip("no vector kernel in this build")
	}
	var out [12]float64
	for _, x := range [][4]float64{{1, 1, 0, 0}, {0x1p-54, -511.9, 0, -700}, {-3.7, 0.25, -3.95, 0}, {2, 3, math.Copysign(0, -1), 700}} {
		if !softplusSigmoidExp2AVX2(&out, &cexpTab[0], &cexpConst, x[0], x[1], x[2], x[3]) {
			t.Errorf("%v refused", x)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), math.Nextafter(0x1p-54, 0), 512, -512, 800, math.Inf(1), math.Inf(-1), math.NaN()} {
		for i := range 2 {
			x := [4]float64{1, 1, 0, 0}
			x[i] = v
			if softplusSigmoidExp2AVX2(&out, &cexpTab[0], &cexpConst, x[0], x[1], x[2], x[3]) {
				t.Errorf("%v accepted", x)
			}
		}
	}
	for _, v := range []float64{math.Nextafter(-700, -800), 700.5, -1e300, math.Inf(1), math.Inf(-1), math.NaN()} {
		for i := 2; i < 4; i++ {
			x := [4]float64{1, 1, 0, 0}
			x[i] = v
			if softplusSigmoidExp2AVX2(&out, &cexpTab[0], &cexpConst, x[0], x[1], x[2], x[3]) {
				t.Errorf("%v accepted", x)
			}
		}
	}
}
