// Package vmath holds math.Exp and math.Log over slices, 4 values at a
// time where the CPU has AVX2 and FMA (and the build is not purego), with
// their bits on this machine: the kernels are Go's own amd64 assembly (for
// Exp its FMA path, which math.Exp takes on such a CPU) computed in lanes,
// each lane with the same operations in the same order. The clustering
// model's layers and the binary cross-entropy of every model take a few
// of each per trial; the generator's emitters (package gen/emit) also
// write the clustering layers' fused kernels.
package vmath

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg vmath -out ../vmath_amd64.s -stubs ../vmath_amd64.go"
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
	if hasVector && n >= 4 && Positive(src) {
		i = n &^ 3
		logAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = math.Log(src[i])
	}
}

// Positive reports whether every value is positive and finite, where the
// lanes compute as math.Log does without its special cases.
func Positive(v []float64) bool {
	for _, x := range v {
		if !(x > 0 && x <= math.MaxFloat64) {
			return false
		}
	}
	return true
}

// SoftplusNegAbs sets dst[i] = math.Log(1 + math.Exp(−|src[i]|)) for
// every i < len(src): the logarithm of the binary cross-entropy's stable
// form. dst must be at least as long as src; the two may be the same
// slice. A tail of fewer than 4 values runs in lanes too, padded with 0.
func SoftplusNegAbs(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if hasVector && n > 0 && inRange(src) {
		i = n &^ 3
		if i > 0 {
			softplusNegAbsAVX2(&dst[0], &src[0], i)
		}
		if i < n {
			var x [3]float64 // the tail, padded with 0
			for j := range n - i {
				x[j] = src[i+j]
			}
			var out [4]float64
			softplusNegAbs4AVX2(&out, x[0], x[1], x[2], 0)
			for j := range n - i {
				dst[i+j] = out[j]
			}
			i = n
		}
	}
	for ; i < n; i++ {
		dst[i] = softplusNegAbs(src[i])
	}
}

func softplusNegAbs(x float64) float64 { return math.Log(1 + math.Exp(-math.Abs(x))) }

// Vector reports whether this package's kernels run (AVX2 and FMA, and not
// a purego build), for packages whose kernels are generated from the same
// code and so need the same CPU.
func Vector() bool { return hasVector }
