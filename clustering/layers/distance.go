package layers

import (
	"math"

	"github.com/fastslow/stream/power"
)

// MinDistance is the floor of a dimensional distance: the original clips
// (x − W)^r at this value, which keeps the cluster activation below 1.
const MinDistance = 1e-6

// Distance computes the dimensional distances d_kj = max((x_j − W_kj)^r, 1e-6)
// between a stimulus x (D values) and the centres W (K×D).
//
// The power is the plain power of the signed difference, as in the
// original: with an odd r a negative difference is clipped to 1e-6, and a
// fractional r gives NaN there.
type Distance struct {
	K, D int
	R    float64

	diff []float64 // x_j − W_kj
	pow  []float64 // (x_j − W_kj)^r before the clip
	out  []float64 // d_kj
	rows []int
}

// NewDistance returns a distance layer for k centres of d dimensions.
func NewDistance(k, d int, r float64) *Distance {
	return &Distance{K: k, D: d, R: r,
		diff: make([]float64, k*d), pow: make([]float64, k*d), out: make([]float64, k*d)}
}

// Reset puts the layer back as NewDistance made it, for a model reused
// by another run.
func (l *Distance) Reset() {
	clear(l.diff)
	clear(l.pow)
	clear(l.out)
	l.rows = nil
}

// Forward returns d (K×D, owned by the layer) for the rows listed; the
// other rows are 0.
func (l *Distance) Forward(x, w []float64, rows []int) []float64 {
	D := l.D
	if len(rows) == l.K && l.R == 2 {
		l.rows = rows
		l.euclid(x, w)
		return l.out
	}
	l.drop(rows)
	l.rows = rows
	if l.R == 2 {
		for _, k := range rows {
			wk := w[k*D : k*D+D]
			diff := l.diff[k*D : k*D+D]
			pow := l.pow[k*D : k*D+D]
			out := l.out[k*D : k*D+D]
			for j := range wk {
				v := x[j] - wk[j]
				diff[j] = v
				pow[j] = v * v
				out[j] = max(v*v, MinDistance) // max keeps a NaN
			}
		}
		return l.out
	}
	for _, k := range rows {
		wk := w[k*D : k*D+D]
		diff := l.diff[k*D : k*D+D]
		pow := l.pow[k*D : k*D+D]
		out := l.out[k*D : k*D+D]
		for j := range wk {
			diff[j] = x[j] - wk[j]
			pow[j] = power.Torch(diff[j], l.R)
			out[j] = max(pow[j], MinDistance) // a NaN stays NaN, as with torch.clip
		}
	}
	return l.out
}

// drop clears the distances of the rows the last call wrote and rows
// does not list (both lists increase: a recruited unit stays listed).
func (l *Distance) drop(rows []int) {
	D, i := l.D, 0
	for _, k := range l.rows {
		for i < len(rows) && rows[i] < k {
			i++
		}
		if i == len(rows) || rows[i] != k {
			clear(l.out[k*D : k*D+D])
		}
	}
}

// rowSums is Forward with r = 2 over the rows listed, with their
// activation's sums in the same pass as euclidSums takes them (and with
// a1 those of the attention a1 into s1); the sums of the rows not listed
// are 0. It does not write the powers, as euclidSums.
func (l *Distance) rowSums(x, w []float64, rows []int, a, s, a1, s1 []float64) {
	l.drop(rows)
	l.rows = rows
	D := l.D
	x, a = x[:D], a[:D]
	clear(s)
	if a1 != nil {
		a1 = a1[:D]
		clear(s1)
	}
	for _, k := range rows {
		wk := w[k*D : k*D+D]
		diff, out := l.diff[k*D:k*D+D], l.out[k*D:k*D+D]
		var sk, sk1 float64
		for j := range wk {
			v := x[j] - wk[j]
			diff[j] = v
			d := max(v*v, MinDistance) // max keeps a NaN
			out[j] = d
			sk += d * a[j]
			if a1 != nil {
				sk1 += d * a1[j]
			}
		}
		s[k] = sk
		if a1 != nil {
			s1[k] = sk1
		}
	}
}

// euclid is Forward with r = 2 and every row listed: one pass over the
// K×D values, with none of a row's slicing.
func (l *Distance) euclid(x, w []float64) {
	D := l.D
	w = w[:l.K*D]
	diff, pow, out := l.diff[:len(w)], l.pow[:len(w)], l.out[:len(w)]
	x = x[:D]
	j := 0
	for i, wi := range w {
		v := x[j] - wi
		diff[i] = v
		pow[i] = v * v
		out[i] = max(v*v, MinDistance) // max keeps a NaN
		if j++; j == D {
			j = 0
		}
	}
}

// euclidSums is euclid with, in the same pass, the activation's sums
// s_k = Σ_j a_j·d_kj (added in order from 0, as weighted adds them) of every
// row, and with a1 those of the attention a1 into s1. It does not write
// the powers, which Fused.Backward, the only backward after it, takes
// from the differences.
func (l *Distance) euclidSums(x, w, a, s, a1, s1 []float64) {
	K, D := l.K, l.D
	w = w[:K*D]
	diff, out := l.diff[:len(w)], l.out[:len(w)]
	x, a, s = x[:D], a[:D], s[:K]
	if a1 == nil {
		j, k := 0, 0
		var sk float64
		for i, wi := range w {
			v := x[j] - wi
			diff[i] = v
			d := max(v*v, MinDistance) // max keeps a NaN
			out[i] = d
			sk += d * a[j]
			if j++; j == D {
				s[k] = sk
				j, k, sk = 0, k+1, 0
			}
		}
		return
	}
	// The pair's loop is the loop above with the second sums: one loop
	// testing for a1 in every value measured 1.03× on BenchmarkTrial.
	a1, s1 = a1[:D], s1[:K]
	j, k := 0, 0
	var sk, sk1 float64
	for i, wi := range w {
		v := x[j] - wi
		diff[i] = v
		d := max(v*v, MinDistance)
		out[i] = d
		sk += d * a[j]
		sk1 += d * a1[j]
		if j++; j == D {
			s[k], s1[k] = sk, sk1
			j, k, sk, sk1 = 0, k+1, 0, 0
		}
	}
}

// euclidGrad returns ∂L/∂W of one coordinate with r = 2 from its power p,
// difference x − W and gd = ∂L/∂d: −(gd·(2·diff)), or 0 where the clip
// bites. Without a branch: whether the clip bites depends on the item (a
// centre keeps the coordinates it shares with its item), so a branch
// would be mispredicted about every other time.
func euclidGrad(p, diff, gd float64) float64 {
	var pass uint64
	if p >= MinDistance {
		pass = ^uint64(0)
	}
	return math.Float64frombits(math.Float64bits(-(gd * (2 * diff))) & pass)
}

// Out returns the distances of the last Forward (owned by the layer).
func (l *Distance) Out() []float64 { return l.out }

// Backward writes ∂L/∂W into gw (K×D) from gd = ∂L/∂d; rows not computed
// by the last Forward get 0. Where the clip bites (the power is below
// 1e-6) no gradient passes, as torch.clip's gradient is zero there.
func (l *Distance) Backward(gd, gw []float64) {
	D, r := l.D, l.R
	if r == 2 && len(l.rows) == l.K {
		// Every row: one pass over the K×D values, each written.
		pow := l.pow[:l.K*D]
		diff, gd, gw := l.diff[:len(pow)], gd[:len(pow)], gw[:len(pow)]
		for i, p := range pow {
			gw[i] = euclidGrad(p, diff[i], gd[i])
		}
		return
	}
	clear(gw)
	if r == 2 {
		for _, k := range l.rows {
			pow, diff, gdk, gwk := l.pow[k*D:k*D+D], l.diff[k*D:k*D+D], gd[k*D:k*D+D], gw[k*D:k*D+D]
			for j, p := range pow {
				gwk[j] = euclidGrad(p, diff[j], gdk[j])
			}
		}
		return
	}
	for _, k := range l.rows {
		for j := k * D; j < k*D+D; j++ {
			if !(l.pow[j] >= MinDistance) {
				continue
			}
			// torch: grad · (r · diff^(r−1)), then the minus of x − W.
			gw[j] = -(gd[j] * (r * power.Torch(l.diff[j], r-1)))
		}
	}
}
