// Package vmath holds math.Exp and math.Log over slices, 4 values at a
// time where the CPU has AVX2 and FMA (and the build is not purego), with
// their bits on this machine: the kernels are Go's own amd64 assembly (for
// Exp its FMA path, which math.Exp takes on such a CPU) computed in lanes,
// each lane with the same operations in the same order. It also holds the
// C library's exp (CExp), which PyTorch's sigmoid calls, and the binary
// cross-entropy's two functions of its logits in lanes of both
// (SoftplusSigmoid). The clustering model's layers and the binary
// cross-entropy of every model take a few of each per trial; the
// generator's emitters (package gen/emit) also write the clustering
// layers' fused kernels.
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

// SoftplusSigmoid sets l[i] = math.Log(1 + math.Exp(−|z[i]|)) and
// s[i] = 1/(1 + CExp(−z[i])) for every i < len(z): the logarithm of the
// binary cross-entropy's stable form and the sigmoid of its gradient, as
// PyTorch computes it (with the C library's exp). l and s must be at least
// as long as z. The lanes take 4 values at a time, a tail of fewer padded
// with 1; a block with a value outside the lanes' range (|z| < 2^−54 or
// ≥ 512, ±Inf, NaN) is computed one value at a time.
func SoftplusSigmoid(l, s, z []float64) {
	n := len(z)
	l, s = l[:n], s[:n]
	for i := 0; i < n; i += 4 {
		m := min(n-i, 4)
		if hasVector {
			var out [8]float64 // l, then s
			x := [4]float64{1, 1, 1, 1}
			copy(x[:], z[i:i+m])
			if softplusSigmoid4AVX2(&out, &cexpTab[0], x[0], x[1], x[2], x[3]) {
				copy(l[i:i+m], out[:m])
				copy(s[i:i+m], out[4:4+m])
				continue
			}
		}
		for j := i; j < i+m; j++ {
			l[j] = softplusNegAbs(z[j])
			s[j] = 1 / (1 + CExp(-z[j]))
		}
	}
}

func softplusNegAbs(x float64) float64 { return math.Log(1 + math.Exp(-math.Abs(x))) }

// Vector reports whether this package's kernels run (AVX2 and FMA, and not
// a purego build), for packages whose kernels are generated from the same
// code and so need the same CPU.
func Vector() bool { return hasVector }
