//go:build !purego

package affine

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd asm && go run . -out ../affine_amd64.s -stubs ../stubs_amd64.go -pkg affine"

// hasVec reports whether the vector kernels run on this machine: AVX2
// and FMA, read once from the CPU's features.
var hasVec = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// forwardVec runs Forward through the vector kernel and reports whether
// it did.
func forwardVec(w, x, b, y []float64) bool {
	if hasVec {
		forwardAVX2(w, x, b, y)
	}
	return hasVec
}

// smallW is the largest weight matrix (in values: 32 KB, within L1) whose
// backward pass runs column blocks outside and rows inside, each dx_j
// summed in a register; larger ones run four rows at a time, each row
// read from memory once.
const smallW = 4096

// backwardStepVec runs BackwardStep through the vector kernel and reports
// whether it did.
func backwardStepVec(w, x, dy, dx []float64, a float64) bool {
	switch {
	case !hasVec:
		return false
	case dx != nil && len(w) <= smallW:
		backwardStepColsAVX2(w, x, dy, dx, a)
	case dx != nil:
		backwardStepAVX2(w, x, dy, dx, a)
	default:
		backwardStepNoDxAVX2(w, x, dy, a)
	}
	return true
}

// backwardStepMomentumVec runs BackwardStepMomentum through the vector
// kernel and reports whether it did.
func backwardStepMomentumVec(w, v, x, dy, dx []float64, a, m float64) bool {
	switch {
	case !hasVec:
		return false
	case dx != nil && len(w) <= smallW:
		backwardStepMomentumColsAVX2(w, v, x, dy, dx, a, m)
	case dx != nil:
		backwardStepMomentumAVX2(w, v, x, dy, dx, a, m)
	default:
		backwardStepMomentumNoDxAVX2(w, v, x, dy, a, m)
	}
	return true
}

// stepVec runs Step through the vector kernel and reports whether it did.
func stepVec(val []float64, a float64, d []float64) bool {
	if hasVec {
		stepAVX2(val, d, a)
	}
	return hasVec
}
