// Package model holds the clustering model (the original's ClusteringModel,
// a SUSTAIN-like fast learner) as a stream.Stream: recruitment of the unit
// named by the item's signature when the recruited units do not support the
// correct answer, competition and soft winner-take-all between the
// recruited units, and one SGD step on centres, attention and association
// weights per trial.
package model

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/fastslow/clustering/layers"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/sgd"
)

// The state_dict names of the original, used by State and SetState.
const (
	NameCentres   = "Distance.weight"               // [K,D]
	NameAttention = "DimensionWiseAttnLayer.weight" // [1,D]
	NameMask      = "MaskNonRecruit.weight"         // [1,K]
	NameAssoc     = "ClsLayer.weight"               // [K,2]
)

// Classes is the number of classes the model answers: the original's
// association layer has two outputs whatever the task.
const Classes = 2

// InitAttention is the initial value of every attention weight: the
// original sets 1/3 whatever the number of dimensions (the first
// prediction's constraint makes it uniform anyway).
const InitAttention = 1.0 / 3

// InitCentre is the initial value of every centre coordinate (a placeholder
// that recruitment overwrites).
const InitCentre = 0.5

// MaxClusters, MaxDims and MaxSize bound the model's size, so that a mistyped
// config fails with an error rather than by exhausting memory.
const (
	MaxClusters = 1 << 20
	MaxDims     = 1 << 12
	MaxSize     = 1 << 22 // clusters × dims
)

// Params are the model's hyper-parameters, named after the original's
// config keys.
type Params struct {
	Clusters    int     // max_num_clusters K: unit k is the unit of the item with signature k
	Dims        int     // in_features D
	R           float64 // r: the power of the dimensional distances
	Q           float64 // q: the activation uses the distance to the power q/r
	Specificity float64 // specificity c

	// The competition's temperature: Equivalent selects the original's
	// "equivalent" temperature h/(β ln h) with Beta; otherwise the fixed
	// temperature TempCompetition.
	Equivalent      bool
	Beta            float64 // beta β
	TempCompetition float64 // temp_competition when it is a number
	TempSoftWTA     float64 // temp_softwta T
	Phi             float64 // Phi: the scale of the logits
	Thr             float64 // thr: recruit when the total support is below it

	// SumToOne applies the original's attention constraint ("sumtoone")
	// before every prediction: a = max(a, 1e-6), a = a/Σa.
	SumToOne bool

	// Learning rates: lr_clustering times center_lr_multiplier,
	// high_attn_lr_multiplier and asso_lr_multiplier.
	LRCentres, LRAttention, LRAssoc float64
}

// Check reports parameters the model cannot run with.
func (p *Params) Check() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a positive finite number", name, v)
		}
		return nil
	}
	nonneg := func(name string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a finite number ≥ 0", name, v)
		}
		return nil
	}
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a finite number", name, v)
		}
		return nil
	}
	switch {
	case p.Clusters < 1 || p.Clusters > MaxClusters:
		return fmt.Errorf("max_num_clusters = %d: want 1 to %d", p.Clusters, MaxClusters)
	case p.Dims < 1 || p.Dims > MaxDims:
		return fmt.Errorf("in_features = %d: want 1 to %d", p.Dims, MaxDims)
	case p.Clusters*p.Dims > MaxSize:
		return fmt.Errorf("max_num_clusters × in_features = %d × %d: want at most %d", p.Clusters, p.Dims, MaxSize)
	case p.R != math.Trunc(p.R):
		// (x − W)^r of a negative difference is NaN for a fractional r.
		return fmt.Errorf("r = %v: want a positive integer (the distance is the signed difference to the power r)", p.R)
	}
	// Only the temperature in use is checked (the other's message is
	// not even formatted: a model is made for every run).
	var temp error
	if p.Equivalent {
		temp = pos("beta", p.Beta)
	} else {
		temp = pos("temp_competition", p.TempCompetition)
	}
	return errors.Join(
		pos("r", p.R), pos("q", p.Q), pos("specificity", p.Specificity), temp,
		pos("temp_softwta", p.TempSoftWTA),
		finite("Phi", p.Phi), finite("thr", p.Thr),
		nonneg("lr_clustering × center_lr_multiplier", p.LRCentres),
		nonneg("lr_clustering × high_attn_lr_multiplier", p.LRAttention),
		nonneg("lr_clustering × asso_lr_multiplier", p.LRAssoc),
	)
}

// Model is one clustering model; it implements stream.Stream. Its buffers
// are allocated by New, so trials allocate nothing.
type Model struct {
	p Params

	// State, as the original's parameters.
	w    []float64 // centres W, K×D
	attn []float64 // attention a, D (stored un-normalised after a step)
	mask []float64 // recruited mask m, K (0 or 1)
	asso []float64 // association weights A, K×2

	// Gradients of the SGD groups.
	gw, gattn, gasso []float64
	groups           []*sgd.Param
	all              *sgd.Param // the three groups as one, when their learning rates are equal (nil otherwise)

	dist *layers.Distance
	act  *layers.Activation
	comp *layers.ClusterSoftmax
	wta  *layers.ClusterSoftmax
	cls  *layers.Association
	// fused runs act, comp, wta and cls in one kernel when every unit is
	// recruited in whole lanes, and their backward with the distances' in
	// three passes where it applies (nil: the layers one by one, for the
	// tests).
	fused *layers.Fused

	active []int     // recruited units, increasing
	h      []float64 // H·m
	o      []float64 // the soft winner-take-all's output (owned by wta)
	used   []float64 // the attention of the last prediction
	next   []float64 // the attention after the constraint's second application (pair)
	kept   []float64 // the stored attention while Predict constrains it (allocated by its first call)
	z      []float64 // logits of the last prediction

	// Backward scratch.
	gz, go_, gg, gh, gd []float64

	recruited bool
	paired    bool // the last Forward ran its two predictions side by side
	support   float64
}

// New returns a fresh model: centres 0.5, attention 1/3, nothing
// recruited, association weights 0. It reuses a released model of the
// same parameters (Release) when there is one, reset.
func New(p Params) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if m, ok := spare.Get().(*Model); ok && sameParams(m.p, p) {
		m.Reset()
		return m, nil
	} // else a model of other parameters is dropped.
	K, D := p.Clusters, p.Dims
	// The three groups' values and gradients each in one array, in the
	// groups' order, so that equal learning rates step them in one call.
	n := K*D + D + K*Classes
	val, grad := make([]float64, n), make([]float64, n)
	parts := func(v []float64) (w, attn, asso []float64) {
		return v[: K*D : K*D], v[K*D : K*D+D : K*D+D], v[K*D+D:]
	}
	m := &Model{p: p, mask: make([]float64, K),
		dist:   layers.NewDistance(K, D, p.R),
		act:    layers.NewActivation(K, D, p.Specificity, p.Q/p.R),
		wta:    layers.NewSoftmax(K, p.TempSoftWTA),
		cls:    layers.NewAssociation(K, Classes, p.Phi),
		active: make([]int, 0, K),
		h:      make([]float64, K), used: make([]float64, D), next: make([]float64, D), z: make([]float64, Classes),
		gz: make([]float64, Classes), go_: make([]float64, K), gg: make([]float64, K), gh: make([]float64, K),
		gd:      make([]float64, K*D),
		support: math.NaN(),
	}
	m.w, m.attn, m.asso = parts(val)
	m.gw, m.gattn, m.gasso = parts(grad)
	if p.Equivalent {
		m.comp = layers.NewCompetition(K, p.Beta)
	} else {
		m.comp = layers.NewSoftmax(K, p.TempCompetition)
	}
	m.fused = layers.NewFused(m.act, m.comp, m.wta, m.cls, m.mask, m.h, m.asso)
	m.groups = []*sgd.Param{
		sgd.NewParam(NameCentres, m.w, m.gw, p.LRCentres, 0),
		sgd.NewParam(NameAttention, m.attn, m.gattn, p.LRAttention, 0),
		sgd.NewParam(NameAssoc, m.asso, m.gasso, p.LRAssoc, 0),
	}
	if p.LRCentres == p.LRAttention && p.LRAttention == p.LRAssoc {
		m.all = sgd.NewParam("all", val, grad, p.LRCentres, 0)
	}
	m.Reset()
	return m, nil
}

// Reset puts the model back as New makes it (centres 0.5, attention 1/3,
// nothing recruited, association weights 0, every buffer of it and its
// layers as made) without allocating, so that a run can reuse the model
// of the previous one: its trials then have the bits of a new model's.
func (m *Model) Reset() {
	for i := range m.w {
		m.w[i] = InitCentre
	}
	for j := range m.attn {
		m.attn[j] = InitAttention
	}
	clear(m.mask)
	clear(m.asso)
	m.setActive()
	for _, g := range m.groups {
		g.Reset()
	}
	if m.all != nil {
		m.all.Reset()
	}
	for _, b := range [...][]float64{m.gw, m.gattn, m.gasso, m.used, m.next, m.kept, m.z, m.gz, m.go_, m.gg, m.gh, m.gd} {
		clear(b)
	}
	m.dist.Reset()
	m.act.Reset()
	m.comp.Reset()
	m.wta.Reset()
	m.cls.Reset()
	if m.fused != nil {
		m.fused.Reset()
	}
	m.o = nil
	m.recruited, m.paired, m.support = false, false, math.NaN()
}

// Release implements stream.Releaser: it gives the model back for the
// next New with the same parameters to reuse (Reset) instead of building
// one; m must not be used afterwards.
func (m *Model) Release() { spare.Put(m) }

var _ stream.Releaser = (*Model)(nil)

// spare holds released models: a cache shared by the runs of a process,
// which New takes from when the parameters are the same.
var spare sync.Pool

// sameParams reports whether a and b are the same parameters to the bit
// (a model of one computes the bits of a model of the other): == but for
// the signs of zeros, which == does not tell apart.
func sameParams(a, b Params) bool {
	fa := [...]float64{a.R, a.Q, a.Specificity, a.Beta, a.TempCompetition, a.TempSoftWTA, a.Phi, a.Thr, a.LRCentres, a.LRAttention, a.LRAssoc}
	fb := [...]float64{b.R, b.Q, b.Specificity, b.Beta, b.TempCompetition, b.TempSoftWTA, b.Phi, b.Thr, b.LRCentres, b.LRAttention, b.LRAssoc}
	return a == b && sameBits(fa[:], fb[:])
}

// Params returns the model's hyper-parameters.
func (m *Model) Params() Params { return m.p }

// constrain applies the attention constraint to the stored attention, as
// the original does to the parameter's data before each prediction.
func (m *Model) constrain() {
	if m.p.SumToOne {
		sumToOne(m.attn, m.attn)
	}
}

// sumToOne writes into dst the "sumtoone" constraint applied to a (dst
// may be a): max(a, 1e-6)/Σ max(a, 1e-6).
func sumToOne(dst, a []float64) {
	dst = dst[:len(a)]
	var s float64
	for j, v := range a {
		v = max(v, layers.MinDistance) // the same 1e-6 floor
		dst[j] = v
		s += v
	}
	for j := range dst {
		dst[j] /= s
	}
}

// predict computes the logits of x with the current state, caching what
// the backward pass needs. It does not apply the constraint. With again,
// the distances of the last call stand (the same x, centres and units:
// they do not depend on the attention), so they are not computed anew.
func (m *Model) predict(x []float64, again bool) {
	var z []float64
	switch {
	case m.fused == nil:
		if !again {
			m.dist.Forward(x, m.w, m.active)
		}
	case again:
		z = m.fusedForward(m.dist.Out())
	default:
		z = m.fused.ForwardFrom(m.dist, x, m.w, m.attn, m.active)
	}
	d := m.dist.Out()
	if z != nil {
		m.o = m.wta.Out()
		set(m.z, z)
	} else {
		H := m.act.Forward(d, m.attn, m.active)
		for _, k := range m.active {
			m.h[k] = H[k] * m.mask[k]
		}
		g := m.comp.Forward(m.h)
		m.o = m.wta.Forward(g)
		set(m.z, m.cls.Forward(m.o, m.asso, m.active))
	}
	set(m.used, m.attn)
}

// totalSupport returns the support of the recruited units for class label:
// Σ_k sup_k·o_k / Σ_k o_k over the units of the last prediction, with
// sup_k = (A_k,label − A_k,other)/(|A_k,label| + |A_k,other| + 1e-6).
//
// h are the prediction's masked activations and out its outputs: the units
// summed in the first sum are those of nonzero h (the competition's
// nonzero inputs), recruited units all.
func (m *Model) totalSupport(label int, h, out []float64) float64 {
	var total, s float64
	for _, k := range m.active {
		if h[k] != 0 {
			wc, wi := m.asso[k*Classes+label], m.asso[k*Classes+1-label]
			sup := (wc - wi) / (math.Abs(wc) + math.Abs(wi) + 1e-6)
			total += sup * out[k]
		}
		s += out[k]
	}
	return total / s
}

// recruit centres the unit of signature sig on x and marks it recruited.
func (m *Model) recruit(x []float64, sig int) {
	D := m.p.Dims
	copy(m.w[sig*D:sig*D+D], x)
	if m.mask[sig] == 0 {
		m.mask[sig] = 1
		m.setActive()
	}
	m.recruited = true
}

// setActive rebuilds the list of recruited units from the mask.
func (m *Model) setActive() {
	m.active = m.active[:0]
	for k, v := range m.mask {
		m.h[k] = 0
		if v != 0 {
			m.active = append(m.active, k)
		}
	}
}

// Forward implements stream.Stream: on the first trial of a run it
// recruits the item's unit; on any other trial it predicts, evaluates the
// support of the recruited units for the correct class and recruits the
// item's unit when the support is below thr (a NaN support does not
// recruit). It then predicts again; those logits are the trial's output.
// Each prediction first applies the attention constraint to the stored
// attention, so a trial that checks support applies it twice.
func (m *Model) Forward(t *stream.Trial) []float64 {
	if t.Signature < 0 || t.Signature >= m.p.Clusters {
		// train.Keys.New checks the task's signatures when the model is
		// made; a direct caller gets the original's index error.
		panic(fmt.Sprintf("clustering: signature %d outside the %d units", t.Signature, m.p.Clusters))
	}
	m.recruited, m.paired = false, false
	m.support = math.NaN()
	// With again, next holds the constraint applied to the attention once
	// more, and moved says whether that moves it.
	again, moved := false, false
	if t.First() {
		m.recruit(t.X, t.Signature)
	} else {
		if again = m.p.SumToOne; again {
			moved = m.constrainTwice()
		}
		if m.paired = moved && m.pair(t.X); m.paired {
			h, o := m.fused.First()
			if m.support = m.totalSupport(t.Label, h, o); !(m.support < m.p.Thr) {
				// The second prediction, with the attention constrained
				// again, is the trial's.
				set(m.attn, m.next)
				set(m.used, m.next)
				return m.z
			}
		} else {
			m.predict(t.X, false)
			m.support = m.totalSupport(t.Label, m.h, m.o)
		}
		if m.support < m.p.Thr {
			m.recruit(t.X, t.Signature)
		}
	}
	if !again {
		m.constrain()
		moved = !sameBits(m.used, m.attn)
	} else if moved {
		set(m.attn, m.next)
	} // else: the constraint leaves the attention as it is.
	if m.recruited || moved {
		// Without a recruitment only the attention changed since the
		// first prediction, and the distances stand.
		m.predict(t.X, !m.recruited)
	} // else: nothing changed since the first prediction, whose cache stands.
	return m.z
}

// pair runs a trial's first prediction and its second side by side
// (vexp.Prediction.RunPair); the caller calls it when the second is sure
// to run, the constraint applied again moving the attention (to next,
// which it computed from the attention of the first): the second
// prediction depends on nothing the first computes and runs unless a
// recruitment changes the units (then it runs again). It reports whether
// it ran (not when the kernel does not take the units): the first's
// activations and outputs are then the fused kernel's First, and the
// second's are in the layers and z as predict leaves them, with the
// attention next (the activation's, until the next trial).
func (m *Model) pair(x []float64) bool {
	if m.fused == nil || !m.fused.Pairs(m.active) {
		return false
	}
	z := m.fused.ForwardPairFrom(m.dist, x, m.w, m.attn, m.next, m.active)
	if z == nil {
		return false
	}
	m.o = m.wta.Out()
	set(m.z, z)
	return true
}

// fusedForward returns the logits of the fused prediction from the
// distances d, or nil if it did not run.
func (m *Model) fusedForward(d []float64) []float64 {
	if m.fused == nil {
		return nil
	}
	return m.fused.Forward(d, m.attn, m.active)
}

// set copies src into dst: a loop, not copy, for the few values of the
// attention and the logits, which a trial copies up to five times and copy
// moves by a call to the runtime's memmove.
func set(dst, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v
	}
}

// constrainTwice applies the constraint to the stored attention (as
// constrain) and reports whether applying it once more would move the
// result, writing where into next when it would. Most trials it would
// not: no value is below the floor and the values sum to 1 exactly, so
// that each divided by the sum is itself; the second application's floor
// test and sum are taken in the loop of the first's divisions, and its
// divisions only when that test fails.
func (m *Model) constrainTwice() bool {
	a := m.attn
	var s float64
	for j, v := range a {
		v = max(v, layers.MinDistance)
		a[j] = v
		s += v
	}
	var s2 float64
	floor := false
	for j := range a {
		v := a[j] / s
		a[j] = v
		floor = floor || !(v >= layers.MinDistance)
		s2 += max(v, layers.MinDistance)
	}
	if s2 == 1 && !floor {
		return false
	}
	sumToOne(m.next, a)
	return !sameBits(m.next, a)
}

func sameBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// Learn implements stream.Stream: one SGD step on the centres, the
// attention and the association weights from dz = ∂L/∂z, through every
// step of the last prediction.
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	m.backward(dz)
	if m.all != nil {
		m.all.Step()
		return
	}
	for _, g := range m.groups {
		g.Step()
	}
}

// backward writes the gradients of the last prediction's loss into gw,
// gattn and gasso from dz = ∂L/∂z.
func (m *Model) backward(dz []float64) {
	if m.fused != nil && m.fused.Backward(m.dist, dz, m.gw, m.gattn, m.gasso, m.go_, m.gg, m.gh) {
		return
	}
	set(m.gz, dz)
	m.cls.Backward(m.gz, m.go_, m.gasso)
	m.wta.Backward(m.go_, m.gg)
	m.comp.Backward(m.gg, m.gh)
	for k := range m.gh {
		m.gh[k] *= m.mask[k]
	}
	m.act.Backward(m.gh, m.gd, m.gattn)
	m.dist.Backward(m.gd, m.gw)
}

// Recruited implements stream.Stream: whether the last trial ran the
// recruitment step (also when it only re-centred a recruited unit).
func (m *Model) Recruited() bool { return m.recruited }

// Active implements stream.Stream: the number of recruited units.
func (m *Model) Active() int { return len(m.active) }

// Support returns the total support of the last trial (NaN on the first
// trial of a run, which recruits without evaluating it).
func (m *Model) Support() float64 { return m.support }

// Attention returns the stored attention (owned by the model): after a
// Learn it is the post-step, un-normalised value the original saves.
func (m *Model) Attention() []float64 { return m.attn }

// NormalisedAttention writes into dst the attention the next prediction
// will use (the constraint applied once to the stored value).
func (m *Model) NormalisedAttention(dst []float64) {
	copy(dst, m.attn)
	if !m.p.SumToOne {
		return
	}
	var s float64
	for j, v := range dst {
		dst[j] = max(v, layers.MinDistance)
		s += dst[j]
	}
	for j := range dst {
		dst[j] /= s
	}
}

// State implements stream.Stream, with the original's state_dict names
// and shapes.
func (m *Model) State() []stream.Array {
	K, D := m.p.Clusters, m.p.Dims
	return []stream.Array{
		stream.NewArray(NameCentres, m.w, K, D),
		stream.NewArray(NameAttention, m.attn, 1, D),
		stream.NewArray(NameMask, m.mask, 1, K),
		stream.NewArray(NameAssoc, m.asso, K, Classes),
	}
}

// SetState implements stream.Stream: it loads the four arrays of State
// (all required, no others), checking shapes, finiteness and that the mask
// holds only 0 and 1.
func (m *Model) SetState(st map[string]stream.Array) error {
	K, D := m.p.Clusters, m.p.Dims
	if err := stream.Unknown(st, NameCentres, NameAttention, NameMask, NameAssoc); err != nil {
		return err
	}
	w := make([]float64, K*D)
	a := make([]float64, D)
	mk := make([]float64, K)
	as := make([]float64, K*Classes)
	if err := errors.Join(
		stream.Take(st, NameCentres, w, K, D),
		stream.Take(st, NameAttention, a, 1, D),
		stream.Take(st, NameMask, mk, 1, K),
		stream.Take(st, NameAssoc, as, K, Classes),
	); err != nil {
		return err
	}
	for k, v := range mk {
		if v != 0 && v != 1 {
			return fmt.Errorf("array %q: value %d is %v, want 0 or 1 (recruited or not)", NameMask, k, v)
		}
	}
	copy(m.w, w)
	copy(m.attn, a)
	copy(m.mask, mk)
	copy(m.asso, as)
	m.setActive()
	for _, g := range m.groups {
		g.Reset()
	}
	return nil
}
