package estimate

import "math"

// The search runs on unbounded coordinates u: a parameter's value is
// θ = lo + (hi − lo)·σ(u) on its scale, σ the logistic function, so that
// Nelder–Mead can move anywhere and every point it tries is inside the
// bounds (on a log scale, ln θ is mapped so).

// toUnit returns where θ lies in p's range on p's scale, from 0 to 1.
func (p *Param) toUnit(theta float64) float64 {
	lo, hi := p.Min, p.Max
	if p.Log {
		return (math.Log(theta) - math.Log(lo)) / (math.Log(hi) - math.Log(lo))
	}
	return (theta - lo) / (hi - lo)
}

// At returns the value at fraction t of p's range on p's scale (0.5:
// mid-range, the geometric mean on a log scale), kept inside the bounds
// against rounding.
func (p *Param) At(t float64) float64 {
	lo, hi := p.Min, p.Max
	switch {
	case t <= 0:
		return lo
	case t >= 1:
		return hi
	}
	var v float64
	if p.Log {
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

// space maps the unit cube and the search coordinates of the continuous
// parameters to points, the discrete parameters held at given values.
type space struct {
	params []Param
	cont   []int     // the indices of the continuous parameters
	at     []float64 // a point whose discrete values every point takes
}

// fromUnitCube returns the point at the unit-cube coordinates t.
func (s *space) fromUnitCube(t []float64) []float64 {
	x := append([]float64(nil), s.at...)
	for k, i := range s.cont {
		x[i] = s.params[i].At(t[k])
	}
	return x
}

// toUnitCube returns the unit-cube coordinates of x.
func (s *space) toUnitCube(x []float64) []float64 {
	t := make([]float64, len(s.cont))
	for k, i := range s.cont {
		t[k] = s.params[i].toUnit(x[i])
	}
	return t
}

// toSearch returns the search coordinates of the values x.
func (s *space) toSearch(x []float64) []float64 {
	u := s.toUnitCube(x)
	for k := range u {
		u[k] = logit(u[k])
	}
	return u
}

// fromSearch returns the values at the search coordinates u.
func (s *space) fromSearch(u []float64) []float64 {
	t := make([]float64, len(u))
	for k := range u {
		t[k] = logistic(u[k])
	}
	return s.fromUnitCube(t)
}
