// Package fmath holds the exponential and the logarithm of the original's
// float64 densities, computed bit for bit as PyTorch computes them on the
// CPU: torch.exp and torch.log of a float64 tensor run SLEEF's vectorised
// expd4_u10 and logd4_u10 (AVX2 with fused multiply-adds; the AVX-512
// kernels give the same bits). Both are within 1 ulp of the true value
// but round differently from the standard library (math.Exp differs from
// torch.exp on about 1 input in 10): a port that used math.Exp and
// math.Log drifted from the original by round-off that its recurrent
// dynamics amplify.
//
// The functions are written here from the algorithms' description (Cody
// and Waite reduction, then an Estrin-scheme polynomial for exp; a
// double-double 2·atanh series for log), with math.FMA where SLEEF's FMA
// build fuses. They were checked bit for bit against torch 1.13's
// torch.exp / torch.log and against libsleef 3.5's expd4_u10avx2 /
// logd4_u10avx2 on about a million inputs each (random bit patterns over
// the whole range among them, with the overflow,
// underflow, subnormal and special cases).
package fmath

import "math"

// Cody–Waite split of ln 2 (ln2Hi has few bits, so q·ln2Hi is exact for
// every |q| < 2^11) and 1/ln 2.
const (
	ln2Hi = .69314718055966295651160180568695068359375
	ln2Lo = .28235290563031577122588448175013436025525412068e-12
	invL2 = 1.442695040888963407359924681001892137426645954152985934135449406931
)

// Exp returns e^x as torch.exp computes it for float64 (error below
// 1 ulp): 0 below −1000 (and subnormal values down to there), +Inf above
// 709.78…, NaN for NaN.
func Exp(x float64) float64 {
	// x = q·ln 2 + s with q = round(x/ln 2), |s| ≤ ln2/2: adding 1.5·2^52
	// rounds to an integer, ties to even, for |x/ln 2| < 2^51 (larger |x|
	// are handled at the end).
	qf := (x*invL2 + 0x1.8p52) - 0x1.8p52
	q := int(qf)
	s := math.FMA(qf, -ln2Hi, x)
	s = math.FMA(qf, -ln2Lo, s)
	// e^s = 1 + s + s²·P(s): P of degree 9, in Estrin's scheme.
	s2 := s * s
	s4 := s2 * s2
	s8 := s4 * s4
	hi := math.FMA(s2, math.FMA(s, 2.755762628169491192e-7, 2.755723402025388239e-6), math.FMA(s, 2.480158687479686264e-5, 1.984126989855865850e-4))
	lo := math.FMA(s2, math.FMA(s, 1.388888888914497797e-3, 8.333333333314938210e-3), math.FMA(s, 4.166666666666602598e-2, 1.666666666666669072e-1))
	u := math.FMA(s8, math.FMA(s, 2.081276378237164457e-9, 2.511210703042288022e-8), math.FMA(s4, hi, lo))
	u = math.FMA(u, s, 0.5)
	u = math.FMA(u, s, 1)
	u = math.FMA(u, s, 1)
	// u·2^q: in one step when 2^q is a normal number (exact, or one
	// rounding into the subnormals), else in two as SLEEF does, the first
	// exact; both round the same.
	if q >= -1022 && q <= 1023 {
		u *= pow2(q)
	} else {
		u = u * pow2(q>>1) * pow2(q-q>>1)
	}
	if x > 709.78271114955742909217217426 {
		u = math.Inf(1)
	}
	if x < -1000 {
		u = 0
	}
	return u
}

// pow2 returns 2^q for −1022 ≤ q ≤ 1023.
func pow2(q int) float64 { return math.Float64frombits(uint64(q+1023) << 52) }

// Log returns the natural logarithm of x as torch.log computes it for
// float64 (error below 1 ulp): −Inf for ±0, NaN for a negative x or NaN,
// +Inf for +Inf.
func Log(x float64) float64 {
	d := x
	sub := d < 0x1p-1022 // subnormal (or ≤ 0): scale into the normal range
	if sub {
		d *= 0x1p64
	}
	// d = m·2^e with m in [0.75, 1.5).
	e := int(math.Float64bits(d*(1.0/0.75))>>52&0x7ff) - 1023
	m := math.Float64frombits(math.Float64bits(d) - uint64(e)<<52)
	if sub {
		e -= 64
	}
	// t = (m−1)/(m+1) in double-double: log m = 2·atanh t.
	nh, nl := twoSum(-1, m)
	dh, dl := twoSum(1, m)
	r := 1 / dh
	th := nh * r
	u := math.FMA(r, nh, -th)
	v := math.FMA(-dl, r, math.FMA(-dh, r, 1))
	tl := math.FMA(th, v, math.FMA(nl, r, u))
	t2 := th * th
	t4 := t2 * t2
	t8 := t4 * t4
	p := math.FMA(t8, math.FMA(t4, 0.1532076988502701353, math.FMA(t2, 0.1525629051003428716, 0.1818605932937785996)),
		math.FMA(t4, math.FMA(t2, 0.2222214519839380009, 0.2857142932794299317), math.FMA(t2, 0.3999999999635251990, 0.6666666666667333541)))
	// e·ln 2 + 2t + t³·p, summed in double-double.
	const l2h, l2l = 0.693147180559945286226764, 2.319046813846299558417771e-17
	ef := float64(e)
	sh := l2h * ef
	sl := math.FMA(l2l, ef, math.FMA(l2h, ef, -sh))
	ah, al := 2*th, 2*tl
	h := sh + ah
	sl = (((sh - h) + ah) + sl) + al
	sh = h
	w := (t2 * th) * p
	h = sh + w
	sl = ((sh - h) + w) + sl
	y := h + sl
	switch {
	case math.IsInf(x, 1):
		return math.Inf(1)
	case x < 0 || x != x:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	return y
}

// twoSum returns s = x + y and the rounding error of that sum.
func twoSum(x, y float64) (s, err float64) {
	s = x + y
	v := s - x
	return s, (x - (s - v)) + (y - v)
}
