package layers

import "github.com/fastslow/clustering/internal/vexp"

// ClusterSoftmax weights each nonzero input by its softmax over the nonzero
// inputs: out_k = v_k · exp(v_k/t_k) / Σ_{l: v_l≠0} exp(v_l/t_l), and 0 where
// v_k = 0. The original uses it twice: as the competition between the
// recruited clusters and as the soft winner-take-all.
//
// The temperature is either a number T (t_k = T) or, with Beta > 0, the
// original's "equivalent" temperature t_k = v_k / (β ln v_k), under which
// out_k = v_k · v_k^β / Σ v_l^β. It is computed as the original computes it,
// exp(v/t) with that t, and differentiated through t as autograd does.
// Neither softmax subtracts its maximum, as in the original.
type ClusterSoftmax struct {
	K    int
	Beta float64 // β of the equivalent temperature, or 0 for a fixed temperature
	Temp float64 // the fixed temperature when Beta is 0

	in []float64
	nz []int // the nonzero inputs, in increasing order
	// stale says that nz is not computed yet: the fused kernel wrote p and
	// out for every unit, and the nonzero inputs of in are listed only
	// when asked (the model's backward of config1 does not ask).
	stale bool
	// Per nonzero input, by its position in nz, padded to whole lanes:
	u []float64 // v
	e []float64 // the softmax
	o []float64 // v times the softmax

	p   []float64 // the softmax over the nonzero inputs, 0 elsewhere (by unit)
	out []float64 // by unit
}

// NewCompetition returns the competition layer of k clusters with the
// equivalent temperature of β.
func NewCompetition(k int, beta float64) *ClusterSoftmax {
	return newClusterSoftmax(k, beta, 0)
}

// NewSoftmax returns a cluster softmax over k clusters with the fixed
// temperature temp: the soft winner-take-all, or a competition with a
// numeric temperature.
func NewSoftmax(k int, temp float64) *ClusterSoftmax {
	return newClusterSoftmax(k, 0, temp)
}

func newClusterSoftmax(k int, beta, temp float64) *ClusterSoftmax {
	return &ClusterSoftmax{K: k, Beta: beta, Temp: temp,
		nz: make([]int, 0, k), u: make([]float64, lanes(k)), e: make([]float64, lanes(k)),
		o: make([]float64, lanes(k)), p: make([]float64, k), out: make([]float64, k)}
}

// Reset puts the layer back as it was made, for a model reused by
// another run.
func (l *ClusterSoftmax) Reset() {
	for _, b := range [...][]float64{l.u, l.e, l.o, l.p, l.out} {
		clear(b)
	}
	l.in, l.nz, l.stale = nil, l.nz[:0], false
}

// NonZero returns the indices of the nonzero inputs of the last Forward
// (owned by the layer).
func (l *ClusterSoftmax) NonZero() []int {
	l.list()
	return l.nz
}

// list computes nz from in when it is stale.
func (l *ClusterSoftmax) list() {
	if l.stale {
		l.nz = nonZero(l.nz, l.in)
		l.stale = false
	}
}

// Out returns the output of the last Forward (owned by the layer).
func (l *ClusterSoftmax) Out() []float64 { return l.out }

// Forward returns out (K values, owned by the layer).
func (l *ClusterSoftmax) Forward(v []float64) []float64 {
	p, out := l.p, l.out
	if l.stale {
		// The kernel wrote every unit.
		clear(p)
		clear(out)
		l.stale = false
	} else {
		for _, k := range l.nz {
			p[k], out[k] = 0, 0
		}
	}
	l.in = v
	nz := nonZero(l.nz, v)
	l.nz = nz
	n := len(nz)
	// Every input live in whole lanes: the kernel runs on them by unit.
	dense := n == len(v) && n == lanes(n)
	vs, es, os := v, p, out
	if !dense {
		// The live inputs gathered and padded to whole lanes with values
		// whose exponential is exp(0) = 1 (with the equivalent
		// temperature, 1 gives v/t = 0), outside the sum.
		vs, es, os = l.u[:lanes(n)], l.e[:lanes(n)], l.o[:lanes(n)]
		pad := 0.0
		if l.Beta > 0 {
			pad = 1
		}
		for i, k := range nz {
			vs[i] = v[k]
		}
		for i := n; i < len(vs); i++ {
			vs[i] = pad
		}
	}
	// es = exp(v/t)/Σ exp(v/t), os = v·es
	if l.Beta > 0 {
		vexp.SoftmaxEquiv(es, os, vs, l.Beta, n) // t = v/(β ln v)
	} else {
		vexp.SoftmaxTemp(es, os, vs, l.Temp, n)
	}
	if !dense {
		for i, k := range nz {
			p[k] = es[i]
			out[k] = os[i]
		}
	}
	return out
}

// nonZero returns the indices of the nonzero values of v in dst's array
// (of capacity len(v) at least). It is a function of its own so that its
// loop keeps the count in a register: inside Forward the compiler kept it
// in memory, a store and a load every value (≈ 0.1 µs a call for 100 units).
//
//go:noinline
func nonZero(dst []int, v []float64) []int {
	nz := dst[:0]
	for k, x := range v {
		if x != 0 {
			nz = append(nz, k)
		}
	}
	return nz
}

// Backward writes ∂L/∂v into gv (K values) from gout = ∂L/∂out.
//
// out_k = v_k·p_k with p the softmax of u = v/t over the nonzero inputs, so
// ∂L/∂v_k = gout_k·p_k + ∂L/∂u_k·∂u_k/∂v_k with ∂L/∂u_k = p_k·(gp_k − Σ_l p_l·gp_l),
// gp = gout·v. With the equivalent temperature, autograd's chain through
// t = v/(β ln v) gives ∂u/∂v = 1/t − u/(t·w) + β·u/(w·v) with w = β ln v,
// whose first two terms cancel: it is exactly β/v, which is used here
// (fewer divisions and no cancellation); with a fixed temperature it is 1/t.
func (l *ClusterSoftmax) Backward(gout, gv []float64) {
	clear(gv)
	l.list()
	nz, in, p := l.nz, l.in, l.p
	var dot float64 // Σ_l p_l·gp_l
	for _, k := range nz {
		dot += p[k] * (gout[k] * in[k])
	}
	beta := l.Beta
	for _, k := range nz {
		gu := p[k] * (gout[k]*in[k] - dot)
		if beta > 0 {
			gv[k] = gout[k]*p[k] + gu*(beta/in[k])
		} else {
			gv[k] = gout[k]*p[k] + gu/l.Temp
		}
	}
}
