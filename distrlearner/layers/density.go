// Package layers holds the layers of the distribution learners, each a
// forward pass and a hand-written backward pass over a list of units, so
// that a model pays only for the units it has recruited.
package layers

import (
	"math"

	"github.com/fastslow/distrlearner/internal/fmath"
	"github.com/fastslow/distrlearner/internal/normal2"
)

// MinScale is the floor the original puts on every scale (the diagonal of
// a unit's Cholesky factor) before each forward pass.
const MinScale = 1e-6

// log2Pi is log(2π) rounded to float64, the constant of the normal density
// (Python's math.log(2*math.pi), written out so that no libm is involved).
const log2Pi = 1.8378770664093453

// Density is the original's MultiVariateAttention layer: unit k is a
// normal distribution over D dimensions with mean μ_k and a lower
// triangular Cholesky factor L_k, and its activation is the density
// act_k = exp(log N(x; μ_k, L_k L_kᵀ)).
//
// The original keeps L_k as a full D×D parameter but makes it diagonal
// again before every forward pass (Clamp), so the diagonal σ_k (the
// per-dimension scales) is all that shapes the density. Its strictly
// lower part still receives an SGD step, which only the saved states show;
// Low holds it so that the states match the original's.
type Density struct {
	N, D int

	Mu    []float64 // N×D means μ
	Scale []float64 // N×D diagonal of L: the scales σ
	Low   []float64 // N×P strictly lower part of L, row by row (P = D(D−1)/2)

	GMu    []float64 // ∂L/∂μ of the last Backward
	GScale []float64 // ∂L/∂σ
	GLow   []float64 // ∂L/∂(lower part of L)

	W   []float64 // N×D: w = L⁻¹(x − μ) of the last Forward
	Act []float64 // N: the densities of the last Forward

	logS, logOf []float64 // N×D: log σ, and the σ it is the log of

	// The exponents of the units computed by the last Forward, and those
	// units (the copies left out): their exponentials are taken together
	// (fmath.ExpTo). Backward lists its units there too.
	expArg []float64
	expOf  []int
	// The scales whose logarithms are out of date (N×D at most), and where.
	logArg []float64
	logAt  []int
}

// NewDensity returns a layer of n units over d dimensions, every mean at
// the origin and every scale √w (the Cholesky factor of w·I, as the
// original initialises it from attn_weighting w).
func NewDensity(n, d int, w float64) *Density {
	p := d * (d - 1) / 2
	l := &Density{
		N: n, D: d,
		Mu: make([]float64, n*d), Scale: make([]float64, n*d), Low: make([]float64, n*p),
		GMu: make([]float64, n*d), GScale: make([]float64, n*d), GLow: make([]float64, n*p),
		W: make([]float64, n*d), Act: make([]float64, n),
		logS: make([]float64, n*d), logOf: make([]float64, n*d),
		expArg: make([]float64, n+3), expOf: make([]int, n),
		logArg: make([]float64, n*d+3), logAt: make([]int, n*d),
	}
	s := math.Sqrt(w)
	for i := range l.Scale {
		l.Scale[i] = s
	}
	return l
}

// Clamp does what the original does to its stored Cholesky factors at the
// start of each forward pass: σ = max(σ, MinScale) and the off-diagonal
// part set to zero. It changes the state, not the gradient graph: the
// gradient is then taken at the clamped value. A NaN scale stays NaN, as
// under torch.clamp. Forward clamps the units it computes; Clamp is for
// the others.
func (l *Density) Clamp(units []int) {
	d, p := l.D, l.D*(l.D-1)/2
	for _, k := range units {
		s := l.Scale[k*d : k*d+d]
		for j, v := range s {
			if v < MinScale {
				s[j] = MinScale
			}
		}
		if p > 0 {
			clear(l.Low[k*p : k*p+p])
		}
	}
}

// Forward clamps the factors of the given units (see Clamp) and computes
// their densities at x into Act. As in the original
// (torch.distributions.MultivariateNormal.log_prob, then exp) the log
// density is −½(D·log 2π + Σ_j w_j²) − Σ_j log σ_j with w_j = (x_j − μ_j)/σ_j,
// and a log density below about −745 gives an activation of exactly 0.
// The operations are torch's, in its order, and log and exp round as
// torch.log and torch.exp do (fmath), so that the densities have the
// original's bits: the dual stream amplifies any round-off difference.
func (l *Density) Forward(x []float64, units []int) {
	if l.D == 2 {
		l.forward2(x, units, nil)
		return
	}
	l.forward(x, units, nil)
}

// ForwardShared is Forward for units some of which are copies of others:
// rep[k] is the unit whose parameters unit k's are equal to, bit for bit
// (k itself for a unit that is no copy), and it comes before k in units.
// A copy's density and w are those of its unit, not computed again (the
// same operations on the same values give the same bits); its scales are
// clamped and its lower part cleared as Forward does. The caller keeps
// the copies equal: Backward and ForwardShared leave them so when their
// gradients step them the same way.
func (l *Density) ForwardShared(x []float64, units []int, rep []int) {
	if l.D == 2 {
		l.forward2(x, units, rep)
		return
	}
	l.forward(x, units, rep)
}

// forward is Forward (rep nil) or ForwardShared for any number of dimensions.
func (l *Density) forward(x []float64, units []int, rep []int) {
	d, p := l.D, l.D*(l.D-1)/2
	c := float64(d) * log2Pi
	x = x[:d]
	l.logs(units, rep)
	n := 0
	for _, k := range units {
		if rep != nil {
			if r := rep[k]; r != k {
				l.copyUnit(k, r)
				continue
			}
		}
		mu := l.Mu[k*d : k*d+d]
		s := l.Scale[k*d : k*d+d] // clamped by logs
		w := l.W[k*d : k*d+d]
		ls := l.logS[k*d : k*d+d]
		var m, hld float64
		for j := range w {
			sj := s[j]
			wj := (x[j] - mu[j]) / sj
			w[j] = wj
			m += wj * wj
			hld += ls[j]
		}
		if p > 0 {
			clear(l.Low[k*p : k*p+p])
		}
		l.expArg[n], l.expOf[n] = -0.5*(c+m)-hld, k
		n++
	}
	l.exp(l.expOf[:n], units, rep)
}

// logs clamps the scales of the units that Forward computes (not the
// copies, which copyUnit clamps) and brings their logarithms up to date,
// all in one call of fmath.LogTo: log σ only changes when σ does, and most
// SGD steps of a unit far from the stimulus are below σ's precision.
func (l *Density) logs(units, rep []int) {
	d := l.D
	n := 0
	for _, k := range units {
		if rep != nil && rep[k] != k {
			continue
		}
		for j := k * d; j < k*d+d; j++ {
			sj := l.Scale[j]
			if sj < MinScale {
				sj = MinScale
				l.Scale[j] = sj
			}
			if sj != l.logOf[j] {
				l.logOf[j] = sj
				l.logArg[n], l.logAt[n] = sj, j
				n++
			}
		}
	}
	arg := pad4(l.logArg, n, 1)
	fmath.LogTo(arg, arg)
	for i, j := range l.logAt[:n] {
		l.logS[j] = arg[i]
	}
}

// exp sets the activations of the units at computed (of units) to the
// exponentials of their exponents in expArg, then each copy's to its
// unit's.
func (l *Density) exp(at, units, rep []int) {
	arg := pad4(l.expArg, len(at), 0)
	fmath.ExpTo(arg, arg)
	for i, k := range at {
		l.Act[k] = arg[i]
	}
	if rep == nil || len(at) == len(units) {
		return
	}
	for _, k := range units {
		if r := rep[k]; r != k {
			l.Act[k] = l.Act[r]
		}
	}
}

// pad4 returns v[:n] extended to a multiple of 4 values with fill: the
// vector kernels of fmath then take every value (the scalar tail, one
// call a value, costs as much as 5 vectors), and the results they give the
// padding are not read. v must hold n+3 values.
func pad4(v []float64, n int, fill float64) []float64 {
	m := (n + 3) &^ 3
	v = v[:m]
	for i := n; i < m; i++ {
		v[i] = fill
	}
	return v
}

// Backward writes the gradients of the loss with respect to the means,
// the scales and the lower part of the factors of the given units into
// GMu, GScale and GLow, from dAct[k] = ∂L/∂act_k and the values cached by
// the last Forward. With a = act_k, g = dAct[k]·a and w as in Forward:
//
//	∂L/∂μ_j    = g·w_j/σ_j
//	∂L/∂σ_j    = g·(w_j² − 1)/σ_j
//	∂L/∂L_ij   = g·w_i·w_j/σ_i   (i > j)
//
// An activation that underflowed to 0 gives gradients of exactly 0.
func (l *Density) Backward(dAct []float64, units []int) {
	if l.D == 2 {
		l.backward2(dAct, units, nil)
		return
	}
	l.backward(dAct, units, nil)
}

// BackwardShared is Backward for units some of which are copies of others,
// as for ForwardShared (dAct[k] must equal dAct[rep[k]]): a copy's
// gradients are those of its unit.
func (l *Density) BackwardShared(dAct []float64, units []int, rep []int) {
	if l.D == 2 {
		l.backward2(dAct, units, rep)
		return
	}
	l.backward(dAct, units, rep)
}

// copyUnit does Forward's work for unit k, a copy of unit r whose
// Forward is done: clamp, clear the lower part, take r's w (its density
// is taken with the others', after the exponentials).
func (l *Density) copyUnit(k, r int) {
	d, p := l.D, l.D*(l.D-1)/2
	s := l.Scale[k*d : k*d+d]
	for j, v := range s {
		if v < MinScale {
			s[j] = MinScale
		}
	}
	if p > 0 {
		clear(l.Low[k*p : k*p+p])
	}
	copy(l.W[k*d:k*d+d], l.W[r*d:r*d+d])
}

// copyGrad does Backward's work for unit k, a copy of unit r whose
// Backward is done: take r's gradients.
func (l *Density) copyGrad(k, r int) {
	d, p := l.D, l.D*(l.D-1)/2
	copy(l.GMu[k*d:k*d+d], l.GMu[r*d:r*d+d])
	copy(l.GScale[k*d:k*d+d], l.GScale[r*d:r*d+d])
	copy(l.GLow[k*p:k*p+p], l.GLow[r*p:r*p+p])
}

// backward is Backward (rep nil) or BackwardShared for any number of dimensions.
func (l *Density) backward(dAct []float64, units []int, rep []int) {
	d, p := l.D, l.D*(l.D-1)/2
	for _, k := range units {
		if rep != nil {
			if r := rep[k]; r != k {
				l.copyGrad(k, r)
				continue
			}
		}
		// The steps follow torch's autograd: g is ∂L/∂(log density);
		// b_i = g·w_i/σ_i is −∂L/∂(x−μ)_i from the triangular solve.
		g := dAct[k] * l.Act[k]
		s := l.Scale[k*d : k*d+d]
		w := l.W[k*d : k*d+d]
		gmu := l.GMu[k*d : k*d+d]
		gs := l.GScale[k*d : k*d+d]
		glo := l.GLow[k*p : k*p+p]
		q := 0
		for i := range w {
			b := g * w[i] / s[i]
			gmu[i] = b
			gs[i] = b*w[i] - g/s[i]
			for j := 0; j < i; j++ {
				glo[q] = b * w[j]
				q++
			}
		}
	}
}

// forward2 is Forward for two dimensions (the new stimuli):
// normal2.ForwardScan does the units' arithmetic, forward's operations in
// the same order, so the bits are the same, and clamps the scales and
// finds those whose logarithms are out of date as it goes (logs' work);
// the units whose scales changed then get their exponents again.
func (l *Density) forward2(x []float64, units []int, rep []int) {
	const c = 2 * log2Pi
	at := units
	if rep != nil {
		at = l.expOf[:0]
	}
	for _, k := range units {
		if rep == nil {
			break // ForwardScan clears the lower parts
		}
		l.Low[k] = 0
		if rep[k] == k {
			at = append(at, k)
			continue
		}
		// A copy: clamp as ForwardScan does; it takes its unit's w below.
		s := (*[2]float64)(l.Scale[2*k : 2*k+2])
		if s[0] < MinScale {
			s[0] = MinScale
		}
		if s[1] < MinScale {
			s[1] = MinScale
		}
	}
	arg := l.expArg[:len(at)]
	n := normal2.ForwardScan(x, c, MinScale, at, l.Mu, l.Scale, l.logS, l.logOf, l.W, arg, l.Low, l.logAt)
	if n > 0 {
		changed := l.logAt[:n]
		v := l.logArg
		for e, p := range changed {
			v[e] = l.Scale[2*at[p>>1]+(p&1)]
		}
		v = pad4(v, n, 1)
		fmath.LogTo(v, v)
		for e, p := range changed {
			l.logS[2*at[p>>1]+(p&1)] = v[e]
		}
		for _, p := range changed {
			i := p >> 1
			arg[i] = normal2.Arg(c, at[i], l.W, l.logS)
		}
	}
	if len(at) < len(units) {
		for _, k := range units {
			if r := rep[k]; r != k {
				l.W[2*k], l.W[2*k+1] = l.W[2*r], l.W[2*r+1]
			}
		}
	}
	l.exp(at, units, rep)
}

// backward2 is Backward for two dimensions: normal2.Backward does the
// units' arithmetic (the same bits as backward's).
func (l *Density) backward2(dAct []float64, units []int, rep []int) {
	at := units
	if rep != nil {
		at = l.expOf[:0]
		for _, k := range units {
			if rep[k] == k {
				at = append(at, k)
			}
		}
	}
	normal2.Backward(at, dAct, l.Act, l.W, l.Scale, l.GMu, l.GScale, l.GLow)
	if len(at) == len(units) {
		return
	}
	for _, k := range units {
		if r := rep[k]; r != k {
			l.copyGrad(k, r)
		}
	}
}
