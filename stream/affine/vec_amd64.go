//go:build !purego

package affine

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd asm && go run . -out ../affine_amd64.s -stubs ../stubs_amd64.go -pkg affine"

// hasVec reports whether the vector kernels run on this machine: AVX2
// and FMA, read once from the CPU's features.
var hasVec = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// forwardVec runs Forward's leading rows, a multiple of 4, through the
// vector kernels and returns how many it did.
func forwardVec(w, x, b, y []float64) int {
	if !hasVec {
		return 0
	}
	n, o := len(x), 0
	for _, k := range []struct {
		rows int
		f    func(w, x, b, y []float64)
	}{{16, forward16AVX2}, {8, forward8AVX2}, {4, forward4AVX2}} {
		r := (len(y) - o) / k.rows * k.rows
		if r > 0 {
			k.f(w[o*n:(o+r)*n], x, b[o:o+r], y[o:o+r])
			o += r
		}
	}
	return o
}

// backwardStepVec runs BackwardStep's leading rows, a multiple of 4,
// through the vector kernel and returns how many it did.
func backwardStepVec(w, x, dy, dx []float64, a float64) int {
	r := len(dy) &^ 3
	if !hasVec || r == 0 {
		return 0
	}
	if dx != nil {
		backwardStep4AVX2(w[:r*len(x)], x, dy[:r], dx, a)
	} else {
		backwardStepNoDx4AVX2(w[:r*len(x)], x, dy[:r], a)
	}
	return r
}

// backwardStepMomentumVec runs BackwardStepMomentum's leading rows, a
// multiple of 4, through the vector kernel and returns how many it did.
func backwardStepMomentumVec(w, v, x, dy, dx []float64, a, m float64) int {
	r := len(dy) &^ 3
	if !hasVec || r == 0 {
		return 0
	}
	n := len(x)
	if dx != nil {
		backwardStepMomentum4AVX2(w[:r*n], v[:r*n], x, dy[:r], dx, a, m)
	} else {
		backwardStepMomentumNoDx4AVX2(w[:r*n], v[:r*n], x, dy[:r], a, m)
	}
	return r
}
