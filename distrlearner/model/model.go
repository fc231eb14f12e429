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

// Config holds what a learner needs, named after the original's keys.
type Config struct {
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

// Validate reports a config the learner cannot run, naming the key.
func (c Config) Validate() error {
	fin := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case c.Kind != Single && c.Kind != Multi:
		return fmt.Errorf("unknown kind %v", c.Kind)
	case c.MaxUnits < 1:
		return fmt.Errorf("max_nunits = %d: want at least 1", c.MaxUnits)
	case c.Dims < 1:
		return fmt.Errorf("n_dims = %d: want at least 1", c.Dims)
	case c.Classes < 2:
		return fmt.Errorf("%d classes: want at least 2", c.Classes)
	case !(c.AttnWeighting > 0) || !fin(c.AttnWeighting):
		return fmt.Errorf("attn_weighting = %v: want a positive number (the initial covariance w·I must have a Cholesky factor)", c.AttnWeighting)
	case !fin(c.Phi):
		return fmt.Errorf("Phi = %v: want a finite number", c.Phi)
	case !fin(c.LRAttn) || !fin(c.LRUnits) || !fin(c.LRNN):
		return fmt.Errorf("learning rates lr_attn = %v, lr_units = %v, lr_nn = %v: want finite numbers", c.LRAttn, c.LRUnits, c.LRNN)
	case !(c.Momentum >= 0) || !fin(c.Momentum):
		return fmt.Errorf("momentum = %v: want a non-negative number", c.Momentum)
	case c.Kind == Multi && (!(c.K >= 0) || c.K > 1):
		return fmt.Errorf("k = %v: want a fraction of the units in [0, 1]", c.K)
	}
	return nil
}

// Batch returns how many units a recruitment of a Multi learner
// activates: int(N·k), a float product truncated as Python's int() does.
// It is 1 for a Single learner.
func (c Config) Batch() int {
	if c.Kind == Single {
		return 1
	}
	return int(float64(c.MaxUnits) * c.K)
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

// Learner is a distribution learner: N units, each a normal density with
// a mean and per-dimension scales, whose activations feed association
// weights to the logits; wrong answers recruit inactive units at the
// stimulus. It implements stream.Stream. Forward and Learn allocate
// nothing.
type Learner struct {
	cfg   Config
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
	// representative, and the association layer reads a copy's activation
	// and weights from its representative. A copy's parameters stay as
	// they were at its recruitment (its gradients are 0, so the SGD step
	// leaves them) until materialise copies its representative's into
	// them, for State. With momentum a copy's momentum buffer, which the
	// sgd group keeps, would fall behind, so copies are computed (eager).
	reps []int
	lazy bool

	z    []float64 // C logits of the last Forward
	dAct []float64 // N: ∂L/∂act, scratch

	attn, mu, weight, low *sgd.Param
}

var _ stream.Stream = (*Learner)(nil)

// New returns a fresh learner: means at the origin, scales √w, no unit
// recruited, weights 0 (the original's initial state).
func New(c Config) (*Learner, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	n, d := c.MaxUnits, c.Dims
	l := &Learner{
		cfg:    c,
		dens:   layers.NewDensity(n, d, c.AttnWeighting),
		assoc:  layers.NewAssoc(n, c.Classes, c.Phi),
		active: make([]bool, n),
		units:  make([]int, 0, n),
		all:    make([]int, n),
		z:      make([]float64, c.Classes),
		dAct:   make([]float64, n),
		dirty:  true,
		rep:    make([]int, n),
		fresh:  make([]bool, n),
	}
	for k := range l.all {
		l.all[k] = k
		l.rep[k] = k
		l.fresh[k] = true
	}
	if c.Kind == Multi {
		l.pairs = make([]topk.Pair, n)
		l.scratch = make([]int, 0, n)
		l.batch = make([]int, 0, c.Batch())
	}
	// The original's three SGD groups (attn, units, ClsLayer); the lower
	// part of the Cholesky factors belongs to attn's group.
	l.attn = sgd.NewParam("MultiVariateAttn.attn (diagonal)", l.dens.Scale, l.dens.GScale, c.LRAttn, c.Momentum)
	l.low = sgd.NewParam("MultiVariateAttn.attn (lower)", l.dens.Low, l.dens.GLow, c.LRAttn, c.Momentum)
	l.mu = sgd.NewParam(UnitsName, l.dens.Mu, l.dens.GMu, c.LRUnits, c.Momentum)
	l.weight = sgd.NewParam(WeightName, l.assoc.A, l.assoc.GA, c.LRNN, c.Momentum)
	return l, nil
}

// Config returns the learner's config.
func (l *Learner) Config() Config { return l.cfg }

// Underflows returns the recruitments cut short by zero densities so far.
func (l *Learner) Underflows() Underflows { return l.under }

// Forward implements stream.Stream: it predicts, recruits if the
// prediction is wrong (or all logits are 0) and some unit is inactive,
// and then predicts again. The returned logits are owned by the learner.
func (l *Learner) Forward(t *stream.Trial) []float64 {
	l.predict(t.X)
	l.recruited = false
	if l.needRecruit(t.Label) {
		l.recruited = true
		if len(l.units) < l.cfg.MaxUnits {
			l.recruit(t.X)
		}
		l.predict(t.X)
	}
	return l.z
}

// predict clamps the factors as the original does before every forward
// pass, then computes the recruited units' densities and the logits.
func (l *Learner) predict(x []float64) {
	if l.dirty {
		l.dens.Clamp(l.all) // after SetState any unit may need it; else only
		l.dirty = false     // recruited units change, and Forward clamps those
	}
	switch {
	case l.lazy:
		l.dens.Forward(x, l.reps)
		l.assoc.ForwardShared(l.dens.Act, l.units, l.rep, l.z)
		return
	case l.shared:
		l.dens.ForwardShared(x, l.units, l.rep)
	default:
		l.dens.Forward(x, l.units)
	}
	l.assoc.Forward(l.dens.Act, l.units, l.z)
}

// needRecruit is the original's test: the first largest logit (as
// torch.argmax finds it, NaN counting as the largest) is not the label,
// or every logit is 0.
func (l *Learner) needRecruit(label int) bool {
	best, zero := 0, true
	for c, v := range l.z {
		if v != 0 {
			zero = false
		}
		if c > 0 && !math.IsNaN(l.z[best]) && (v > l.z[best] || math.IsNaN(v)) {
			best = c
		}
	}
	return best != label || zero
}

// recruit activates inactive units at x: the lowest-index one (Single),
// or the int(N·k) of highest density with zero densities dropped (Multi).
func (l *Learner) recruit(x []float64) {
	if l.cfg.Kind == Single {
		for k, a := range l.active {
			if !a {
				l.activate(k, x)
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
	inactive := l.scratch[:0]
	for k, a := range l.active {
		if !a {
			inactive = append(inactive, k)
		}
	}
	l.dens.Forward(x, inactive)
	p := l.pairs
	for k := range p {
		p[k] = topk.Pair{I: int32(k)}
	}
	for _, k := range inactive {
		p[k].V = l.dens.Act[k]
	}
	dropped := 0
	batch := l.batch[:0]
	for _, q := range topk.TopK(p, l.cfg.Batch()) {
		if q.V == 0 {
			if !l.active[q.I] {
				dropped++ // its density underflowed: the original's quirk
			}
			continue
		}
		batch = append(batch, int(q.I))
	}
	l.group(batch)
	for _, k := range batch {
		l.activate(k, x)
	}
	l.setReps()
	if dropped > 0 {
		l.under.Trials++
		l.under.Units += dropped
	}
}

// group makes groups of copies of the inactive units of batch, about to
// be recruited together (their means all set to the stimulus): the units
// whose other parameters and momentum buffers are equal bit for bit (for
// units never recruited, as after New, all of them). It sorts batch.
func (l *Learner) group(batch []int) {
	if l.noShare || len(batch) < 2 {
		return
	}
	for i := 1; i < len(batch); i++ {
		for j := i; j > 0 && batch[j-1] > batch[j]; j-- {
			batch[j], batch[j-1] = batch[j-1], batch[j]
		}
	}
	for i, k := range batch {
		for _, r := range batch[:i] {
			if l.rep[r] == r && l.same(r, k, false) {
				l.rep[k] = r
				l.shared = true
				break
			}
		}
	}
}

// same reports whether units a and b have equal parameters, bit for bit
// (the means too if mu), and equal momentum buffers: no momentum, or
// both units never recruited (their buffers are 0; the sgd groups do not
// show theirs).
func (l *Learner) same(a, b int, mu bool) bool {
	if l.cfg.Momentum != 0 && !(l.fresh[a] && l.fresh[b]) {
		return false
	}
	d, c, p := l.cfg.Dims, l.cfg.Classes, l.cfg.Dims*(l.cfg.Dims-1)/2
	eq := func(v []float64, n int) bool {
		for i := range n {
			if math.Float64bits(v[a*n+i]) != math.Float64bits(v[b*n+i]) {
				return false
			}
		}
		return true
	}
	return (!mu || eq(l.dens.Mu, d)) && eq(l.dens.Scale, d) && eq(l.dens.Low, p) && eq(l.assoc.A, c)
}

// activate recruits unit k and places its mean at x.
func (l *Learner) activate(k int, x []float64) {
	l.active[k] = true
	l.fresh[k] = false
	copy(l.dens.Mu[k*l.cfg.Dims:(k+1)*l.cfg.Dims], x)
	// Keep the list ascending (recruitment is rare: insertion is enough).
	l.units = append(l.units, k)
	for i := len(l.units) - 1; i > 0 && l.units[i-1] > k; i-- {
		l.units[i], l.units[i-1] = l.units[i-1], l.units[i]
	}
	l.hi = max(l.hi, k+1)
}

// Learn implements stream.Stream: one SGD step (with momentum) of the
// scales, the means and the association weights from dz = ∂L/∂z, through
// the densities of the last Forward.
func (l *Learner) Learn(t *stream.Trial, dz []float64) {
	l.backward(dz)
	// Units from hi on were never recruited: their gradients are 0, and
	// so are their momentum buffers; the step would leave them as they are.
	d, c, p := l.cfg.Dims, l.cfg.Classes, l.cfg.Dims*(l.cfg.Dims-1)/2
	l.attn.StepN(l.hi * d)
	l.low.StepN(l.hi * p)
	l.mu.StepN(l.hi * d)
	l.weight.StepN(l.hi * c)
}

// backward writes the gradients of the recruited units from dz.
func (l *Learner) backward(dz []float64) {
	if l.lazy {
		l.assoc.Backward(l.dens.Act, l.reps, dz, l.dAct)
		l.dens.Backward(l.dAct, l.reps)
		return
	}
	l.assoc.Backward(l.dens.Act, l.units, dz, l.dAct)
	if l.shared {
		l.dens.BackwardShared(l.dAct, l.units, l.rep)
		return
	}
	l.dens.Backward(l.dAct, l.units)
}

// Recruited implements stream.Stream: whether the last Forward found its
// first prediction wrong and so ran the recruitment step (which recruits
// nothing when every unit is active, or, for Multi, when the densities
// underflow).
func (l *Learner) Recruited() bool { return l.recruited }

// Active implements stream.Stream: the number of recruited units.
func (l *Learner) Active() int { return len(l.units) }

// State implements stream.Stream: the original's state_dict. The Cholesky
// factors are written in full (N×D×D): the scales on the diagonal, the
// lower part as the last SGD step left it, zeros above.
func (l *Learner) State() []stream.Array {
	l.materialise()
	n, d, c := l.cfg.MaxUnits, l.cfg.Dims, l.cfg.Classes
	p := d * (d - 1) / 2
	attn := make([]float64, n*d*d)
	for k := 0; k < n; k++ {
		m := attn[k*d*d : (k+1)*d*d]
		q := 0
		for i := 0; i < d; i++ {
			m[i*d+i] = l.dens.Scale[k*d+i]
			for j := 0; j < i; j++ {
				m[i*d+j] = l.dens.Low[k*p+q]
				q++
			}
		}
	}
	act := make([]float64, n)
	for _, k := range l.units {
		act[k] = 1
	}
	return []stream.Array{
		stream.NewArray(UnitsName, l.dens.Mu, n, d),
		{Name: AttnName, Shape: []int{n, d, d}, Data: attn},
		stream.NewArray(WeightName, l.assoc.A, n, c),
		{Name: ActiveName, Shape: []int{n}, Data: act},
	}
}

// SetState implements stream.Stream: it loads a state_dict as State writes
// it. The part of each factor above the diagonal is not read (the
// original's forward pass discards it, and it is always 0 in its states);
// the next Forward clamps the scales and clears the lower part, as the
// original's does. Momentum buffers are kept.
func (l *Learner) SetState(st map[string]stream.Array) error {
	n, d, c := l.cfg.MaxUnits, l.cfg.Dims, l.cfg.Classes
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
	copy(l.dens.Mu, mu)
	copy(l.assoc.A, w)
	for k := 0; k < n; k++ {
		m := attn[k*d*d : (k+1)*d*d]
		q := 0
		for i := 0; i < d; i++ {
			l.dens.Scale[k*d+i] = m[i*d+i]
			for j := 0; j < i; j++ {
				l.dens.Low[k*p+q] = m[i*d+j]
				q++
			}
		}
	}
	l.units = l.units[:0]
	l.hi = 0
	for k, v := range act {
		l.active[k] = v == 1
		if v == 1 {
			l.units = append(l.units, k)
			l.hi = k + 1
		}
	}
	l.regroup()
	l.setReps()
	for _, k := range l.units {
		l.fresh[k] = false
	}
	l.dirty = true
	return nil
}

// regroup makes the groups of copies anew after SetState: each recruited
// unit joins the first earlier one equal to it in every parameter and
// momentum buffer, bit for bit (see same); nothing is assumed of units
// that merely look alike.
func (l *Learner) regroup() {
	l.shared = false
	for k := range l.rep {
		l.rep[k] = k
	}
	if l.noShare {
		return
	}
	var reps []int
	for _, k := range l.units {
		for _, r := range reps {
			if l.same(r, k, true) {
				l.rep[k] = r
				l.shared = true
				break
			}
		}
		if l.rep[k] == k {
			reps = append(reps, k)
		}
	}
}

// setReps lists the recruited units that are their own representative and
// decides whether copies are left lazy (see Learner.reps). A unit that
// has just become a copy gets zero gradients, so that the SGD step leaves
// its parameters as they are until materialise.
func (l *Learner) setReps() {
	l.lazy = l.shared && l.cfg.Momentum == 0
	l.reps = l.reps[:0]
	if !l.lazy {
		return
	}
	d, c, p := l.cfg.Dims, l.cfg.Classes, l.cfg.Dims*(l.cfg.Dims-1)/2
	for _, k := range l.units {
		if l.rep[k] == k {
			l.reps = append(l.reps, k)
			continue
		}
		clear(l.dens.GMu[k*d : k*d+d])
		clear(l.dens.GScale[k*d : k*d+d])
		clear(l.dens.GLow[k*p : k*p+p])
		clear(l.assoc.GA[k*c : k*c+c])
	}
}

// materialise gives every lazy copy its representative's parameters (and
// what the last Forward and Backward computed, with zero gradients so
// that the next step leaves it as it is): the state each copy would have
// had if it had been computed. It is idempotent.
func (l *Learner) materialise() {
	if !l.lazy {
		return
	}
	d, c, p := l.cfg.Dims, l.cfg.Classes, l.cfg.Dims*(l.cfg.Dims-1)/2
	cp := func(v []float64, n, k, r int) { copy(v[k*n:k*n+n], v[r*n:r*n+n]) }
	for _, k := range l.units {
		r := l.rep[k]
		if r == k {
			continue
		}
		cp(l.dens.Mu, d, k, r)
		cp(l.dens.Scale, d, k, r)
		cp(l.dens.Low, p, k, r)
		cp(l.dens.W, d, k, r)
		cp(l.assoc.A, c, k, r)
		l.dens.Act[k] = l.dens.Act[r]
	}
}
