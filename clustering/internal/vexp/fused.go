// Package vexp holds the clustering layers' element-wise steps around
// their exponentials and logarithms, 4 lanes at a time where the CPU has
// AVX2 and FMA (and the build is not purego): each value with the scalar
// formula's operations in its order, so with its bits, math.Exp and
// math.Log being stream/vmath's lanes (their emitters generate both
// packages' kernels). The lanes' part stops at a multiple of 4; the
// rest, and every value when an argument of an exponential falls outside
// the lanes' range, is computed by the formula.
package vexp

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg vexp -out ../vexp_amd64.s -stubs ../vexp_amd64.go"

import (
	"math"

	"github.com/fastslow/stream/vmath"
)

// SoftmaxEquiv sets e[i] = math.Exp(u) with u = v[i]/t, t = v[i]/w and
// w = beta·math.Log(v[i]) (the clustering competition's equivalent
// temperature) for every i < len(v). e must be at least as long as v.
func SoftmaxEquiv(e, v []float64, beta float64) {
	n := len(v)
	e = e[:n]
	i := 0
	if m := n &^ 3; hasVector && m > 0 && vmath.Positive(v[:m]) && softmaxEquivAVX2(&e[0], &v[0], beta, m) {
		i = m
	}
	for ; i < n; i++ {
		e[i] = equiv(v[i], beta)
	}
}

func equiv(x, beta float64) float64 {
	w := beta * math.Log(x)
	t := x / w
	return math.Exp(x / t)
}

// SoftmaxTemp sets e[i] = math.Exp(v[i]/temp) for every i < len(v). e
// must be at least as long as v.
func SoftmaxTemp(e, v []float64, temp float64) {
	n := len(v)
	e = e[:n]
	i := 0
	if m := n &^ 3; hasVector && m > 0 && softmaxTempAVX2(&e[0], &v[0], temp, m) {
		i = m
	}
	for ; i < n; i++ {
		e[i] = math.Exp(v[i] / temp)
	}
}

// ExpNegSqrt sets r[i] = math.Sqrt(v[i]) and e[i] = math.Exp(−(r[i]·c))
// for every i < len(v) (the clustering activation with q/r = ½). e and r
// must be at least as long as v.
func ExpNegSqrt(e, r, v []float64, c float64) {
	n := len(v)
	e, r = e[:n], r[:n]
	i := 0
	if m := n &^ 3; hasVector && m > 0 && expNegSqrtAVX2(&e[0], &r[0], &v[0], c, m) {
		i = m
	}
	for ; i < n; i++ {
		r[i] = math.Sqrt(v[i])
		e[i] = math.Exp(-(r[i] * c))
	}
}

// Div sets dst[i] = src[i]/s for every i < len(src). dst must be at
// least as long as src; the two may be the same slice.
func Div(dst, src []float64, s float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if m := n &^ 3; hasVector && m > 0 {
		divAVX2(&dst[0], &src[0], s, m)
		i = m
	}
	for ; i < n; i++ {
		dst[i] = src[i] / s
	}
}
