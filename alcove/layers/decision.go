package layers

import "math"

// ExpRatio is the exponential ratio rule (Kruschke 1992, Eq. 3):
// P(k) = exp(φ·a_k) / Σ_k' exp(φ·a_k'). It writes the probabilities into
// p, computed as catlearn computes them (no shift by the maximum), and
// the logits φ·a_k into z, whose softmax is P.
func ExpRatio(out []float64, phi float64, p, z []float64) {
	var den float64
	for k, a := range out {
		z[k] = phi * a
		p[k] = math.Exp(z[k])
		den += p[k]
	}
	for k := range p {
		p[k] /= den
	}
}

// BackgroundNoise is the background-noise ratio rule of Nosofsky et al.
// (1994): with a_k⁺ = max(a_k, 0), P(k) = (a_k⁺ + φ) / (Σ_k' a_k'⁺ + C·φ).
// It writes the probabilities into p and their logarithms into z (the
// rule has no softmax form; softmax(log P) = P since ΣP = 1).
//
// As catlearn's bnratio does (an Rcpp vector is modified in place), it
// also clips out itself to max(a_k, 0), so that the teacher and the error
// of the trial see the clipped outputs.
func BackgroundNoise(out []float64, phi float64, p, z []float64) {
	var den float64
	for k, a := range out {
		if a < 0 {
			out[k] = 0
		}
		den += out[k]
	}
	den += float64(len(out)) * phi
	for k, a := range out {
		p[k] = (a + phi) / den
		z[k] = math.Log(p[k])
	}
}
