// Package layers holds the pieces of the multi-unit clustering model, each
// with its forward computation and its hand-written derivative: the unit
// activation (and its derivative with respect to the attention) and the
// association layer (and the gradient of a loss with respect to its
// weights). The winner selection, which breaks ties as torch.topk does,
// is the kernel's stream/topk.
package layers

import (
	"math"

	"github.com/fastslow/stream/power"
)

// Activation is the activation of a unit at position u for a stimulus x
// under attention a:
//
//	act = c·exp(−c·S^(1/r)),  S = Σ_j a_j·|x_j − u_j|^r,
//
// with specificity C and distance exponent R (1 city-block, 2 Euclidean).
type Activation struct {
	C float64 // specificity c
	R float64 // distance exponent r

	// LiteralZero makes DAct follow the original at S = 0 with r ≠ 1,
	// where autograd multiplies an infinite derivative by zero distances
	// and the attention becomes NaN; by default the derivative is 0 there.
	LiteralZero bool
}

// Dist writes the per-dimension distances d_j = |x_j − u_j|^r into d and
// returns their attention-weighted sum S = Σ_j a_j·d_j, summed in
// dimension order as torch sums a row.
func (f Activation) Dist(x, u, a, d []float64) float64 {
	var s float64
	for j, xj := range x {
		dj := power.Torch(math.Abs(xj-u[j]), f.R)
		d[j] = dj
		s += dj * a[j]
	}
	return s
}

// Act returns the activation c·exp(−c·S^(1/r)) of a unit at weighted
// distance S, computed in the original's order of operations:
// ActExp(Exponent(S)).
func (f Activation) Act(s float64) float64 {
	return f.C * math.Exp(-(power.Root(s, f.R) * f.C))
}

// Exponent returns e = S^(1/r)·c, so that act = ActExp(e). Activations
// fall as e grows: a caller can rank units by e and compute exp only where
// the ranking is close.
func (f Activation) Exponent(s float64) float64 { return power.Root(s, f.R) * f.C }

// ActExp returns c·exp(−e) for e = Exponent(S), bit for bit Act(S).
func (f Activation) ActExp(e float64) float64 { return f.C * math.Exp(-e) }

// DAct returns ∂act/∂S = −c·act·(1/r)·S^(1/r−1) for a unit of activation
// act at weighted distance S, so that ∂act/∂a_j = DAct·d_j.
//
// For r ≠ 1 the derivative is infinite at S = 0 (a unit sitting on the
// stimulus). The original multiplies that infinity by the zero distances
// and its attention becomes NaN; by default DAct returns 0 there, the
// limit of ∂act/∂a_j along any path on which all d_j vanish together.
// With LiteralZero it returns the original's −∞.
func (f Activation) DAct(act, s float64) float64 {
	if f.R == 1 {
		return -f.C * act
	}
	if s == 0 && !f.LiteralZero {
		return 0
	}
	return -f.C * act * (1 / f.R) * math.Pow(s, 1/f.R-1)
}
