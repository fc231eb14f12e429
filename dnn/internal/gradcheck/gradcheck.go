// Package gradcheck compares hand-written gradients with central finite
// differences, for the tests of the layers and of the whole network.
package gradcheck

import (
	"math"
)

// Step is the finite-difference step for a parameter of magnitude p:
// cbrt(ε)·max(1, |p|) ≈ 6e-6, which balances the central difference's
// truncation error (∝ h²) against round-off in the loss (∝ ε/h), both
// then about 1e-11 relative.
func Step(p float64) float64 {
	return math.Cbrt(0x1p-52) * math.Max(1, math.Abs(p))
}

// Floor is the gradient magnitude below which RelErr measures the
// absolute error instead: at the step above, round-off of a loss of
// order 1 gives central differences with about 1e-10 absolute noise, so a
// gradient smaller than 1e-4 cannot be checked to 1e-6 relative.
const Floor = 1e-4

// RelErr is |a−n| / max(|a|, |n|, Floor).
func RelErr(a, n float64) float64 {
	return math.Abs(a-n) / math.Max(Floor, math.Max(math.Abs(a), math.Abs(n)))
}

// Numeric returns the central difference (f(p+h) − f(p−h)) / 2h of f with
// respect to *p, restoring *p afterwards.
func Numeric(f func() float64, p *float64) float64 {
	v := *p
	h := Step(v)
	*p = v + h
	fp := f()
	*p = v - h
	fm := f()
	*p = v
	return (fp - fm) / (2 * h)
}

// Max returns the largest RelErr between the analytic gradient grad of f
// with respect to params and its central differences, and its index.
func Max(f func() float64, params, grad []float64) (worst float64, at int) {
	at = -1
	for i := range params {
		e := RelErr(grad[i], Numeric(f, &params[i]))
		if e > worst || at < 0 {
			worst, at = e, i
		}
	}
	return worst, at
}
