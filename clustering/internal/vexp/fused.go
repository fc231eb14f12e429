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

// SoftmaxEquiv computes the clustering competition's softmax with the
// equivalent temperature over the first live values of v: e_i = math.Exp(u)
// with u = v[i]/t, t = v[i]/w and w = beta·math.Log(v[i]); p[i] = e_i/s with
// s the sum of e_i over i < live, added in order from 0; o[i] = v[i]·p[i]; for
// every i < len(v) (values from live on are padding, outside the sum). p
// and o must be at least as long as v and neither may be v. The lanes run
// when len(v) is a multiple of 4.
func SoftmaxEquiv(p, o, v []float64, beta float64, live int) {
	n := len(v)
	p, o = p[:n], o[:n]
	if hasVector && n > 0 && n&3 == 0 && vmath.Positive(v) && softmaxEquivAVX2(&p[0], &o[0], &v[0], beta, n, live) {
		return
	}
	for i, x := range v {
		p[i] = equiv(x, beta)
	}
	normalise(p, o, v, live)
}

// equiv is SoftmaxEquiv's exponential of one value, the kernel's
// operations in its order.
func equiv(x, beta float64) float64 {
	w := beta * math.Log(x)
	t := x / w
	return math.Exp(x / t)
}

// SoftmaxTemp is SoftmaxEquiv with e_i = math.Exp(v[i]/temp).
func SoftmaxTemp(p, o, v []float64, temp float64, live int) {
	n := len(v)
	p, o = p[:n], o[:n]
	if hasVector && n > 0 && n&3 == 0 && softmaxTempAVX2(&p[0], &o[0], &v[0], temp, n, live) {
		return
	}
	for i, x := range v {
		p[i] = math.Exp(x / temp)
	}
	normalise(p, o, v, live)
}

// normalise divides the exponentials e (in p) by their sum over i < live
// and sets o[i] = v[i]·p[i].
func normalise(p, o, v []float64, live int) {
	var sum float64
	for _, e := range p[:live] {
		sum += e
	}
	for i := range p {
		p[i] /= sum
		o[i] = v[i] * p[i]
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

// Prediction is the buffers of one prediction of the clustering model for
// Predict, each of the units' length but Z (2 values) and Assoc (2 per
// unit, by unit). Predict reads S, Mask and Assoc and writes the rest.
type Prediction struct {
	S, Sqrt, H, Mask, Out []float64 // the activation: s, √s, exp(−c·√s), the mask, H·mask
	PComp, OComp          []float64 // the competition's softmax and output
	PWTA, OWTA            []float64 // the soft winner-take-all's
	Assoc, Z              []float64
}

// Predict computes a whole prediction in one kernel when every unit is
// live in whole lanes of 4 (the activation's exponent q/r ½, the
// competition's equivalent temperature): see predictAVX2 for the formulas,
// each the scalar layers' operations in their order. It reports false, with
// the buffers' contents undefined, when the build or the CPU has no such
// kernel, the units do not fill whole lanes, or an exponential's argument
// is outside [−700, 700] or an output of the competition is 0 (a unit
// silent in the winner-take-all); the caller then runs the layers one by
// one, which are this kernel's pure-Go counterpart.
func Predict(p *Prediction, c, beta, temp, phi float64) bool {
	n := len(p.S)
	if !hasVector || n == 0 || n&3 != 0 || len(p.Assoc) != 2*n || len(p.Z) != 2 {
		return false
	}
	for _, b := range [][]float64{p.Sqrt, p.H, p.Mask, p.Out, p.PComp, p.OComp, p.PWTA, p.OWTA} {
		if len(b) != n {
			return false
		}
	}
	return predictAVX2(&p.S[0], &p.Sqrt[0], &p.H[0], &p.Mask[0], &p.Out[0], &p.PComp[0], &p.OComp[0],
		&p.PWTA[0], &p.OWTA[0], &p.Assoc[0], &p.Z[0], c, beta, temp, phi, n)
}
