// Package vmath holds math.Exp and math.Log over slices, 4 values at a
// time where the CPU has AVX2 and FMA (and the build is not purego), with
// their bits on this machine: the kernels are Go's own amd64 assembly (for
// Exp its FMA path, which math.Exp takes on such a CPU) computed in lanes,
// each lane with the same operations in the same order. It also holds the
// C library's exp (CExp), which PyTorch's sigmoid calls, and the binary
// cross-entropy's two functions of its logits in lanes of both
// (SoftplusSigmoid4; for 2 logits with their softmax's exponentials in
// the lanes left idle, SoftplusSigmoidExp2), and the values of many
// trials' cross-entropies and probabilities of error (BCEPairs). The clustering model's layers and the binary
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

// SoftplusSigmoid4 sets dst[i] = math.Log(1 + math.Exp(−|zi|)) and
// dst[4+i] = 1/(1 + CExp(−zi)) for the four values, in lanes: the
// logarithm of the binary cross-entropy's stable form and the sigmoid of
// its gradient as PyTorch computes it (with the C library's exp). It
// reports false, dst unspecified, where the lanes do not run: in a build
// without the kernel, or when a |zi| is outside [2^−54, 512) (0, ±Inf and
// NaN included); the caller then computes the formulas itself. A caller
// with fewer than 4 values passes 1 for the others.
func SoftplusSigmoid4(dst *[8]float64, z0, z1, z2, z3 float64) bool {
	return hasVector && softplusSigmoid4AVX2(dst, &cexpTab[0], &cexpConst, z0, z1, z2, z3)
}

// SoftplusSigmoidExp2 is SoftplusSigmoid4 for two values z0 and z1
// (dst[i] and dst[4+i], i = 0, 1) that also sets dst[10+i] =
// math.Exp(−|di|), in the lanes SoftplusSigmoid4 leaves idle: the
// exponentials of a softmax of the same two logits, di = zi − max(z0, z1)
// ≤ 0 (for which −|di| is di, or −0 when di is 0, whose exponential is 1
// as 0's is). It reports false, dst unspecified, where SoftplusSigmoid4
// would, or when a di is outside [−700, 700] (NaN included).
func SoftplusSigmoidExp2(dst *[12]float64, z0, z1, d0, d1 float64) bool {
	return hasVector && softplusSigmoidExp2AVX2(dst, &cexpTab[0], &cexpConst, z0, z1, d0, d1)
}

// BCEPairs sets, for the logits z and targets y of len(z)/2 trials of 2
// logits each, t[2i] to trial i's binary cross-entropy (the mean of its
// two terms (1 − y)·z + max(−z, 0) + math.Log(1 + math.Exp(−|z|)), added
// from 0 in order: loss.BCELogits' value for finite logits) and q[2i+c]
// to 1 − softmax(z)_c, with softmax(z)_c = math.Exp(z_c − max)/(0 + e0 +
// e1), each with the scalar formulas' bits. t and q must be as long as z,
// y at least as long; t[2i+1] is left unspecified. It reports false,
// t and q unspecified, where the lanes do not run: in a build without the
// kernel, when len(z) is not a multiple of 4, or when an exponential's
// argument is outside [−700, 700] (a logit of magnitude above 700, a pair
// further apart, ±Inf or NaN); the caller then computes the formulas
// itself.
func BCEPairs(t, q, z, y []float64) bool {
	n := len(z)
	if !hasVector || n == 0 || n&3 != 0 {
		return false
	}
	t, q, y = t[:n], q[:n], y[:n]
	return bcePairsAVX2(&t[0], &q[0], &z[0], &y[0], n)
}

// Vector reports whether this package's kernels run (AVX2 and FMA, and not
// a purego build), for packages whose kernels are generated from the same
// code and so need the same CPU.
func Vector() bool { return hasVector }
