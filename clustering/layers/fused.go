package layers

import "github.com/fastslow/clustering/internal/vexp"

// Fused runs the activation, the competition, the soft winner-take-all and
// the association of a prediction in one kernel over every unit (config1's
// 8), those not recruited or silent masked, leaving in each layer what its
// Forward would have, so that its Backward runs unchanged: between the
// layers nothing returns to Go. The layers themselves are its pure-Go
// counterpart, and its fallback wherever the kernel does not run (such as
// the new stimuli's 100 units with a few recruited, which they gather).
type Fused struct {
	act       *Activation
	comp, wta *ClusterSoftmax
	cls       *Association
	all       []int            // 0 to K−1: every unit live
	kernel    *vexp.Prediction // nil where the kernel cannot run
	h, asso   []float64        // the model's
	mask      []float64        // the model's recruited mask

	straight bool // whether the layers are of the kinds the kernel and Backward take

	// The first prediction of a pair (ForwardPair): its sums s and its
	// kernel's buffers (all in firstMem), of which its masked activations
	// h1 and winners' outputs o1 are read.
	first      *vexp.Prediction
	s1, h1, o1 []float64
	firstMem   []float64
}

// NewFused returns the fused prediction of the four layers, of K units
// each, with the model's recruited mask (K values), its buffer h of the
// masked activations (K values) and its association weights asso (K×2),
// which Forward uses.
func NewFused(act *Activation, comp, wta *ClusterSoftmax, cls *Association, mask, h, asso []float64) *Fused {
	K := act.K
	f := &Fused{act: act, comp: comp, wta: wta, cls: cls, all: make([]int, K), h: h, asso: asso, mask: mask,
		straight: act.QR == 0.5 && comp.Beta > 0 && wta.Beta == 0 && cls.C == 2}
	for k := range f.all {
		f.all[k] = k
	}
	if K == lanes(K) && f.straight { // the kernel takes the same kinds
		f.kernel, _ = vexp.NewPrediction(act.s, act.ps, act.out, mask, h, comp.p, comp.out, wta.p, wta.out, asso, cls.out,
			act.C, comp.Beta, wta.Temp, cls.Phi)
	}
	if f.kernel != nil {
		f.firstMem = make([]float64, 8*K+2)
		mem := f.firstMem
		b := func(n int) []float64 {
			v := mem[:n:n]
			mem = mem[n:]
			return v
		}
		f.s1, f.h1, f.o1 = b(K), b(K), b(K)
		f.first, _ = vexp.NewPrediction(f.s1, b(K), b(K), mask, f.h1, b(K), b(K), b(K), f.o1, asso, b(2),
			act.C, comp.Beta, wta.Temp, cls.Phi)
	}
	return f
}

// Reset clears the buffers of the pair's first prediction, as NewFused
// made them, for a model reused by another run (the layers have a Reset
// of their own).
func (f *Fused) Reset() { clear(f.firstMem) }

// Forward returns z (the association's output, owned by it) from the
// distances d and the attention a as
//
//	H := act.Forward(d, a, rows)
//	h[k] = H[k]·mask[k] for k in rows
//	z := cls.Forward(wta.Forward(comp.Forward(h)), asso, rows)
//
// would, every layer left with that call's state, or nil when the kernel
// cannot take the prediction: the units do not fill whole lanes, the
// activation's exponent q/r is not ½, the competition's temperature is not
// the equivalent one, there are not 2 classes, the build has no kernel, or
// the units listed in rows (the recruited units, those of mask 1) fill
// less than half the lanes (then the layers, which gather them, do less),
// or after the kernel ran, an argument of an exponential was outside its
// range. After a nil the caller runs the layers.
func (f *Fused) Forward(d, a []float64, rows []int) []float64 {
	if !f.takes(rows) {
		return nil
	}
	f.prepare(d, a, rows)
	if !f.kernel.Run() {
		return nil
	}
	return f.finish(rows)
}

// ForwardFrom is Forward from the distances of x to the centres w, which
// it computes by dist.Forward(x, w, rows) (they stand after a nil too):
// with r = 2, in one pass with the activation's sums.
func (f *Fused) ForwardFrom(dist *Distance, x, w, a []float64, rows []int) []float64 {
	if !f.takes(rows) || !f.euclidean(dist) {
		return f.Forward(dist.Forward(x, w, rows), a, rows)
	}
	f.distances(dist, x, w, rows, a, nil)
	f.link(dist.out, a)
	if !f.kernel.Run() {
		return nil
	}
	return f.finish(rows)
}

// ForwardPairFrom is ForwardPair from the distances of x to the centres
// w, as ForwardFrom.
func (f *Fused) ForwardPairFrom(dist *Distance, x, w, a1, a []float64, rows []int) []float64 {
	if !f.Pairs(rows) || !f.euclidean(dist) {
		return f.ForwardPair(dist.Forward(x, w, rows), a1, a, rows)
	}
	f.distances(dist, x, w, rows, a, a1)
	f.link(dist.out, a)
	if !f.kernel.RunPair(f.first) {
		return nil
	}
	return f.finish(rows)
}

// euclidean reports whether dist has r = 2 and the layers' size, for
// ForwardFrom's pass.
func (f *Fused) euclidean(dist *Distance) bool {
	return dist.R == 2 && dist.K == f.act.K && dist.D == f.act.D
}

// distances computes dist's distances for rows and the activation's sums
// with the attention a (and with a1 the pair's first) in one pass.
func (f *Fused) distances(dist *Distance, x, w []float64, rows []int, a, a1 []float64) {
	var s1 []float64
	if a1 != nil {
		s1 = f.s1
	}
	if len(rows) == dist.K {
		dist.rows = rows
		dist.euclidSums(x, w, a, f.act.s, a1, s1)
		return
	}
	dist.rowSums(x, w, rows, a, f.act.s, a1, s1)
}

// ForwardPair is Forward with the attention a, but beside it, in the same
// kernel, it predicts from the same distances with the attention a1 (the
// first prediction of a trial whose second, with a, is sure to run): that
// prediction's masked activations and winners' outputs are First's, and
// its logits are not computed. It returns nil as Forward does, also when
// the build has no kernel of two.
func (f *Fused) ForwardPair(d, a1, a []float64, rows []int) []float64 {
	if !f.Pairs(rows) {
		return nil
	}
	f.prepare(d, a, rows)
	sums(f.s1, d, a1, rows, f.act.D)
	if !f.kernel.RunPair(f.first) {
		return nil
	}
	return f.finish(rows)
}

// Pairs reports whether ForwardPair takes a pair over rows (before the
// kernel's range checks), so that a caller computes its distances only
// then.
func (f *Fused) Pairs(rows []int) bool { return f.first != nil && f.takes(rows) }

// First returns the masked activations h and the soft winner-take-all's
// outputs o (K values each, owned by f) of the first prediction of the
// last ForwardPair.
func (f *Fused) First() (h, o []float64) { return f.h1, f.o1 }

// takes reports whether the kernel takes a prediction over rows.
func (f *Fused) takes(rows []int) bool {
	return f.kernel != nil && len(rows) > 0 && f.act.K <= 2*lanes(len(rows))
}

// sums sets s[k] to the attention-weighted distance of each row listed
// and the others to 0.
func sums(s, d, a []float64, rows []int, D int) {
	if len(rows) != len(s) {
		clear(s)
	}
	for _, k := range rows {
		s[k] = weighted(d[k*D:k*D+D], a)
	}
}

// prepare sets each layer's bookkeeping as its Forward leaves it with
// every unit live and the activation's sums, for the kernel.
func (f *Fused) prepare(d, a []float64, rows []int) {
	f.link(d, a)
	sums(f.act.s, d, a, rows, f.act.D)
}

// link sets each layer's bookkeeping as its Forward leaves it with every
// unit live, for the kernel.
func (f *Fused) link(d, a []float64) {
	act, comp, wta, cls := f.act, f.comp, f.wta, f.cls
	// Each layer's bookkeeping as its Forward leaves it with every unit
	// live, before the kernel, so that a layer run after a failed kernel
	// clears every unit it wrote; the softmaxes list their nonzero inputs
	// only when asked.
	act.d, act.a, act.rows = d, a, f.all
	comp.in, wta.in = f.h, comp.out
	comp.stale, wta.stale = true, true
	cls.o, cls.a = wta.out, f.asso
}

// finish sets the layers' bookkeeping that depends on the kernel's results
// and returns the logits.
func (f *Fused) finish(rows []int) []float64 {
	f.act.rows = rows
	return f.cls.out
}
