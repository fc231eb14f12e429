// Package fdcheck compares hand-written derivatives with finite
// differences.
package fdcheck

import (
	"fmt"
	"math"
)

// Step is the largest finite-difference step, relative to max(1, |θ|).
//
// The derivative is estimated by Ridders' method: central differences at
// steps Step, Step/1.4, Step/1.4², … extrapolated to a zero step in a
// Neville tableau, keeping the estimate with the smallest error estimate.
// A plain central difference at step h errs by ~f‴h²/6 (truncation) plus
// ~ε|f|/h (round-off); ALCOVE's error is smooth with derivatives of the
// order of c^n (c ≤ 7 here), so at h = 1e-5 the two are ~1e-9 and ~1e-11
// relative, short of a comfortable margin below the 1e-6 required.
// Extrapolation removes the truncation terms while the step stays near
// 1e-3 … 1e-5, leaving round-off near 1e-12. The largest step, 1e-3, is
// small enough that a perturbed attention strength stays positive and a
// humble teacher's kink (E is C¹ there, not C²) is not crossed when the
// tests keep the outputs 1e-2 away from their targets.
const Step = 1e-3

// Floor is the smallest magnitude used as the denominator of a relative
// error: a component smaller than that (an exact zero for a missing
// dimension, say) is held to an absolute error of Floor·tol.
const Floor = 1e-6

// Numeric returns the derivative of f with respect to *theta by Ridders'
// method from the largest step Step, restoring *theta afterwards.
func Numeric(f func() float64, theta *float64) float64 { return NumericStep(f, theta, Step) }

// NumericStep is Numeric from the largest step step (relative to
// max(1, |θ|)).
func NumericStep(f func() float64, theta *float64, step float64) float64 {
	const (
		con  = 1.4
		con2 = con * con
		ntab = 10
		safe = 2
	)
	v := *theta
	h := step * math.Max(1, math.Abs(v))
	central := func(h float64) float64 {
		*theta = v + h
		fp := f()
		*theta = v - h
		fm := f()
		return (fp - fm) / (2 * h)
	}
	var a [ntab][ntab]float64
	a[0][0] = central(h)
	best, errBest := a[0][0], math.Inf(1)
	for i := 1; i < ntab; i++ {
		h /= con
		a[0][i] = central(h)
		fac := con2
		for j := 1; j <= i; j++ {
			a[j][i] = (a[j-1][i]*fac - a[j-1][i-1]) / (fac - 1)
			fac *= con2
			e := math.Max(math.Abs(a[j][i]-a[j-1][i]), math.Abs(a[j][i]-a[j-1][i-1]))
			if e <= errBest {
				errBest, best = e, a[j][i]
			}
		}
		if math.Abs(a[i][i]-a[i-1][i-1]) >= safe*errBest {
			break // higher orders only add round-off now
		}
	}
	*theta = v
	return best
}

// RelErr is |a − n| / max(|a|, |n|, Floor).
func RelErr(a, n float64) float64 {
	return math.Abs(a-n) / math.Max(math.Max(math.Abs(a), math.Abs(n)), Floor)
}

// Check compares the analytic gradient grad of f with respect to params
// component by component. It returns the largest relative error and an
// error naming the first component above tol.
func Check(name string, f func() float64, params, grad []float64, tol float64) (float64, error) {
	return CheckStep(name, f, params, grad, tol, Step)
}

// CheckStep is Check with differences from the largest step step.
func CheckStep(name string, f func() float64, params, grad []float64, tol, step float64) (float64, error) {
	var worst float64
	var first error
	for i := range params {
		n := NumericStep(f, &params[i], step)
		e := RelErr(grad[i], n)
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		worst = math.Max(worst, e)
		if e > tol && first == nil {
			first = fmt.Errorf("%s[%d]: analytic %.17g, numeric %.17g, relative error %.3g > %g", name, i, grad[i], n, e, tol)
		}
	}
	return worst, first
}
