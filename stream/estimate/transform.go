package estimate

import "math"

// The search runs on unbounded coordinates u: a parameter's value is
// θ = lo + (hi − lo)·σ(u) on its scale, σ the logistic function, so that
// Nelder–Mead can move anywhere and every point it tries is inside the
// bounds (on a log scale, ln θ is mapped so).

// toUnit returns where θ lies in p's range on p's scale, from 0 to 1.
func (p *Param) toUnit(theta float64) float64 {
	lo, hi := p.Lo(), p.Hi()
	if p.Scale == "log" {
		return (math.Log(theta) - math.Log(lo)) / (math.Log(hi) - math.Log(lo))
	}
	return (theta - lo) / (hi - lo)
}

// fromUnit returns the value at fraction t of p's range on p's scale,
// kept inside the bounds against rounding.
func (p *Param) fromUnit(t float64) float64 {
	lo, hi := p.Lo(), p.Hi()
	switch {
	case t <= 0:
		return lo
	case t >= 1:
		return hi
	}
	var v float64
	if p.Scale == "log" {
		v = math.Exp(math.Log(lo) + t*(math.Log(hi)-math.Log(lo)))
	} else {
		v = lo + t*(hi-lo)
	}
	return math.Min(hi, math.Max(lo, v))
}

// logistic maps the search coordinate u to (0, 1).
func logistic(u float64) float64 { return 1 / (1 + math.Exp(-u)) }

// logit is the inverse of logistic.
func logit(t float64) float64 { return math.Log(t / (1 - t)) }

// toSearch returns the search coordinates of the values x.
func (s *Spec) toSearch(x []float64) []float64 {
	u := make([]float64, len(x))
	for i := range x {
		u[i] = logit(s.Params[i].toUnit(x[i]))
	}
	return u
}

// fromSearch returns the values at the search coordinates u.
func (s *Spec) fromSearch(u []float64) []float64 {
	x := make([]float64, len(u))
	for i := range u {
		x[i] = s.Params[i].fromUnit(logistic(u[i]))
	}
	return x
}
