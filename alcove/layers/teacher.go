package layers

import "math"

// Teacher writes into t the teaching signal of a trial whose correct
// category is label: 1 for that output node and absval (−1 or 0) for the
// others. The humble teacher (Kruschke 1992, Eq. 4b) does not punish an
// output beyond its target: max(1, a_k) where the category is present,
// min(absval, a_k) where it is absent.
func Teacher(out []float64, label int, absval float64, humble bool, t []float64) {
	for k, a := range out {
		v := absval
		if k == label {
			v = 1
		}
		if humble {
			// catlearn's order: the present test first, then the absent one.
			if v == 1 {
				v = math.Max(1, a)
			}
			if v == absval {
				v = math.Min(absval, a)
			}
		}
		t[k] = v
	}
}

// Error returns the teacher's error E = ½ Σ_k (t_k − a_k)² of outputs out
// against teaching signal t, and writes ∂E/∂a_k = −(t_k − a_k) into gout
// (t held fixed: with the humble teacher, E is continuously differentiable
// in a and this is its derivative, the teacher's kinks included).
func Error(out, t, gout []float64) float64 {
	var e float64
	for k, a := range out {
		pe := t[k] - a
		e += pe * pe
		gout[k] = -pe
	}
	return e / 2
}
