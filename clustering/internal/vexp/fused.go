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

// Prediction is the buffers of one prediction of the clustering model
// and its constants, checked once by NewPrediction for Run.
type Prediction struct {
	s, sqrt, h, mask, out []float64 // the activation: s, √s, exp(−c·√s), the mask, H·mask
	pComp, oComp          []float64 // the competition's softmax and output
	pWTA, oWTA            []float64 // the soft winner-take-all's
	assoc, z              []float64
	c, beta, temp, phi    float64
	zmm                   bool // 8 units and AVX-512: predict8AVX512's kernels
	ptrs                  [11]*float64
	consts                [4]float64 // their arguments
}

// NewPrediction returns the kernel's prediction over the buffers of the
// model's n units (n a multiple of 4): s, the activations' sums; sqrt,
// their square roots; h, the activations exp(−c·√s); mask, the recruited
// units; out, h·mask; the competition's softmax pComp and output oComp,
// with the equivalent temperature of beta; the soft winner-take-all's pWTA
// and oWTA, of temperature temp; the association weights assoc (2 per
// unit, by unit) and the logits z (2 values), scaled by phi. Run reads s,
// mask and assoc and writes the rest. It reports false when the build or
// the CPU has no such kernel or the lengths do not fit.
func NewPrediction(s, sqrt, h, mask, out, pComp, oComp, pWTA, oWTA, assoc, z []float64, c, beta, temp, phi float64) (*Prediction, bool) {
	n := len(s)
	if !hasVector || n == 0 || n&3 != 0 || len(assoc) != 2*n || len(z) != 2 {
		return nil, false
	}
	for _, b := range [][]float64{sqrt, h, mask, out, pComp, oComp, pWTA, oWTA} {
		if len(b) != n {
			return nil, false
		}
	}
	return &Prediction{s: s, sqrt: sqrt, h: h, mask: mask, out: out, pComp: pComp, oComp: oComp, pWTA: pWTA, oWTA: oWTA,
		assoc: assoc, z: z, c: c, beta: beta, temp: temp, phi: phi, zmm: hasZMM && n == 8,
		ptrs:   [11]*float64{&s[0], &sqrt[0], &h[0], &mask[0], &out[0], &pComp[0], &oComp[0], &pWTA[0], &oWTA[0], &assoc[0], &z[0]},
		consts: [4]float64{c, beta, temp, phi}}, true
}

// Run computes the prediction in one kernel, every unit live (the
// activation's exponent q/r ½, the competition's equivalent temperature):
// see predictAVX2 for the formulas, each the scalar layers' operations in
// their order. It reports false, with the buffers' contents undefined, when
// an exponential's argument is outside [−700, 700] or an output of the competition is 0 (a unit silent
// in the winner-take-all); the caller then runs the layers one by one,
// which are this kernel's pure-Go counterpart.
func (p *Prediction) Run() bool {
	if p.zmm {
		return predict8AVX512(&p.ptrs, &p.consts)
	}
	return hasVector && predictAVX2(&p.s[0], &p.sqrt[0], &p.h[0], &p.mask[0], &p.out[0], &p.pComp[0], &p.oComp[0],
		&p.pWTA[0], &p.oWTA[0], &p.assoc[0], &p.z[0], p.c, p.beta, p.temp, p.phi, len(p.s))
}

// RunPair computes first's prediction and p's in one kernel, side by side
// (their chains independent, so the CPU runs them at once): first from its
// s into its buffers, but for its logits, which it leaves, and p as Run
// does, both with p's mask, association weights and constants, which
// first must share (both made by NewPrediction over n units). Each
// prediction's bits are those of Run. It reports false as Run does, for
// either, or when first has not p's number of units.
func (p *Prediction) RunPair(first *Prediction) bool {
	q := first
	if p.zmm && q.zmm {
		return predictPair8AVX512(&p.ptrs, &p.consts, &q.ptrs)
	}
	return hasVector && len(q.s) == len(p.s) &&
		predictPairAVX2(&p.s[0], &p.sqrt[0], &p.h[0], &p.mask[0], &p.out[0], &p.pComp[0], &p.oComp[0], &p.pWTA[0], &p.oWTA[0], &p.assoc[0], &p.z[0],
			&q.s[0], &q.sqrt[0], &q.h[0], &q.out[0], &q.pComp[0], &q.oComp[0], &q.pWTA[0], &q.oWTA[0], p.c, p.beta, p.temp, p.phi, len(p.s))
}
