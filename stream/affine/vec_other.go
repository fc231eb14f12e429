//go:build !amd64 || purego

package affine

// hasVec reports whether vector kernels run on this machine: never in
// this build (not amd64, or the purego tag).
const hasVec = false

func forwardVec(w, x, b, y []float64) bool                                 { return false }
func backwardStepVec(w, x, dy, dx []float64, a float64) bool               { return false }
func backwardStepMomentumVec(w, v, x, dy, dx []float64, a, m float64) bool { return false }
func stepVec(val []float64, a float64, d []float64) bool                   { return false }
