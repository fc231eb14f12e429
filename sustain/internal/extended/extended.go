// Package extended sums float64 values the way R's sum() does on x86-64:
// in an 80-bit x87 long double (64-bit significand, round to nearest even
// after every addition), rounded once to float64 at the end.
//
// catlearn's SUSTAIN sums the terms of its cluster activations with R's
// sum(), and which of two symmetrical clusters wins a tie depends on that
// rounding, so a re-implementation must sum the same way to reproduce it.
// Go has no extended type; Acc emulates one in integer arithmetic, without
// allocating. The exponent range is not emulated (an x87 long double has
// 15 exponent bits, far more than sums of float64 values need). Where R's
// long double is a plain double (arm64 macOS, for one), R's sums are
// float64 sums and catlearn's ties may break differently there.
package extended

import (
	"math"
	"math/bits"
)

// Acc is a running sum held as an x87 long double. The zero value is 0.
type Acc struct {
	mant uint64 // significand, bit 63 set unless the sum is 0
	exp  int    // the sum is ±mant·2^exp
	neg  bool
	// special holds the float64 sum of the non-finite inputs (Inf, NaN),
	// which decide the result as they would in extended arithmetic.
	special    float64
	hasSpecial bool
}

// Reset sets the sum to 0.
func (a *Acc) Reset() { *a = Acc{} }

// Add adds x to the sum, rounding the result to a 64-bit significand
// (nearest, ties to even), as the x87 unit does.
func (a *Acc) Add(x float64) {
	b := math.Float64bits(x)
	e := int(b >> 52 & 0x7ff)
	if e == 0x7ff { // Inf or NaN
		a.special += x
		a.hasSpecial = true
		return
	}
	if b<<1 == 0 { // ±0
		return
	}
	nb := b>>63 != 0
	mb := b & (1<<52 - 1)
	if e == 0 {
		e = 1 // subnormal: mb·2^−1074
	} else {
		mb |= 1 << 52
	}
	s := bits.LeadingZeros64(mb)
	mb <<= s
	eb := e - 1075 - s
	if a.mant == 0 {
		a.mant, a.exp, a.neg = mb, eb, nb
		return
	}
	ma, ea, na := a.mant, a.exp, a.neg
	if eb > ea || (eb == ea && mb > ma) { // make a the larger magnitude
		ma, mb, ea, eb, na, nb = mb, ma, eb, ea, nb, na
	}
	// The larger term is ma·2^64 on a 128-bit grid of step 2^(ea−64); the
	// smaller is shifted onto the same grid, and what falls below the grid
	// is kept as a sticky bit in the lowest place (63 places below the
	// rounding position, so it only breaks ties).
	d := uint(ea - eb)
	var bhi, blo uint64
	switch {
	case d == 0:
		bhi = mb
	case d < 64:
		bhi, blo = mb>>d, mb<<(64-d)
	case d == 64:
		blo = mb
	case d < 128:
		blo = mb >> (d - 64)
		if mb<<(128-d) != 0 {
			blo |= 1
		}
	default:
		blo = 1
	}
	var hi, lo uint64
	exp := ea
	if na == nb {
		var c uint64
		lo = blo
		hi, c = bits.Add64(ma, bhi, 0)
		if c != 0 {
			sticky := lo & 1
			lo = lo>>1 | hi<<63 | sticky
			hi = hi>>1 | 1<<63
			exp++
		}
	} else {
		var br uint64
		lo, br = bits.Sub64(0, blo, 0)
		hi, _ = bits.Sub64(ma, bhi, br)
		if hi == 0 && lo == 0 {
			*a = Acc{special: a.special, hasSpecial: a.hasSpecial} // exact cancellation: +0
			return
		}
		var s int
		if hi == 0 {
			s = 64 + bits.LeadingZeros64(lo)
		} else {
			s = bits.LeadingZeros64(hi)
		}
		switch {
		case s >= 64:
			hi, lo = lo<<(s-64), 0
		case s > 0:
			hi, lo = hi<<s|lo>>(64-s), lo<<s
		}
		exp -= s
	}
	if lo > 1<<63 || (lo == 1<<63 && hi&1 != 0) {
		hi++
		if hi == 0 {
			hi = 1 << 63
			exp++
		}
	}
	a.mant, a.exp, a.neg = hi, exp, na
}

// Float64 returns the sum rounded to float64 (nearest, ties to even), as
// R converts its long double accumulator. A zero sum is +0, as R's sum
// of zeros of either sign is.
func (a *Acc) Float64() float64 {
	if a.hasSpecial {
		return a.special
	}
	if a.mant == 0 {
		return 0
	}
	e := a.exp
	var sgn uint64
	if a.neg {
		sgn = 1 << 63
	}
	if e+63 > 1023 {
		return math.Float64frombits(sgn | 0x7ff<<52) // ±Inf
	}
	drop := 11 // keep 53 of the 64 bits
	if e+11 < -1074 {
		drop = -1074 - e // a subnormal result keeps fewer
	}
	var q, rem, half uint64
	switch {
	case drop > 64:
		return math.Float64frombits(sgn) // ±0
	case drop == 64:
		q, rem, half = 0, a.mant, 1<<63
	default:
		q, rem, half = a.mant>>drop, a.mant&(1<<drop-1), 1<<(drop-1)
	}
	if rem > half || (rem == half && q&1 != 0) {
		q++
	}
	// The result is q·2^(e+drop): with q's bit 52 as the implicit bit, the
	// biased exponent e+drop+1075 less one, shifted, plus q gives its bits
	// (a carry of q into bit 53 raises the exponent; a subnormal q adds
	// to exponent 0; 2^1024 comes out as Inf).
	return math.Float64frombits(sgn | (uint64(e+drop+1074)<<52 + q))
}

// Sum returns R's sum(xs): the values added in order to a long double
// that starts at 0, rounded once to float64.
func Sum(xs []float64) float64 {
	var a Acc
	for _, x := range xs {
		a.Add(x)
	}
	return a.Float64()
}

// Sum2 returns R's sum(c(x, y)).
func Sum2(x, y float64) float64 {
	// When the exponents of x and y differ by at most 10, their exact sum
	// has at most 64 significant bits: the long double holds it exactly,
	// so the result is its single rounding to float64, x + y. (+0 turns a
	// sum of two −0 into R's +0.)
	ex, ey := int(math.Float64bits(x)>>52&0x7ff), int(math.Float64bits(y)>>52&0x7ff)
	if ex != 0 && ey != 0 && ex != 0x7ff && ey != 0x7ff && ex-ey <= 10 && ey-ex <= 10 {
		return x + y + 0
	}
	if x == 0 || y == 0 {
		return x + y + 0
	}
	var a Acc
	a.Add(x)
	a.Add(y)
	return a.Float64()
}
