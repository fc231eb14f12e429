// Package power holds the powers of the originals, computed as they compute
// them so that equal inputs give bit-equal outputs: R's `^` (catlearn's
// ALCOVE and SUSTAIN), torch.pow for the small integer exponents of the
// PyTorch models' distances (the clustering and multi-unit models), and
// the root s^(1/r) that turns a summed r-th power into a distance (ALCOVE
// and the multi-unit model).
//
// They run on the per-trial path; R is small enough to be inlined.
package power

import "math"

// R returns x^y as R's `^` (R_pow) does: x·x for y = 2, and the C
// library's pow otherwise (Go's math.Pow, which may differ from it in the
// last bit), whose special cases are R's own (1 for x = 1 or y = 0) and
// which is x exactly for y = 1, returned here without the call.
func R(x, y float64) float64 {
	switch y {
	case 1:
		return x
	case 2:
		return x * x
	}
	return math.Pow(x, y)
}

// Torch returns v^r as torch.pow computes it for the exponents the
// original PyTorch models use: v itself for r = 1, v·v for r = 2, v·v·v
// for r = 3, and math.Pow otherwise.
func Torch(v, r float64) float64 {
	switch r {
	case 1:
		return v
	case 2:
		return v * v
	case 3:
		return v * v * v
	}
	return math.Pow(v, r)
}

// Root returns s^(1/r): s for r = 1, √s for r = 2 (the correctly rounded
// value that pow(s, 0.5) also gives), and math.Pow(s, 1/r) otherwise.
func Root(s, r float64) float64 {
	switch r {
	case 1:
		return s
	case 2:
		return math.Sqrt(s)
	}
	return math.Pow(s, 1/r)
}
