// Package model holds SUSTAIN (Love, Medin & Gureckis 2004) in supervised
// mode, as catlearn's slpSUSTAIN computes it, as a stream.Stream: clusters
// recruited on errors, competition between them, the winner's output, and
// the model's own learning rules (cluster move, tuning, delta rule with a
// humble teacher) applied on every trial.
package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/power"
	"github.com/fastslow/sustain/layers"
)

// The names of the state arrays (catlearn's st$cluster, st$w and
// st$lambda), used by State and SetState.
const (
	NameClusters = "clusters" // [n, 2D+C]: positions over the padded stimulus units, then the label units
	NameWeights  = "weights"  // [n, C]: each cluster's weights to the label units
	NameLambda   = "lambda"   // [D]: the receptive-field tunings, one per stimulus dimension
)

// Ties says how the winner is chosen among clusters of equal activation.
type Ties int

const (
	// TiesFirst picks the first (oldest) cluster, as R's which.max.
	TiesFirst Ties = iota
	// TiesRandom picks one uniformly, from the model's generator.
	TiesRandom
)

// String returns the name of the option in catlearn.
func (t Ties) String() string {
	if t == TiesRandom {
		return "random"
	}
	return "first"
}

// Ctrl is the kind of a trial, numbered as catlearn's ctrl column.
type Ctrl int

const (
	// Learn is a supervised learning trial (ctrl 0): the model may
	// recruit, then learns.
	Learn Ctrl = 0
	// Reset restores the initial state before a learning trial without
	// recruitment (ctrl 1): with no initial clusters, the one cluster is
	// placed on the trial's stimulus and label.
	Reset Ctrl = 1
	// Frozen responds without recruiting or learning (ctrl 2).
	Frozen Ctrl = 2
)

// MaxDims and MaxClasses bound the model's size, so that a mistyped task
// fails with an error rather than by exhausting memory.
const (
	MaxDims    = 1 << 12
	MaxClasses = 1 << 10
)

// Params are SUSTAIN's parameters, named as in catlearn's st list.
type Params struct {
	Dims    int       // D: stimulus dimensions (each coded by two units)
	Classes int       // C: label units (the queried dimension)
	R       float64   // r: attentional focus
	Beta    float64   // beta: cluster competition
	D       float64   // d: decision consistency
	Eta     float64   // eta: learning rate
	Lambda  []float64 // initial tunings λ, one per dimension
	Ties    Ties
	// Capacity is the number of clusters the model makes room for at
	// once; more are added by doubling it (0: 32).
	Capacity int
}

// Check reports parameters the model cannot run with, naming the key.
func (p *Params) Check() error {
	nonneg := func(name string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a finite number ≥ 0", name, v)
		}
		return nil
	}
	switch {
	case p.Dims < 1 || p.Dims > MaxDims:
		return fmt.Errorf("%d stimulus dimensions: want 1 to %d", p.Dims, MaxDims)
	case p.Classes < 2 || p.Classes > MaxClasses:
		return fmt.Errorf("%d classes: want 2 to %d", p.Classes, MaxClasses)
	case len(p.Lambda) != p.Dims:
		return fmt.Errorf("lambda has %d values for %d stimulus dimensions", len(p.Lambda), p.Dims)
	case p.Ties != TiesFirst && p.Ties != TiesRandom:
		return fmt.Errorf("ties = %d: want first or random", p.Ties)
	case p.Capacity < 0:
		return fmt.Errorf("capacity = %d: want ≥ 0", p.Capacity)
	}
	for i, l := range p.Lambda {
		if !(l > 0) || math.IsInf(l, 0) {
			return fmt.Errorf("lambda[%d] = %v: want a positive finite number", i, l)
		}
	}
	return errors.Join(nonneg("r", p.R), nonneg("beta", p.Beta), nonneg("d", p.D), nonneg("eta", p.Eta))
}

// Outcome is catlearn's extended output of one trial (xtdo = TRUE).
type Outcome struct {
	Winner      int     // the cluster updated (catlearn's "winning"), from 0
	Activation  float64 // its output after competition (Eq. 6; 0 if it is not the winner)
	Recognition float64 // the recognition score Σ_j out_j (Love & Gureckis 2007, Eq. A6)
	Recruited   bool    // a cluster was added on this trial (or placed by a reset)
	Existing    bool    // recruitment was due but a cluster sat exactly on the trial's vector
}

// Model is SUSTAIN; it implements stream.Stream. Its buffers grow with the
// clusters (by doubling), so trials allocate nothing once the model has
// room for them.
type Model struct {
	p    Params
	u    int // units per cluster: 2D + C
	rng  *rand.Rand
	init struct { // the state a reset restores (catlearn's st)
		n      int
		pos, w []float64
		lambda []float64
	}

	// State.
	n      int
	pos    []float64 // n×u positions
	w      []float64 // n×C weights to the label units
	lambda []float64 // D tunings

	// Trial.
	ctrl    Ctrl
	act     *layers.Activation
	in      []float64 // the coded stimulus and label, u values
	mu, ml  []float64 // n×D distances and −λμ
	h       []float64 // n activations (Eq. 5)
	out, ab []float64 // n outputs after competition, and scratch
	c       []float64 // C outputs of the label units (Eq. 7)
	z, prob []float64 // C logits d·C and response probabilities
	target  []float64 // C humble-teacher values
	last    Outcome

	// naive sums the activation's terms in float64 instead of as R's
	// sum(); only tests set it, to show that catlearn's ties need R's sum.
	naive bool
}

// New returns a model with no initial clusters (catlearn's cluster = NA,
// w = NA): the first trial places one on its stimulus. rng breaks ties
// when p.Ties is TiesRandom (it may be nil otherwise).
func New(p Params, rng *rand.Rand) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if p.Ties == TiesRandom && rng == nil {
		return nil, errors.New("ties = random needs a random number generator")
	}
	p.Lambda = append([]float64(nil), p.Lambda...)
	if p.Capacity == 0 {
		p.Capacity = 32
	}
	D, C := p.Dims, p.Classes
	m := &Model{p: p, u: 2*D + C, rng: rng,
		lambda: make([]float64, D), act: layers.NewActivation(D),
		c: make([]float64, C), z: make([]float64, C), prob: make([]float64, C), target: make([]float64, C),
	}
	m.in = make([]float64, m.u)
	m.init.lambda = append([]float64(nil), p.Lambda...)
	m.grow(p.Capacity)
	m.Reset()
	return m, nil
}

// grow makes room for k clusters, keeping the n present.
func (m *Model) grow(k int) {
	D, C := m.p.Dims, m.p.Classes
	ext := func(s []float64, per int) []float64 {
		t := make([]float64, k*per)
		copy(t, s)
		return t
	}
	m.pos, m.w = ext(m.pos, m.u), ext(m.w, C)
	m.mu, m.ml = ext(m.mu, D), ext(m.ml, D)
	m.h, m.out, m.ab = ext(m.h, 1), ext(m.out, 1), ext(m.ab, 1)
}

// Reset restores the initial state (the clusters, weights and tunings of
// New or of the last SetState) without allocating, for a new run.
func (m *Model) Reset() {
	if m.init.n > len(m.h) {
		m.grow(m.init.n)
	}
	m.n = m.init.n
	copy(m.pos, m.init.pos)
	copy(m.w, m.init.w)
	copy(m.lambda, m.init.lambda)
	m.last = Outcome{}
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.p }

// Forward implements stream.Stream: the first trial of a run is a Reset
// trial, every other a Learn trial. It returns the logits d·C of the label
// units, whose softmax is the model's response probability, decided
// before recruitment.
func (m *Model) Forward(t *stream.Trial) []float64 {
	ctrl := Learn
	if t.First() {
		ctrl = Reset
	}
	return m.Present(t.X, t.Target, ctrl)
}

// Present runs the response part of a trial of kind ctrl on stimulus x
// (D values) with label units y (C values, the teacher: 1 for the correct
// category, 0 for the others): distances, activations, competition, the
// winner's output, the response, the humble teacher and, on a Learn trial,
// the recruitment decision and the recruitment. It returns the logits;
// Update applies the learning rules.
func (m *Model) Present(x, y []float64, ctrl Ctrl) []float64 {
	D, C := m.p.Dims, m.p.Classes
	if len(x) != D || len(y) != C {
		panic(fmt.Sprintf("sustain: a trial with %d features and %d labels for a model of %d dimensions and %d classes", len(x), len(y), D, C))
	}
	m.ctrl = ctrl
	m.last = Outcome{}
	layers.Code(m.in, x, y)
	if ctrl == Reset {
		m.Reset()
		if m.n == 0 { // catlearn's cluster = NA: one cluster on the trial's vector
			copy(m.pos[:m.u], m.in)
			clear(m.w[:C])
			m.n = 1
			m.last.Recruited = true
		}
	}
	if m.n == 0 {
		panic("sustain: a trial before any cluster: the first trial of a run must be a reset")
	}
	m.act.Tune(m.lambda, m.p.R)
	for j := 0; j < m.n; j++ {
		m.activate(j)
	}
	rec := layers.Competition(m.out[:m.n], m.ab[:m.n], m.h[:m.n], m.p.Beta)
	winner := m.winner()
	// Eq. 7, as catlearn computes it: from the first most active cluster
	// (which.max), whose output is 0 unless it is the winner.
	first := layers.FirstMax(m.h[:m.n])
	for k := range m.c {
		m.c[k] = m.w[first*C+k] * m.out[first]
	}
	layers.Decision(m.prob, m.z, m.c, m.p.D)
	layers.Humble(m.target, m.c, y)

	win := winner
	if ctrl == Learn && m.wrong() {
		if e := m.exact(); e >= 0 {
			win = e
			m.last.Existing = true
		} else {
			m.recruit()
			rec = layers.Competition(m.out[:m.n], m.ab[:m.n], m.h[:m.n], m.p.Beta)
			win = m.winner()
			m.last.Recruited = true
		}
	}
	m.last.Winner = win
	m.last.Activation = m.out[win]
	m.last.Recognition = rec
	return m.z
}

// activate computes cluster j's distances, −λμ and activation.
func (m *Model) activate(j int) {
	D := m.p.Dims
	mu, ml := m.mu[j*D:(j+1)*D], m.ml[j*D:(j+1)*D]
	layers.Distance(mu, m.in, m.pos[j*m.u:])
	if m.naive {
		m.h[j] = m.naiveActivation(ml, mu)
		return
	}
	m.h[j] = m.act.Forward(ml, mu, m.lambda)
}

// naiveActivation is Eq. 5 with float64 sums, for tests.
func (m *Model) naiveActivation(ml, mu []float64) float64 {
	var num, den float64
	for i, l := range m.lambda {
		lr := power.R(l, m.p.R)
		ml[i] = mu[i] * -l
		num += math.Exp(ml[i]) * lr
		den += lr
	}
	return num / den
}

// winner picks the winning cluster and zeroes the others' outputs.
func (m *Model) winner() int {
	var j int
	if m.p.Ties == TiesRandom {
		j = layers.RandomMax(m.h[:m.n], m.rng)
	} else {
		j = layers.FirstMax(m.h[:m.n])
	}
	for k := 0; k < m.n; k++ {
		if k != j {
			m.out[k] = 0
		}
	}
	return j
}

// wrong reports whether the response calls for a new cluster: the most
// active label unit has a teacher below 1 (a wrong answer), or the two
// least active label units are tied (with two classes: any tie).
func (m *Model) wrong() bool {
	if m.target[layers.FirstMax(m.c)] < 1 {
		return true
	}
	// catlearn compares the first two of the sorted outputs.
	lo, lo2 := math.Inf(1), math.Inf(1)
	for _, v := range m.c {
		if v < lo {
			lo, lo2 = v, lo
		} else if v < lo2 {
			lo2 = v
		}
	}
	return lo == lo2
}

// exact returns the first cluster that sits exactly on the trial's coded
// vector (stimulus and label units), or −1.
func (m *Model) exact() int {
next:
	for j := 0; j < m.n; j++ {
		p := m.pos[j*m.u : (j+1)*m.u]
		for u, v := range p {
			if v != m.in[u] {
				continue next
			}
		}
		return j
	}
	return -1
}

// recruit adds a cluster on the trial's coded vector with zero weights and
// zero distances, and computes its activation (1).
func (m *Model) recruit() {
	D, C := m.p.Dims, m.p.Classes
	if m.n == len(m.h) {
		m.grow(2 * m.n)
	}
	j := m.n
	m.n++
	copy(m.pos[j*m.u:(j+1)*m.u], m.in)
	clear(m.w[j*C : (j+1)*C])
	mu, ml := m.mu[j*D:(j+1)*D], m.ml[j*D:(j+1)*D]
	clear(mu)
	m.h[j] = m.act.Forward(ml, mu, m.lambda)
}

// Update applies the learning rules of the last Present (on Learn and
// Reset trials; a Frozen trial learns nothing) to the winner, or to the
// cluster that sat exactly on the trial's vector: its stimulus units move
// towards the stimulus (Eq. 12), the tunings follow its distances before
// the move (Eq. 13), and its weights to the label units follow the delta
// rule (Eq. 14) with the outputs and teacher of the response, computed
// before any recruitment (as catlearn does).
func (m *Model) Update() {
	if m.ctrl == Frozen {
		return
	}
	D, C := m.p.Dims, m.p.Classes
	j := m.last.Winner
	layers.Move(m.pos[j*m.u:j*m.u+2*D], m.in, m.p.Eta)
	layers.Tune(m.lambda, m.ml[j*D:(j+1)*D], m.p.Eta)
	layers.Delta(m.w[j*C:(j+1)*C], m.target, m.c, m.out[j], m.p.Eta)
}

// Learn implements stream.Stream: it applies SUSTAIN's own learning rules
// (Update) from the trial's label. dLogits is not used: SUSTAIN does not
// learn by gradient descent on a loss of its logits.
func (m *Model) Learn(t *stream.Trial, dLogits []float64) { m.Update() }

// Recruited implements stream.Stream: whether the last trial added a
// cluster (a reset that places the first cluster counts).
func (m *Model) Recruited() bool { return m.last.Recruited }

// Active implements stream.Stream: the number of clusters.
func (m *Model) Active() int { return m.n }

// Last returns catlearn's extended output of the last trial.
func (m *Model) Last() Outcome { return m.last }

// Probabilities returns the response probabilities of the last trial as
// catlearn computes them (Eq. 8, e^(d·C_k)/Σ e^(d·C_k')); owned by the
// model. They equal the softmax of the logits up to rounding.
func (m *Model) Probabilities() []float64 { return m.prob }

// Lambda returns the current tunings (owned by the model).
func (m *Model) Lambda() []float64 { return m.lambda[:m.p.Dims] }

// Cluster returns cluster j's position (2D stimulus units, then C label
// units) and its weights to the label units, owned by the model.
func (m *Model) Cluster(j int) (pos, w []float64) {
	C := m.p.Classes
	return m.pos[j*m.u : (j+1)*m.u], m.w[j*C : (j+1)*C]
}

// State implements stream.Stream: the clusters [n, 2D+C], their weights
// [n, C] and the tunings [D].
func (m *Model) State() []stream.Array {
	return []stream.Array{
		stream.NewArray(NameClusters, m.pos[:m.n*m.u], m.n, m.u),
		stream.NewArray(NameWeights, m.w[:m.n*m.p.Classes], m.n, m.p.Classes),
		stream.NewArray(NameLambda, m.lambda, m.p.Dims),
	}
}

// SetState implements stream.Stream: it loads clusters, weights and
// tunings as the model's initial state (catlearn's st$cluster, st$w and
// st$lambda), which every reset restores, and as its current state. The
// clusters array may have 0 rows: the first trial then places a cluster.
func (m *Model) SetState(st map[string]stream.Array) error {
	D, C := m.p.Dims, m.p.Classes
	if err := stream.Unknown(st, NameClusters, NameWeights, NameLambda); err != nil {
		return err
	}
	a, ok := st[NameClusters]
	if !ok {
		return fmt.Errorf("missing array %q (want shape [n %d])", NameClusters, m.u)
	}
	if len(a.Data)%m.u != 0 {
		return fmt.Errorf("array %q has shape %v: want [n %d] (2 units per stimulus dimension, then %d label units)", NameClusters, a.Shape, m.u, C)
	}
	n := len(a.Data) / m.u
	pos := make([]float64, n*m.u)
	w := make([]float64, n*C)
	lambda := make([]float64, D)
	if err := errors.Join(
		stream.Take(st, NameClusters, pos, n, m.u),
		stream.Take(st, NameWeights, w, n, C),
		stream.Take(st, NameLambda, lambda, D),
	); err != nil {
		return err
	}
	for i, l := range lambda {
		if !(l > 0) {
			return fmt.Errorf("array %q: value %d is %v, want a positive tuning", NameLambda, i, l)
		}
	}
	m.init.n, m.init.pos, m.init.w, m.init.lambda = n, pos, w, lambda
	m.Reset()
	return nil
}
