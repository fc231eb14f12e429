// Package vexp holds math.Exp and math.Log over slices, and the clustering
// layers' element-wise steps fused around them, 4 values at a time
// where the CPU has AVX2 and FMA (and the build is not purego), with their
// bits on this machine: the kernels are Go's own amd64 assembly (for Exp
// its FMA path, which math.Exp takes on such a CPU) computed in lanes,
// each lane with the same operations in the same order. The clustering
// model's softmaxes and activations take a few of each per trial.
package vexp

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg vexp -out ../vexp_amd64.s -stubs ../vexp_amd64.go"
import "math"

// To sets dst[i] = math.Exp(src[i]) for every i < len(src). dst must be
// at least as long as src; the two may be the same slice.
func To(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if hasVector && n >= 4 && inRange(src) {
		i = n &^ 3
		expAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = math.Exp(src[i])
	}
}

// inRange reports whether every value is in [−700, 700], where the kernel
// computes as math.Exp does without its special cases.
func inRange(v []float64) bool {
	for _, x := range v {
		if !(x >= -700 && x <= 700) {
			return false
		}
	}
	return true
}

// LogTo sets dst[i] = math.Log(src[i]) for every i < len(src), as To does
// for Exp.
func LogTo(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if hasVector && n >= 4 && positive(src) {
		i = n &^ 3
		logAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = math.Log(src[i])
	}
}

// positive reports whether every value is positive and finite, where the
// kernel computes as math.Log does without its special cases.
func positive(v []float64) bool {
	for _, x := range v {
		if !(x > 0 && x <= math.MaxFloat64) {
			return false
		}
	}
	return true
}
