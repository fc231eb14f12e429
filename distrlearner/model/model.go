// Package model holds the distribution learners, distr_learner and
// distr_learner_mu, as fast streams of the toolkit's trial loop.
package model

import (
	"fmt"
	"math"

	"github.com/fastslow/distrlearner/layers"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/sgd"
	"github.com/fastslow/stream/topk"
)

// Kind tells the two learners apart: they differ only in how they recruit.
type Kind int

const (
	// Single is distr_learner: each recruitment activates one unit, the
	// inactive unit with the lowest index.
	Single Kind = iota
	// Multi is distr_learner_mu: each recruitment activates the int(N·k)
	// inactive units of highest density.
	Multi
)

// Names of the kinds, as the original's configs write them.
const (
	SingleName = "distr_learner"
	MultiName  = "distr_learner_mu"
)

// String returns the original's name of the kind.
func (k Kind) String() string {
	switch k {
	case Single:
		return SingleName
	case Multi:
		return MultiName
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// KindByName returns the kind called name: "distr_learner" or "distr_learner_mu".
func KindByName(name string) (Kind, error) {
	switch name {
	case SingleName:
		return Single, nil
	case MultiName:
		return Multi, nil
	}
	return 0, fmt.Errorf("unknown distribution learner %q (want %q or %q)", name, SingleName, MultiName)
}

// Params holds what a learner needs, named after the original's keys.
type Params struct {
	Kind          Kind
	MaxUnits      int     // max_nunits: units N
	Dims          int     // n_dims: stimulus dimensions D
	Classes       int     // outputs C (the original has 2)
	AttnWeighting float64 // attn_weighting w: every scale starts at √w
	Phi           float64 // Phi: scales the logits
	LRAttn        float64 // lr_attn: learning rate of the scales
	LRUnits       float64 // lr_units: learning rate of the means
	LRNN          float64 // lr_nn: learning rate of the association weights
	Momentum      float64 // momentum of every SGD group
	K             float64 // k (Multi only): fraction of the units recruited at once
}

// Check reports parameters the learner cannot run, naming the key.
func (p *Params) Check() error {
	fin := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Kind != Single && p.Kind != Multi:
		return fmt.Errorf("unknown kind %v", p.Kind)
	case p.MaxUnits < 1:
		return fmt.Errorf("max_nunits = %d: want at least 1", p.MaxUnits)
	case p.Dims < 1:
		return fmt.Errorf("n_dims = %d: want at least 1", p.Dims)
	case p.Classes < 2:
		return fmt.Errorf("%d classes: want at least 2", p.Classes)
	case !(p.AttnWeighting > 0) || !fin(p.AttnWeighting):
		return fmt.Errorf("attn_weighting = %v: want a positive number (the initial covariance w·I must have a Cholesky factor)", p.AttnWeighting)
	case !fin(p.Phi):
		return fmt.Errorf("Phi = %v: want a finite number", p.Phi)
	case !fin(p.LRAttn) || !fin(p.LRUnits) || !fin(p.LRNN):
		return fmt.Errorf("learning rates lr_attn = %v, lr_units = %v, lr_nn = %v: want finite numbers", p.LRAttn, p.LRUnits, p.LRNN)
	case !(p.Momentum >= 0) || !fin(p.Momentum):
		return fmt.Errorf("momentum = %v: want a non-negative number", p.Momentum)
	case p.Kind == Multi && (!(p.K >= 0) || p.K > 1):
		return fmt.Errorf("k = %v: want a fraction of the units in [0, 1]", p.K)
	}
	return nil
}

// Batch returns how many units a recruitment of a Multi learner
// activates: int(N·k), a float product truncated as Python's int() does.
// It is 1 for a Single learner.
func (p Params) Batch() int {
	if p.Kind == Single {
		return 1
	}
	return int(float64(p.MaxUnits) * p.K)
}

// Names of the arrays of State, the original's state_dict keys.
const (
	UnitsName  = "MultiVariateAttn.units"
	AttnName   = "MultiVariateAttn.attn"
	WeightName = "ClsLayer.weight"
	ActiveName = "MaskNonRecruit.active_units"
)

// Underflows counts the recruitments that the original's quirk cut short:
// a Multi learner recruits only inactive units of non-zero density, so a
// stimulus far from the inactive units (whose densities underflow to 0)
// recruits fewer units than asked, or none.
type Underflows struct {
	Trials int // recruitment trials on which at least one chosen unit was dropped for a zero density
	Units  int // units so dropped, over all trials
}

// Model is a distribution learner: N units, each a normal density with
// a mean and per-dimension scales, whose activations feed association
// weights to the logits; wrong answers recruit inactive units at the
// stimulus. It implements stream.Stream. Forward and Learn allocate
// nothing.
type Model struct {
	p     Params
	dens  *layers.Density
	assoc *layers.Assoc

	active    []bool      // which units are recruited
	units     []int       // the recruited units, ascending
	hi        int         // 1 + the highest recruited unit: SGD steps cover units [0, hi)
	dirty     bool        // every unit must be clamped at the next Forward (after SetState)
	all       []int       // 0..N−1
	pairs     []topk.Pair // scratch for Multi recruitment
	scratch   []int       // scratch: the inactive units
	recruited bool
	kept      []float64 // the factors Predict puts back after clamping (allocated by its first call)
	under     Underflows

	// Units recruited by one Multi recruitment start equal, bit for bit,
	// and stay so: every trial does the same operations on the same
	// values. rep[k] is the lowest-index unit of k's group of such copies
	// (k itself for a unit with no copy), and the layers compute a group
	// once (Density.ForwardShared). Groups come from recruitments (and
	// from exact equality after SetState); shared says some group has two
	// units, noShare (tests) turns grouping off.
	rep     []int
	fresh   []bool // never recruited: its momentum buffers are 0
	shared  bool
	noShare bool
	batch   []int // scratch: the units of one recruitment

	// Without momentum the copies are not computed at all (lazy): the
	// layers run over reps, the recruited units that are their own
	// representative, and the association layer sums over src, every
	// recruited unit in order with a copy listed as its representative
	// (one load fewer a unit in that chain of dependent additions, the
	// learner's longest). A copy's parameters stay as
	// they were at its recruitment (its gradients are 0, so the SGD step
	// leaves them) until materialise copies its representative's into
	// them, for State. With momentum a copy's momentum buffer, which the
	// sgd group keeps, would fall behind, so copies are computed (eager).
	reps []int
	src  []int // lazy: rep[k] of each recruited unit k, in units' order
	lazy bool

	z    []float64 // C logits of the last Forward
	dAct []float64 // N: ∂L/∂act, scratch

	attn, mu, weight, low *sgd.Param
}

var _ stream.Stream = (*Model)(nil)

// New returns a fresh learner: means at the origin, scales √w, no unit
// recruited, weights 0 (the original's initial state).
func New(p Params) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	n, d := p.MaxUnits, p.Dims
	m := &Model{
		p:      p,
		dens:   layers.NewDensity(n, d, p.AttnWeighting),
		assoc:  layers.NewAssoc(n, p.Classes, p.Phi),
		active: make([]bool, n),
		units:  make([]int, 0, n),
		all:    make([]int, n),
		z:      make([]float64, p.Classes),
		dAct:   make([]float64, n),
		dirty:  true,
		rep:    make([]int, n),
		fresh:  make([]bool, n),
	}
	for k := range m.all {
		m.all[k] = k
		m.rep[k] = k
		m.fresh[k] = true
	}
	if p.Kind == Multi {
		m.pairs = make([]topk.Pair, n)
		m.scratch = make([]int, 0, n)
		m.batch = make([]int, 0, p.Batch())
	}
	// The original's three SGD groups (attn, units, ClsLayer); the lower
	// part of the Cholesky factors belongs to attn's group.
	m.attn = sgd.NewParam("MultiVariateAttn.attn (diagonal)", m.dens.Scale, m.dens.GScale, p.LRAttn, p.Momentum)
	m.low = sgd.NewParam("MultiVariateAttn.attn (lower)", m.dens.Low, m.dens.GLow, p.LRAttn, p.Momentum)
	m.mu = sgd.NewParam(UnitsName, m.dens.Mu, m.dens.GMu, p.LRUnits, p.Momentum)
	m.weight = sgd.NewParam(WeightName, m.assoc.A, m.assoc.GA, p.LRNN, p.Momentum)
	return m, nil
}

// Params returns the parameters the learner was built with.
func (m *Model) Params() Params { return m.p }

// Underflows returns the recruitments cut short by zero densities so far.
func (m *Model) Underflows() Underflows { return m.under }

// Forward implements stream.Stream: it predicts, recruits if the
// prediction is wrong (or all logits are 0) and some unit is inactive,
// and then predicts again. The returned logits are owned by the learner.
func (m *Model) Forward(t *stream.Trial) []float64 {
	m.predict(t.X)
	m.recruited = false
	if m.needRecruit(t.Label) {
		m.recruited = true
		if len(m.units) < m.p.MaxUnits {
			m.recruit(t.X)
		}
		m.predict(t.X)
	}
	return m.z
}

// predict clamps the factors as the original does before every forward
// pass, then computes the recruited units' densities and the logits.
func (m *Model) predict(x []float64) {
	if m.dirty {
		m.dens.Clamp(m.all) // after SetState any unit may need it; else only
		m.dirty = false     // recruited units change, and Forward clamps those
	}
	switch {
	case m.lazy:
		m.dens.Forward(x, m.reps)
		m.assoc.Forward(m.dens.Act, m.src, m.z)
		return
	case m.shared:
		m.dens.ForwardShared(x, m.units, m.rep)
	default:
		m.dens.Forward(x, m.units)
	}
	m.assoc.Forward(m.dens.Act, m.units, m.z)
}

// needRecruit is the original's test: the first largest logit (as
// torch.argmax finds it, NaN counting as the largest) is not the label,
// or every logit is 0.
func (m *Model) needRecruit(label int) bool {
	best, zero := 0, true
	for c, v := range m.z {
		if v != 0 {
			zero = false
		}
		if c > 0 && !math.IsNaN(m.z[best]) && (v > m.z[best] || math.IsNaN(v)) {
			best = c
		}
	}
	return best != label || zero
}

// recruit activates inactive units at x: the lowest-index one (Single),
// or the int(N·k) of highest density with zero densities dropped (Multi).
func (m *Model) recruit(x []float64) {
	if m.p.Kind == Single {
		for k, a := range m.active {
			if !a {
				m.activate(k, x)
				m.setReps() // lazy copies after SetState: the new unit joins the lists
				return
			}
		}
		return
	}
	// The original takes every unit's density, sets the recruited ones to
	// 0, takes torch.topk of int(N·k) and drops the zeros among those. The
	// kernel's topk chooses among ties as torch does when 64·int(N·k) ≤ N
	// (the original asks for N/100); beyond that torch takes another
	// procedure, which gives the same set whenever no two values are equal.
	inactive := m.scratch[:0]
	for k, a := range m.active {
		if !a {
			inactive = append(inactive, k)
		}
	}
	m.dens.Forward(x, inactive)
	p := m.pairs
	for k := range p {
		p[k] = topk.Pair{I: int32(k)}
	}
	for _, k := range inactive {
		p[k].V = m.dens.Act[k]
	}
	dropped := 0
	batch := m.batch[:0]
	for _, q := range topk.TopK(p, m.p.Batch()) {
		if q.V == 0 {
			if !m.active[q.I] {
				dropped++ // its density underflowed: the original's quirk
			}
			continue
		}
		batch = append(batch, int(q.I))
	}
	m.group(batch)
	for _, k := range batch {
		m.activate(k, x)
	}
	m.setReps()
	if dropped > 0 {
		m.under.Trials++
		m.under.Units += dropped
	}
}

// group makes groups of copies of the inactive units of batch, about to
// be recruited together (their means all set to the stimulus): the units
// whose other parameters and momentum buffers are equal bit for bit (for
// units never recruited, as after New, all of them). It sorts batch.
func (m *Model) group(batch []int) {
	if m.noShare || len(batch) < 2 {
		return
	}
	for i := 1; i < len(batch); i++ {
		for j := i; j > 0 && batch[j-1] > batch[j]; j-- {
			batch[j], batch[j-1] = batch[j-1], batch[j]
		}
	}
	for i, k := range batch {
		for _, r := range batch[:i] {
			if m.rep[r] == r && m.same(r, k, false) {
				m.rep[k] = r
				m.shared = true
				break
			}
		}
	}
}

// same reports whether units a and b have equal parameters, bit for bit
// (the means too if mu), and equal momentum buffers: no momentum, or
// both units never recruited (their buffers are 0; the sgd groups do not
// show theirs).
func (m *Model) same(a, b int, mu bool) bool {
	if m.p.Momentum != 0 && !(m.fresh[a] && m.fresh[b]) {
		return false
	}
	d, c, p := m.p.Dims, m.p.Classes, m.p.Dims*(m.p.Dims-1)/2
	eq := func(v []float64, n int) bool {
		for i := range n {
			if math.Float64bits(v[a*n+i]) != math.Float64bits(v[b*n+i]) {
				return false
			}
		}
		return true
	}
	return (!mu || eq(m.dens.Mu, d)) && eq(m.dens.Scale, d) && eq(m.dens.Low, p) && eq(m.assoc.A, c)
}

// activate recruits unit k and places its mean at x.
func (m *Model) activate(k int, x []float64) {
	m.active[k] = true
	m.fresh[k] = false
	copy(m.dens.Mu[k*m.p.Dims:(k+1)*m.p.Dims], x)
	// Keep the list ascending (recruitment is rare: insertion is enough).
	m.units = append(m.units, k)
	for i := len(m.units) - 1; i > 0 && m.units[i-1] > k; i-- {
		m.units[i], m.units[i-1] = m.units[i-1], m.units[i]
	}
	m.hi = max(m.hi, k+1)
}

// Learn implements stream.Stream: one SGD step (with momentum) of the
// scales, the means and the association weights from dz = ∂L/∂z, through
// the densities of the last Forward.
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	m.backward(dz)
	// Units from hi on were never recruited: their gradients are 0, and
	// so are their momentum buffers; the step would leave them as they are.
	d, c, p := m.p.Dims, m.p.Classes, m.p.Dims*(m.p.Dims-1)/2
	m.attn.StepN(m.hi * d)
	m.low.StepN(m.hi * p)
	m.mu.StepN(m.hi * d)
	m.weight.StepN(m.hi * c)
}

// backward writes the gradients of the recruited units from dz.
func (m *Model) backward(dz []float64) {
	if m.lazy {
		m.assoc.Backward(m.dens.Act, m.reps, dz, m.dAct)
		m.dens.Backward(m.dAct, m.reps)
		return
	}
	m.assoc.Backward(m.dens.Act, m.units, dz, m.dAct)
	if m.shared {
		m.dens.BackwardShared(m.dAct, m.units, m.rep)
		return
	}
	m.dens.Backward(m.dAct, m.units)
}

// Recruited implements stream.Stream: whether the last Forward found its
// first prediction wrong and so ran the recruitment step (which recruits
// nothing when every unit is active, or, for Multi, when the densities
// underflow).
func (m *Model) Recruited() bool { return m.recruited }

// Active implements stream.Stream: the number of recruited units.
func (m *Model) Active() int { return len(m.units) }

// State implements stream.Stream: the original's state_dict. The Cholesky
// factors are written in full (N×D×D): the scales on the diagonal, the
// lower part as the last SGD step left it, zeros above.
func (m *Model) State() []stream.Array {
	m.materialise()
	n, d, c := m.p.MaxUnits, m.p.Dims, m.p.Classes
	p := d * (d - 1) / 2
	attn := make([]float64, n*d*d)
	for k := 0; k < n; k++ {
		f := attn[k*d*d : (k+1)*d*d]
		q := 0
		for i := 0; i < d; i++ {
			f[i*d+i] = m.dens.Scale[k*d+i]
			for j := 0; j < i; j++ {
				f[i*d+j] = m.dens.Low[k*p+q]
				q++
			}
		}
	}
	act := make([]float64, n)
	for _, k := range m.units {
		act[k] = 1
	}
	return []stream.Array{
		stream.NewArray(UnitsName, m.dens.Mu, n, d),
		{Name: AttnName, Shape: []int{n, d, d}, Data: attn},
		stream.NewArray(WeightName, m.assoc.A, n, c),
		{Name: ActiveName, Shape: []int{n}, Data: act},
	}
}

// SetState implements stream.Stream: it loads a state_dict as State writes
// it. The part of each factor above the diagonal is not read (the
// original's forward pass discards it, and it is always 0 in its states);
// the next Forward clamps the scales and clears the lower part, as the
// original's does. Momentum buffers are kept.
func (m *Model) SetState(st map[string]stream.Array) error {
	n, d, c := m.p.MaxUnits, m.p.Dims, m.p.Classes
	p := d * (d - 1) / 2
	if err := stream.Unknown(st, UnitsName, AttnName, WeightName, ActiveName); err != nil {
		return err
	}
	mu := make([]float64, n*d)
	attn := make([]float64, n*d*d)
	w := make([]float64, n*c)
	act := make([]float64, n)
	if err := stream.Take(st, UnitsName, mu, n, d); err != nil {
		return err
	}
	if err := stream.Take(st, AttnName, attn, n, d, d); err != nil {
		return err
	}
	if err := stream.Take(st, WeightName, w, n, c); err != nil {
		return err
	}
	if err := stream.Take(st, ActiveName, act, n); err != nil {
		return err
	}
	for k, v := range act {
		if v != 0 && v != 1 {
			return fmt.Errorf("array %q: value %d is %v, want 0 or 1", ActiveName, k, v)
		}
	}
	copy(m.dens.Mu, mu)
	copy(m.assoc.A, w)
	for k := 0; k < n; k++ {
		f := attn[k*d*d : (k+1)*d*d]
		q := 0
		for i := 0; i < d; i++ {
			m.dens.Scale[k*d+i] = f[i*d+i]
			for j := 0; j < i; j++ {
				m.dens.Low[k*p+q] = f[i*d+j]
				q++
			}
		}
	}
	m.units = m.units[:0]
	m.hi = 0
	for k, v := range act {
		m.active[k] = v == 1
		if v == 1 {
			m.units = append(m.units, k)
			m.hi = k + 1
		}
	}
	m.regroup()
	m.setReps()
	for _, k := range m.units {
		m.fresh[k] = false
	}
	m.dirty = true
	return nil
}

// regroup makes the groups of copies anew after SetState: each recruited
// unit joins the first earlier one equal to it in every parameter and
// momentum buffer, bit for bit (see same); nothing is assumed of units
// that merely look alike.
func (m *Model) regroup() {
	m.shared = false
	for k := range m.rep {
		m.rep[k] = k
	}
	if m.noShare {
		return
	}
	var reps []int
	for _, k := range m.units {
		for _, r := range reps {
			if m.same(r, k, true) {
				m.rep[k] = r
				m.shared = true
				break
			}
		}
		if m.rep[k] == k {
			reps = append(reps, k)
		}
	}
}

// setReps lists the recruited units that are their own representative
// (reps) and the representative of every recruited unit (src), and
// decides whether copies are left lazy (see Model.reps); a recruitment
// or SetState calls it. A unit that
// has just become a copy gets zero gradients, so that the SGD step leaves
// its parameters as they are until materialise.
func (m *Model) setReps() {
	m.lazy = m.shared && m.p.Momentum == 0
	m.reps, m.src = m.reps[:0], m.src[:0]
	if !m.lazy {
		return
	}
	d, c, p := m.p.Dims, m.p.Classes, m.p.Dims*(m.p.Dims-1)/2
	for _, k := range m.units {
		m.src = append(m.src, m.rep[k])
		if m.rep[k] == k {
			m.reps = append(m.reps, k)
			continue
		}
		clear(m.dens.GMu[k*d : k*d+d])
		clear(m.dens.GScale[k*d : k*d+d])
		clear(m.dens.GLow[k*p : k*p+p])
		clear(m.assoc.GA[k*c : k*c+c])
	}
}

// materialise gives every lazy copy its representative's parameters (and
// what the last Forward and Backward computed, with zero gradients so
// that the next step leaves it as it is): the state each copy would have
// had if it had been computed. It is idempotent.
func (m *Model) materialise() {
	if !m.lazy {
		return
	}
	d, c, p := m.p.Dims, m.p.Classes, m.p.Dims*(m.p.Dims-1)/2
	cp := func(v []float64, n, k, r int) { copy(v[k*n:k*n+n], v[r*n:r*n+n]) }
	for _, k := range m.units {
		r := m.rep[k]
		if r == k {
			continue
		}
		cp(m.dens.Mu, d, k, r)
		cp(m.dens.Scale, d, k, r)
		cp(m.dens.Low, p, k, r)
		cp(m.dens.W, d, k, r)
		cp(m.assoc.A, c, k, r)
		m.dens.Act[k] = m.dens.Act[r]
	}
}
