// Package fdcheck compares hand-written gradients with finite differences.
package fdcheck

import (
	"fmt"
	"math"
)

// Step is the finite-difference step relative to max(1, |θ|). The five-point
// central stencil has truncation error ~h⁴·|f⁽⁵⁾|/30 ≈ 1e-16 here and
// round-off error ~ε·|f|/h ≈ 1e-12, so a step of 1e-4 keeps both far below
// the 1e-6 relative error the checks allow. It is also small enough that a
// centre sitting on its stimulus stays inside the distance clip
// ((1e-4)² < 1e-6), where the gradient is zero on both sides.
const Step = 1e-4

// Floor is the smallest gradient magnitude used as the denominator of the
// relative error. The stencil's round-off on losses of order 1 is about
// 1e-13 in absolute terms, so a component that is exactly zero analytically
// (a clipped distance, a masked unit) reads as ±1e-13 numerically; with this
// floor such components are held to an absolute difference of 1e-12.
const Floor = 1e-6

// Numeric returns the derivative of f with respect to *theta by the
// five-point central stencil, restoring *theta afterwards.
func Numeric(f func() float64, theta *float64) float64 {
	v := *theta
	h := Step * math.Max(1, math.Abs(v))
	at := func(d float64) float64 {
		*theta = v + d
		return f()
	}
	g := (at(-2*h) - 8*at(-h) + 8*at(h) - at(2*h)) / (12 * h)
	*theta = v
	return g
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
