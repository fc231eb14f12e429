// Package curve summarises learning curves: their trapezoidal area, the
// statistics of a sample, and the aggregation of model blocks into the
// coarser blocks of human data.
package curve

import "math"

// Area returns the trapezoidal integral of y over unit-spaced blocks, as
// numpy.trapz(y) computes it (the original's "area" summary).
func Area(y []float64) float64 {
	var a float64
	for i := 1; i < len(y); i++ {
		a += (y[i-1] + y[i]) / 2
	}
	return a
}

// Stats summarises a sample.
type Stats struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"` // sample standard deviation (n−1)
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	N    int     `json:"n"`
}

// Summarise returns the statistics of xs.
func Summarise(xs []float64) Stats {
	s := Stats{N: len(xs), Min: math.Inf(1), Max: math.Inf(-1)}
	if len(xs) == 0 {
		return Stats{}
	}
	for _, x := range xs {
		s.Mean += x
		s.Min = math.Min(s.Min, x)
		s.Max = math.Max(s.Max, x)
	}
	s.Mean /= float64(len(xs))
	if len(xs) > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.SD = math.Sqrt(ss / float64(len(xs)-1))
	}
	return s
}

// Coarsen averages every k consecutive blocks of y into one (a last
// partial group is averaged over what it has).
func Coarsen(y []float64, k int) []float64 {
	if k <= 1 {
		return append([]float64(nil), y...)
	}
	var out []float64
	for i := 0; i < len(y); i += k {
		j := min(i+k, len(y))
		var s float64
		for _, v := range y[i:j] {
			s += v
		}
		out = append(out, s/float64(j-i))
	}
	return out
}

// SHJOrdinal reports whether mean errors of the six SHJ types (I..VI)
// follow the human ordering I < II < {III, IV, V} < VI (Shepard, Hovland &
// Jenkins 1961; the ordinal adequacy test of catlearn's nosof94oat).
func SHJOrdinal(mean [6]float64) bool {
	mid := mean[2:5]
	for _, m := range mid {
		if !(mean[1] < m && m < mean[5]) {
			return false
		}
	}
	return mean[0] < mean[1]
}
