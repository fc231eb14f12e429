// Package fdcheck compares hand-written gradients with finite differences.
package fdcheck

import (
	"fmt"
	"math"
)

// Step is the largest finite-difference step, relative to max(1, |θ|).
//
// Derivatives are estimated by Ridders' method: central differences at
// steps Step, Step/1.4, Step/1.4², … extrapolated to a zero step (Richardson
// extrapolation in a Neville tableau), keeping the estimate whose own error
// estimate is smallest. A single fixed step cannot reach a 1e-6 relative
// error on this model: the soft winner-take-all's temperature of 0.012
// makes high derivatives of order (1/0.012)ⁿ, so a five-point stencil has a
// truncation error of ~1e-7 at a step of 1e-4 while its round-off
// (ε·|L|/h) is ~1e-12 and grows as the step shrinks. Extrapolation removes
// the truncation error without shrinking the step below ~3e-5, which leaves
// errors near 1e-12 in absolute terms. The largest step is kept at 1e-3 so
// that a perturbed centre never crosses the distance clip's kink (at
// |x − W| = 1e-3 for r = 2) when the tests keep |x − W| ≥ 5e-3 or exactly 0.
const Step = 1e-3

// Floor is the smallest gradient magnitude used as the denominator of the
// relative error: components smaller than it (exact zeros of a clipped
// distance or a masked unit, or tiny entries next to gradients of order 1)
// are held to an absolute difference of Floor·1e-6 = 1e-12, the accuracy
// the differences reach on losses of order 1.
const Floor = 1e-6

// Numeric returns the derivative of f with respect to *theta by Ridders'
// method, restoring *theta afterwards.
func Numeric(f func() float64, theta *float64) float64 {
	const (
		con  = 1.4
		con2 = con * con
		ntab = 12
		safe = 2
	)
	v := *theta
	h := Step * math.Max(1, math.Abs(v))
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
// component by component and returns the largest relative error, with an
// error naming the first component above tol.
func Check(name string, f func() float64, params, grad []float64, tol float64) (float64, error) {
	var worst float64
	var first error
	for i := range params {
		n := Numeric(f, &params[i])
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
