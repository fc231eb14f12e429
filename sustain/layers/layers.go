package layers

import (
	"math"
	"math/rand/v2"

	"github.com/fastslow/stream/power"
	"github.com/fastslow/sustain/internal/extended"
)

// Code writes the padded input coding of a stimulus x (D values) and its
// label units y (C values) into dst (2D + C values): each dimension i
// becomes the two units (x_i, 1 − x_i), as catlearn's nosof94train codes
// a binary dimension with missing = 'pad'; the label units follow as given.
func Code(dst, x, y []float64) {
	for i, v := range x {
		dst[2*i], dst[2*i+1] = v, 1-v
	}
	copy(dst[2*len(x):], y)
}

// Distance writes into mu (D values) the distance of a cluster at pos to
// the coded stimulus in (Eq. 4): μ_i = ½ Σ |in_u − pos_u| over the two
// units u of dimension i, summed as R's sum() does. Only the 2D stimulus
// units are read.
func Distance(mu, in, pos []float64) {
	for i := range mu {
		u := 2 * i
		mu[i] = 0.5 * extended.Sum2(math.Abs(in[u]-pos[u]), math.Abs(in[u+1]-pos[u+1]))
	}
}

// Activation computes cluster activations (Eq. 5),
// H = Σ_i λ_i^r e^(−λ_i μ_i) / Σ_i λ_i^r, for one set of tunings λ.
type Activation struct {
	lr  []float64 // λ_i^r
	den float64   // Σ λ_i^r
}

// NewActivation returns an activation over d dimensions.
func NewActivation(d int) *Activation { return &Activation{lr: make([]float64, d)} }

// Tune sets the tunings λ (one per dimension) and the focus r.
func (a *Activation) Tune(lambda []float64, r float64) {
	var s extended.Acc
	for i, l := range lambda {
		a.lr[i] = power.R(l, r)
		s.Add(a.lr[i])
	}
	a.den = s.Float64()
}

// Forward returns the activation of a cluster at distances mu (D values)
// and writes ml_i = −λ_i μ_i, which the tuning update reuses. The
// numerator's terms λ^r·e^(−λμ) are summed in dimension order as R's
// sum() does (which decides exact ties between symmetrical clusters).
func (a *Activation) Forward(ml, mu, lambda []float64) float64 {
	var s extended.Acc
	for i, m := range mu {
		ml[i] = m * -lambda[i]
		s.Add(math.Exp(ml[i]) * a.lr[i])
	}
	return s.Float64() / a.den
}

// Competition writes the clusters' outputs after competition (Eq. 6),
// out_j = (H_j^β / Σ_k H_k^β)·H_j, using ab as scratch (len(act) values),
// and returns the recognition score Σ_j out_j (Love & Gureckis 2007,
// Eq. A6), both sums as R's sum().
func Competition(out, ab, act []float64, beta float64) (rec float64) {
	var s extended.Acc
	for j, h := range act {
		ab[j] = power.R(h, beta)
		s.Add(ab[j])
	}
	sb := s.Float64()
	s.Reset()
	for j, h := range act {
		out[j] = ab[j] / sb * h
		s.Add(out[j])
	}
	return s.Float64()
}

// FirstMax returns the index of the first largest value of v, skipping
// NaNs, as R's which.max (0 when every value is NaN).
func FirstMax(v []float64) int {
	best := -1
	for j, x := range v {
		if !math.IsNaN(x) && (best < 0 || x > v[best]) {
			best = j
		}
	}
	return max(best, 0)
}

// RandomMax returns one of the indices where v equals its maximum, drawn
// uniformly by rng when there are several (catlearn's ties = "random").
func RandomMax(v []float64, rng *rand.Rand) int {
	j := FirstMax(v)
	n := 0
	for _, x := range v {
		if x == v[j] {
			n++
		}
	}
	if n < 2 {
		return j
	}
	k := rng.IntN(n)
	for i, x := range v {
		if x == v[j] {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return j
}

// Decision writes the logits z_k = d·C_k of the label units' outputs c
// and the response probabilities (Eq. 8), p_k = e^(z_k) / Σ e^(z_k'),
// computed as catlearn does (no maximum subtracted; the sum as R's sum()).
func Decision(p, z, c []float64, d float64) {
	var s extended.Acc
	for k, v := range c {
		z[k] = d * v
		p[k] = math.Exp(z[k])
		s.Add(p[k])
	}
	den := s.Float64()
	for k := range p {
		p[k] /= den
	}
}

// Humble writes Kruschke's (1992) humble teacher (Eq. 9) for outputs c and
// label units y into t: max(c, 1) where y is 1, min(c, 0) where y is 0,
// and y itself elsewhere (catlearn changes only 1s and 0s).
func Humble(t, c, y []float64) {
	for k, v := range y {
		switch v {
		case 1:
			t[k] = max(c[k], 1)
		case 0:
			t[k] = min(c[k], 0)
		default:
			t[k] = v
		}
	}
}

// Move moves a cluster's stimulus units towards the coded stimulus (Eq.
// 12), p += η(in − p): a gradient step of size η on ½‖in − p‖² (see
// MoveError). Only the first len(p) units of in are read.
func Move(p, in []float64, eta float64) {
	for u := range p {
		p[u] += float64(eta * (in[u] - p[u]))
	}
}

// MoveError is ½ Σ_u (in_u − p_u)², the objective Move descends, and
// MoveGrad writes its gradient −(in − p) into g.
func MoveError(p, in []float64) float64 {
	var e float64
	for u := range p {
		e += (in[u] - p[u]) * (in[u] - p[u])
	}
	return e / 2
}

// MoveGrad writes ∂MoveError/∂p = p − in into g.
func MoveGrad(g, p, in []float64) {
	for u := range p {
		g[u] = p[u] - in[u]
	}
}

// Tune updates the tunings from the winner's ml = −λμ (Eq. 13),
// λ += η e^(ml)(1 + ml), in catlearn's order of operations: a gradient
// step of size η up the receptive field λe^(−λμ) (see ReceptiveField).
func Tune(lambda, ml []float64, eta float64) {
	for i, m := range ml {
		lambda[i] += float64(eta * math.Exp(m) * (1 + m))
	}
}

// ReceptiveField is Σ_i λ_i e^(−λ_i μ_i), the summed response of the
// dimensions' receptive fields at distances mu (Eq. 3), which Tune climbs.
func ReceptiveField(lambda, mu []float64) float64 {
	var s float64
	for i, l := range lambda {
		s += l * math.Exp(-l*mu[i])
	}
	return s
}

// ReceptiveFieldGrad writes ∂ReceptiveField/∂λ_i = e^(−λ_i μ_i)(1 − λ_i μ_i)
// into g.
func ReceptiveFieldGrad(g, lambda, mu []float64) {
	for i, l := range lambda {
		g[i] = math.Exp(-l*mu[i]) * (1 - l*mu[i])
	}
}

// Delta updates the winner's weights to the label units by the delta rule
// (Eq. 14), w_k += η(t_k − C_k)·h, with h the winner's output: a gradient
// step of size η on DeltaError with the teacher t held fixed.
func Delta(w, t, c []float64, h, eta float64) {
	for k := range w {
		w[k] += float64(eta * (t[k] - c[k]) * h)
	}
}

// DeltaError is ½ Σ_k (t_k − w_k h)², the squared error of the outputs
// C = w·h against the teacher t.
func DeltaError(w, t []float64, h float64) float64 {
	var e float64
	for k := range w {
		d := t[k] - w[k]*h
		e += d * d
	}
	return e / 2
}

// DeltaGrad writes ∂DeltaError/∂w_k = −(t_k − w_k h)·h into g.
func DeltaGrad(g, w, t []float64, h float64) {
	for k := range w {
		g[k] = -(t[k] - w[k]*h) * h
	}
}
