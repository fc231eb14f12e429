// Package fdcheck checks hand-written derivatives against finite
// differences, for the gradient tests of every model: central
// differences (at a given step, or at the step that balances truncation
// against round-off), the five-point stencil extrapolated once, Ridders'
// extrapolation of central differences to a zero step, and the relative
// error that compares an analytic derivative with a numeric one.
//
// Every method perturbs one parameter in place through a pointer, calls f
// (which reads the parameter) and restores the parameter's value before
// it returns.
package fdcheck

import (
	"fmt"
	"math"
)

// A Method returns the numeric derivative of f with respect to *theta,
// restoring *theta afterwards.
type Method func(f func() float64, theta *float64) float64

// Central returns the central difference (f(θ+h) − f(θ−h)) / 2h of f with
// respect to θ = *theta, restoring *theta afterwards. Its truncation error
// is ~f‴h²/6, its round-off ~ε|f|/h.
func Central(f func() float64, theta *float64, h float64) float64 {
	v := *theta
	*theta = v + h
	fp := f()
	*theta = v - h
	fm := f()
	*theta = v
	return (fp - fm) / (2 * h)
}

// CentralStored is Central divided by the step as stored, (θ+h) − (θ−h)
// in floating point, instead of 2h: the two differ by the rounding of
// θ ± h, which matters when h is small beside |θ|.
func CentralStored(f func() float64, theta *float64, h float64) float64 {
	v := *theta
	*theta = v + h
	fp, hi := f(), *theta
	*theta = v - h
	fm, lo := f(), *theta
	*theta = v
	return (fp - fm) / (hi - lo)
}

// BalancedStep is the central-difference step for a parameter of value
// theta: ε^(1/3)·max(1, |θ|) ≈ 6e-6·max(1, |θ|), which balances the
// truncation error (∝ h²) against the round-off (∝ ε/h), both then near
// ε^(2/3) ≈ 4e-11 relative for a smooth function of order 1.
func BalancedStep(theta float64) float64 {
	return math.Cbrt(0x1p-52) * math.Max(1, math.Abs(theta))
}

// Balanced is the central difference at BalancedStep(*theta).
func Balanced(f func() float64, theta *float64) float64 {
	return Central(f, theta, BalancedStep(*theta))
}

// FivePoint returns the method that takes the five-point central
// difference D(h) = (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h at the
// absolute step h and at h/2 and extrapolates once: (16·D(h/2) − D(h)) /
// 15. D's truncation error, h⁴/30·|f⁽⁵⁾|, cancels, leaving O(h⁶·|f⁽⁷⁾|);
// the round-off is about ε·|f|·(18/12)/h.
func FivePoint(h float64) Method {
	return func(f func() float64, theta *float64) float64 {
		v := *theta
		at := func(d float64) float64 { *theta = v + d; return f() }
		five := func(h float64) float64 { return (-at(2*h) + 8*at(h) - 8*at(-h) + at(-2*h)) / (12 * h) }
		g := (16*five(h/2) - five(h)) / 15
		*theta = v
		return g
	}
}

// Step is the largest step of Ridders' method in Default, relative to
// max(1, |θ|).
//
// A plain central difference at step h errs by ~f‴h²/6 (truncation)
// plus ~ε|f|/h (round-off); with the steep functions of the models (a
// soft winner-take-all temperature of 0.012 makes derivatives of order
// (1/0.012)ⁿ, ALCOVE's specificity c ≤ 7 of order cⁿ) no single step
// reaches a comfortable margin below a 1e-6 relative error. Ridders'
// extrapolation removes the truncation terms while the step stays near
// 1e-3 … 3e-5, which leaves round-off near 1e-12. The largest step, 1e-3,
// is small enough for the tests to keep every perturbed value away from a
// kink of the function (a clipped distance, a humble teacher) and a
// perturbed attention strength positive.
const Step = 1e-3

// tableau is the size of Ridders' Neville tableau: at most this many
// steps, Step/1.4^i for i < tableau.
const tableau = 12

// Ridders returns the method that estimates the derivative by Ridders'
// method: central differences at steps h, h/1.4, h/1.4², … (h = step ·
// max(1, |θ|)) extrapolated to a zero step (Richardson extrapolation in a
// Neville tableau), keeping the estimate whose own error estimate is
// smallest and stopping once higher orders only add round-off.
func Ridders(step float64) Method {
	return func(f func() float64, theta *float64) float64 {
		const (
			con  = 1.4
			con2 = con * con
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
		var a [tableau][tableau]float64
		a[0][0] = central(h)
		best, errBest := a[0][0], math.Inf(1)
		for i := 1; i < tableau; i++ {
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
}

// Floor is the smallest denominator of Default's relative error: a
// component smaller than it (an exact zero of a clipped distance, a
// masked unit or a missing dimension, or a tiny entry next to gradients
// of order 1) is held to an absolute error of Floor·tol (1e-12 for the
// usual tol of 1e-6), the accuracy Ridders' differences reach on
// functions of order 1.
const Floor = 1e-6

// RelErr is |a − n| / max(|a|, |n|, floor): the relative error of a
// derivative a against n, or the absolute error over floor where both
// are smaller than floor. Two equal values (two zeros with floor 0
// included) have error 0.
func RelErr(a, n, floor float64) float64 {
	d := math.Abs(a - n)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Max(math.Abs(a), math.Abs(n)), floor)
}

// A Checker compares analytic gradients with the numeric derivatives of
// its Method, by RelErr with its Floor.
type Checker struct {
	Method Method
	Floor  float64
}

// Default is the checker of most gradient tests: Ridders' method from
// Step, and Floor.
var Default = Checker{Method: Ridders(Step), Floor: Floor}

// RelErr is RelErr(a, n, c.Floor).
func (c Checker) RelErr(a, n float64) float64 { return RelErr(a, n, c.Floor) }

// Check compares the analytic gradient grad of f with respect to params
// with c's numeric derivatives, component by component. It returns the
// largest relative error (a NaN counts as +Inf), and an error naming the
// first component whose error is above tol.
func (c Checker) Check(name string, f func() float64, params, grad []float64, tol float64) (worst float64, err error) {
	for i := range params {
		n := c.Method(f, &params[i])
		e := c.RelErr(grad[i], n)
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		worst = math.Max(worst, e)
		if e > tol && err == nil {
			err = fmt.Errorf("%s[%d]: analytic %.17g, numeric %.17g, relative error %.3g > %g", name, i, grad[i], n, e, tol)
		}
	}
	return worst, err
}

// Worst returns the largest relative error between the analytic gradient
// grad of f with respect to params and c's numeric derivatives (a NaN
// counts as +Inf), and its index (−1 for no parameters).
func (c Checker) Worst(f func() float64, params, grad []float64) (worst float64, at int) {
	at = -1
	for i := range params {
		e := c.RelErr(grad[i], c.Method(f, &params[i]))
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if e > worst || at < 0 {
			worst, at = e, i
		}
	}
	return worst, at
}

// Check is Default.Check.
func Check(name string, f func() float64, params, grad []float64, tol float64) (float64, error) {
	return Default.Check(name, f, params, grad, tol)
}
