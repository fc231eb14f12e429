package layers

import (
	"math"

	"github.com/fastslow/stream/power"
)

// AttentionRule selects the derivative the hidden layer's backward pass
// gives for the attention strengths.
type AttentionRule int

const (
	// Kruschke is the derivative of Kruschke (1992, Eq. 6) and catlearn:
	// ∂a_j/∂α_i = −c·a_j·|h_ji − x_i|, exact for r = q = 1 and used as is
	// for any r and q.
	Kruschke AttentionRule = iota
	// Gradient is the exact derivative for any r and q:
	// ∂a_j/∂α_i = −c·a_j·q·d_j^(q−1)·(1/r)·s_j^(1/r−1)·|h_ji − x_i|^r,
	// with s_j the attention-weighted sum and d_j = s_j^(1/r); it is taken
	// as 0 where s_j = 0 (the derivative does not exist there for r > 1).
	Gradient
)

// Hidden is ALCOVE's layer of exemplar (hidden) nodes: node j at position
// h_j has activation a_j = exp(−c·d_j^q), d_j = (Σ_i α_i |h_ji − x_i|^r)^(1/r),
// the sum running over the dimensions that are not missing.
type Hidden struct {
	H, D    int
	C, R, Q float64
	Nodes   []float64 // node positions, H×D (a view of the caller's state)

	diff    []float64 // |h_ji − x_i|, H×D
	sum     []float64 // s_j, H
	act     []float64 // a_j, H
	missing []bool    // dimension i missing on the last forward pass
	bp      []float64 // backward scratch, H
}

// NewHidden returns a hidden layer over the node positions nodes (H×D,
// kept as a view) with specificity c, distance metric r and similarity
// gradient q.
func NewHidden(nodes []float64, h, d int, c, r, q float64) *Hidden {
	return &Hidden{H: h, D: d, C: c, R: r, Q: q, Nodes: nodes,
		diff: make([]float64, h*d), sum: make([]float64, h), act: make([]float64, h),
		missing: make([]bool, d), bp: make([]float64, h)}
}

// Forward returns the activations of the hidden nodes for stimulus x
// (D values; a NaN value marks a missing dimension, left out of every
// distance) under attention alpha (D). The returned slice is owned by
// the layer.
func (l *Hidden) Forward(x, alpha []float64) []float64 {
	D := l.D
	for i, v := range x {
		l.missing[i] = math.IsNaN(v)
	}
	negC := -1.0 * l.C
	for j := 0; j < l.H; j++ {
		h := l.Nodes[j*D : j*D+D]
		dj := l.diff[j*D : j*D+D]
		var s float64
		for i, v := range x {
			dj[i] = math.Abs(h[i] - v)
			if !l.missing[i] {
				s += power.R(dj[i], l.R) * alpha[i]
			}
		}
		l.sum[j] = s
		l.act[j] = math.Exp(negC * power.R(power.Root(s, l.R), l.Q))
	}
	return l.act
}

// Activations returns the activations of the last forward pass.
func (l *Hidden) Activations() []float64 { return l.act }

// Missing reports whether dimension i was missing on the last forward pass.
func (l *Hidden) Missing(i int) bool { return l.missing[i] }

// Backward writes into galpha (D) the derivative ∂E/∂α of a scalar E
// whose derivative with respect to the activations of the last forward
// pass is gact (H), under rule. A missing dimension gets 0.
func (l *Hidden) Backward(gact, galpha []float64, rule AttentionRule) {
	D := l.D
	// bp_j = −∂E/∂a_j · a_j · c, grouped as catlearn groups its
	// back-propagated error ((Σ_k pe_k w_kj)·a_j)·c, so that the step
	// −λ_α·∂E/∂α has catlearn's bits.
	for j := 0; j < l.H; j++ {
		l.bp[j] = -gact[j] * l.act[j] * l.C
	}
	if rule == Gradient && !(l.R == 1 && l.Q == 1) {
		for j := 0; j < l.H; j++ {
			s := l.sum[j]
			if s == 0 {
				l.bp[j] = 0
				continue
			}
			d := power.Root(s, l.R)
			// q·d^(q−1)·(1/r)·s^(1/r−1) = q·d^q/(r·s).
			l.bp[j] *= l.Q * power.R(d, l.Q) / (l.R * s)
		}
	}
	for i := 0; i < D; i++ {
		var g float64
		if !l.missing[i] {
			for j := 0; j < l.H; j++ {
				dij := l.diff[j*D+i]
				if rule == Gradient {
					dij = power.R(dij, l.R)
				}
				g += l.bp[j] * dij
			}
		}
		galpha[i] = g
	}
}
