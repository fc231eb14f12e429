package layers

import "math"

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

	in  []float64
	nz  []int     // the nonzero inputs, in increasing order
	w   []float64 // β ln v_k (equivalent temperature only)
	t   []float64 // t_k
	u   []float64 // v_k / t_k
	e   []float64 // exp(u_k)
	p   []float64 // the softmax over the nonzero inputs, 0 elsewhere
	sum float64
	out []float64
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
		nz: make([]int, 0, k), w: make([]float64, k), t: make([]float64, k), u: make([]float64, k),
		e: make([]float64, k), p: make([]float64, k), out: make([]float64, k)}
}

// NonZero returns the indices of the nonzero inputs of the last Forward
// (owned by the layer).
func (l *ClusterSoftmax) NonZero() []int { return l.nz }

// Forward returns out (K values, owned by the layer).
func (l *ClusterSoftmax) Forward(v []float64) []float64 {
	for _, k := range l.nz {
		l.p[k], l.out[k] = 0, 0
	}
	l.in = v
	l.nz = l.nz[:0]
	for k, x := range v {
		if x != 0 {
			l.nz = append(l.nz, k)
		}
	}
	var sum float64
	for _, k := range l.nz {
		x := v[k]
		if l.Beta > 0 {
			l.w[k] = l.Beta * math.Log(x)
			l.t[k] = x / l.w[k]
		} else {
			l.t[k] = l.Temp
		}
		l.u[k] = x / l.t[k]
		l.e[k] = math.Exp(l.u[k])
		sum += l.e[k]
	}
	l.sum = sum
	for _, k := range l.nz {
		l.p[k] = l.e[k] / sum
		l.out[k] = v[k] * l.p[k]
	}
	return l.out
}

// Backward writes ∂L/∂v into gv (K values) from gout = ∂L/∂out.
func (l *ClusterSoftmax) Backward(gout, gv []float64) {
	clear(gv)
	// out = v·p: the direct part, and ∂L/∂p = gout·v.
	// p = e/S: ∂L/∂e_k = gp_k/S − Σ_l gp_l p_l/S.
	var gs float64
	for _, k := range l.nz {
		gv[k] = gout[k] * l.p[k]
		gs += -(gout[k] * l.in[k]) * (l.p[k] / l.sum)
	}
	for _, k := range l.nz {
		gp := gout[k] * l.in[k]
		ge := gp/l.sum + gs
		gu := ge * l.e[k]
		// u = v/t
		g := gu / l.t[k]
		if l.Beta > 0 {
			x := l.in[k]
			gt := -gu * (l.u[k] / l.t[k])
			// t = v/w, w = β ln v
			g += gt / l.w[k]
			gw := -gt * (l.t[k] / l.w[k])
			g += (gw * l.Beta) / x
		}
		gv[k] += g
	}
}
