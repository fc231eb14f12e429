// Package model holds ALCOVE (Kruschke 1992, as catlearn's slpALCOVE) as a
// stream.Stream: exemplar nodes at fixed positions, attention-weighted
// distances, association weights to one output node per category, a
// decision rule for the response probabilities, and learning by gradient
// descent on the humble teacher's error.
package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/fastslow/alcove/layers"
	"github.com/fastslow/stream"
)

// The names of the state's arrays (ALCOVE has no PyTorch original; these
// are catlearn's h, alpha and w, named for what they hold).
const (
	NameHidden    = "hidden"    // [H,D]: node j's position, one row per node (catlearn's h, transposed)
	NameAttention = "attention" // [D]: the attention strengths α (catlearn's alpha)
	NameWeights   = "weights"   // [C,H]: association weight of node j to output k (catlearn's w)
)

// Rule is a decision rule: how output activations become response
// probabilities.
type Rule int

const (
	// ExpRatio is the exponential ratio rule, catlearn's dec = "ER":
	// P(k) ∝ exp(φ·a_k).
	ExpRatio Rule = iota
	// BackgroundNoise is the background-noise ratio rule of Nosofsky et al.
	// (1994), catlearn's dec = "BN": P(k) = (a_k⁺ + φ)/(Σa⁺ + C·φ).
	BackgroundNoise
)

// String returns catlearn's name of the rule, "ER" or "BN".
func (r Rule) String() string {
	if r == BackgroundNoise {
		return "BN"
	}
	return "ER"
}

// MaxNodes, MaxDims and MaxSize bound the model's size, so that a
// mistyped config fails with an error rather than by exhausting memory.
const (
	MaxNodes   = 1 << 20
	MaxDims    = 1 << 12
	MaxOutputs = 1 << 12
	MaxSize    = 1 << 24 // nodes × dims, nodes × outputs
)

// Params are ALCOVE's settings, named after catlearn's.
type Params struct {
	Nodes   []float64 // h: the hidden nodes' positions, Hidden×Dims, one row per node
	Hidden  int       // H, the number of hidden nodes
	Dims    int       // D, the stimulus dimensions
	Outputs int       // C, the output nodes (one per category)

	C   float64 // c: specificity
	Phi float64 // phi: decision consistency (ER) or background noise (BN)
	LW  float64 // lw: association weight learning rate λ_w
	LA  float64 // la: attention learning rate λ_α
	R   float64 // r: distance metric (1 city block, 2 Euclidean)
	Q   float64 // q: similarity gradient (1 exponential, 2 Gaussian)

	Alpha []float64 // alpha: initial attention strengths (D)

	Rule   Rule    // dec: the decision rule
	Humble bool    // humble: the humble teacher (else the strict one)
	AttCon bool    // attcon: attention changes sum to zero and α is renormalised to sum 1
	AbsVal float64 // absval: the teacher of an absent category (−1, or 0 with BN)

	// Attention selects the attention learning rule: catlearn's
	// (layers.Kruschke, the r = q = 1 derivative for every r and q) or the
	// exact gradient (layers.Gradient, our extension).
	Attention layers.AttentionRule
}

// Check reports settings the model cannot run with; the bounds are
// catlearn's (c, phi, r, q > 0; 0 < la, lw ≤ 1), plus absval < 1 (the
// teacher of an absent category must differ from that of a present one).
func (p *Params) Check() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a positive finite number", name, v)
		}
		return nil
	}
	rate := func(name string, v float64) error {
		if !(v > 0 && v <= 1) {
			return fmt.Errorf("%s = %v: want 0 < %s ≤ 1 (as catlearn)", name, v, name)
		}
		return nil
	}
	switch {
	case p.Hidden < 1 || p.Hidden > MaxNodes:
		return fmt.Errorf("%d hidden nodes: want 1 to %d", p.Hidden, MaxNodes)
	case p.Dims < 1 || p.Dims > MaxDims:
		return fmt.Errorf("%d dimensions: want 1 to %d", p.Dims, MaxDims)
	case p.Outputs < 2 || p.Outputs > MaxOutputs:
		return fmt.Errorf("%d output nodes: want 2 to %d", p.Outputs, MaxOutputs)
	case p.Hidden*p.Dims > MaxSize || p.Hidden*p.Outputs > MaxSize:
		return fmt.Errorf("%d hidden nodes × %d dimensions × %d outputs: want at most %d weights or coordinates", p.Hidden, p.Dims, p.Outputs, MaxSize)
	case len(p.Nodes) != p.Hidden*p.Dims:
		return fmt.Errorf("h holds %d coordinates, want %d nodes × %d dimensions", len(p.Nodes), p.Hidden, p.Dims)
	case len(p.Alpha) != p.Dims:
		return fmt.Errorf("alpha has %d values, want one per dimension (%d)", len(p.Alpha), p.Dims)
	case p.Rule != ExpRatio && p.Rule != BackgroundNoise:
		return fmt.Errorf("decision rule %d: want ER or BN", p.Rule)
	case p.Attention != layers.Kruschke && p.Attention != layers.Gradient:
		return fmt.Errorf("attention rule %d: want kruschke or gradient", p.Attention)
	case math.IsNaN(p.AbsVal) || math.IsInf(p.AbsVal, 0) || p.AbsVal >= 1:
		return fmt.Errorf("absval = %v: want a finite number below 1 (the teacher of a present category), usually −1 or 0", p.AbsVal)
	}
	for i, v := range p.Nodes {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("h: node %d coordinate %d is %v: want a finite number", i/p.Dims+1, i%p.Dims+1, v)
		}
	}
	var sum float64
	for i, v := range p.Alpha {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("alpha[%d] = %v: want a finite number ≥ 0", i+1, v)
		}
		sum += v
	}
	if p.AttCon && sum == 0 {
		return errors.New("alpha: all 0, but attcon renormalises the strengths to sum 1: give some dimension a positive strength")
	}
	return errors.Join(pos("c", p.C), pos("phi", p.Phi), pos("r", p.R), pos("q", p.Q),
		rate("la", p.LA), rate("lw", p.LW))
}

// Model is one ALCOVE network; it implements stream.Stream. Its buffers
// are allocated by New, so trials allocate nothing.
type Model struct {
	p Params

	// State.
	nodes []float64 // H×D
	alpha []float64 // D
	w     []float64 // C×H

	hid *layers.Hidden
	out *layers.Association

	ao    []float64 // output activations of the last Forward (clipped at 0 by BN)
	prob  []float64 // response probabilities of the last Forward
	z     []float64 // logits of the last Forward
	teach []float64 // teaching signal
	gout  []float64 // ∂E/∂a_out
	gact  []float64 // ∂E/∂a_hid
	dw    []float64 // weight change, C×H
	dal   []float64 // attention change, D
}

// New returns a model with the nodes at p.Nodes, attention p.Alpha and
// all association weights 0.
func New(p Params) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	H, D, C := p.Hidden, p.Dims, p.Outputs
	p.Nodes = append([]float64(nil), p.Nodes...)
	p.Alpha = append([]float64(nil), p.Alpha...)
	m := &Model{p: p,
		nodes: append([]float64(nil), p.Nodes...), alpha: make([]float64, D), w: make([]float64, C*H),
		ao: make([]float64, C), prob: make([]float64, C), z: make([]float64, C),
		teach: make([]float64, C), gout: make([]float64, C), gact: make([]float64, H),
		dw: make([]float64, C*H), dal: make([]float64, D),
	}
	m.hid = layers.NewHidden(m.nodes, H, D, p.C, p.R, p.Q)
	m.out = layers.NewAssociation(C, H)
	m.Reset()
	return m, nil
}

// Reset puts the model back in its initial state (catlearn's ctrl = 1):
// attention p.Alpha, weights 0, nodes at p.Nodes. It allocates nothing.
func (m *Model) Reset() {
	copy(m.nodes, m.p.Nodes)
	copy(m.alpha, m.p.Alpha)
	clear(m.w)
}

// Params returns the model's settings.
func (m *Model) Params() Params { return m.p }

// Forward implements stream.Stream: the response of the network to t.X
// (a NaN feature is a missing dimension, catlearn's m flag). It returns
// logits whose softmax is the model's response probability: φ·a_out under
// the exponential ratio rule, log P under the background-noise rule.
func (m *Model) Forward(t *stream.Trial) []float64 {
	if len(t.X) != m.p.Dims {
		panic(fmt.Sprintf("alcove: stimulus of %d dimensions, the model has %d", len(t.X), m.p.Dims))
	}
	ah := m.hid.Forward(t.X, m.alpha)
	copy(m.ao, m.out.Forward(m.w, ah))
	if m.p.Rule == BackgroundNoise {
		layers.BackgroundNoise(m.ao, m.p.Phi, m.prob, m.z)
	} else {
		layers.ExpRatio(m.ao, m.p.Phi, m.prob, m.z)
	}
	return m.z
}

// Learn implements stream.Stream with ALCOVE's own rule, whatever dz is
// (in a dual stream it is the gradient of the summed logits' loss, which
// ALCOVE does not learn from): from the teacher of t.Label on the last
// Forward's outputs, the weights change by −λ_w·∂E/∂w and the attention by
// −λ_α·∂E/∂α (both from the pre-trial state), then the attention is
// clipped at 0 (and with attcon, its change is centred first and it is
// renormalised to sum 1: the sum before renormalising is at least the
// previous sum, positive, since centred changes do not change it and the
// clip only adds).
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	m.step(t.Label, m.p.LW, m.p.LA)
}

// step applies the learning rule with rates lw and la.
func (m *Model) step(label int, lw, la float64) {
	m.gradients(label, -lw)
	for i, d := range m.dw {
		m.w[i] += d
	}
	for i := range m.dal {
		m.dal[i] *= -1.0 * la
	}
	if m.p.AttCon {
		n := float64(len(m.dal))
		var mean float64
		for _, d := range m.dal {
			mean += d / n
		}
		for i := range m.dal {
			m.dal[i] -= mean
		}
	}
	var sum float64
	for i, d := range m.dal {
		a := m.alpha[i] + d
		if a < 0 {
			a = 0
		}
		m.alpha[i] = a
		sum += a
	}
	if m.p.AttCon {
		for i := range m.alpha {
			m.alpha[i] /= sum
		}
	}
}

// gradients computes, from the last Forward and the teacher of label, the
// error E, scale·∂E/∂w into dw and ∂E/∂α into dal.
func (m *Model) gradients(label int, scale float64) float64 {
	layers.Teacher(m.ao, label, m.p.AbsVal, m.p.Humble, m.teach)
	e := layers.Error(m.ao, m.teach, m.gout)
	m.out.Backward(m.gout, m.hid.Activations(), m.w, scale, m.dw, m.gact)
	m.hid.Backward(m.gact, m.dal, m.p.Attention)
	return e
}

// Gradient returns the teacher's error E of the last Forward for the
// correct category label, and writes ∂E/∂w into gw (C×H) and ∂E/∂α into
// galpha (D): the derivatives Learn steps along (for α, under the model's
// attention rule).
func (m *Model) Gradient(label int, gw, galpha []float64) float64 {
	e := m.gradients(label, 1)
	copy(gw, m.dw)
	copy(galpha, m.dal)
	return e
}

// Error returns the teacher's error E = ½ Σ_k (t_k − a_k)² of the last
// Forward for the correct category label.
func (m *Model) Error(label int) float64 {
	layers.Teacher(m.ao, label, m.p.AbsVal, m.p.Humble, m.teach)
	return layers.Error(m.ao, m.teach, m.gout)
}

// Probabilities returns the response probabilities of the last Forward,
// computed as catlearn computes them (owned by the model): under the
// exponential ratio rule without subtracting the largest φ·a_k, so they
// are NaN beyond φ·a_k ≈ 709, as catlearn's are; the logits' softmax,
// which the trial loop uses, is computed safely.
func (m *Model) Probabilities() []float64 { return m.prob }

// Outputs returns the output activations of the last Forward (owned by
// the model; under the background-noise rule, clipped at 0 as catlearn
// leaves them).
func (m *Model) Outputs() []float64 { return m.ao }

// Attention returns the attention strengths (owned by the model).
func (m *Model) Attention() []float64 { return m.alpha }

// Weights returns the association weights, C×H (owned by the model).
func (m *Model) Weights() []float64 { return m.w }

// Recruited implements stream.Stream: ALCOVE recruits nothing.
func (m *Model) Recruited() bool { return false }

// Active implements stream.Stream: the number of hidden nodes.
func (m *Model) Active() int { return m.p.Hidden }

// State implements stream.Stream: hidden [H,D], attention [D] and
// weights [C,H].
func (m *Model) State() []stream.Array {
	H, D, C := m.p.Hidden, m.p.Dims, m.p.Outputs
	return []stream.Array{
		stream.NewArray(NameHidden, m.nodes, H, D),
		stream.NewArray(NameAttention, m.alpha, D),
		stream.NewArray(NameWeights, m.w, C, H),
	}
}

// SetState implements stream.Stream: it loads the three arrays of State
// (all required, no others), checking shapes, finiteness and that the
// attention strengths are not negative. The nodes may move; their number
// may not.
func (m *Model) SetState(st map[string]stream.Array) error {
	H, D, C := m.p.Hidden, m.p.Dims, m.p.Outputs
	if err := stream.Unknown(st, NameHidden, NameAttention, NameWeights); err != nil {
		return err
	}
	h := make([]float64, H*D)
	a := make([]float64, D)
	w := make([]float64, C*H)
	if err := errors.Join(
		stream.Take(st, NameHidden, h, H, D),
		stream.Take(st, NameAttention, a, D),
		stream.Take(st, NameWeights, w, C, H),
	); err != nil {
		return err
	}
	var sum float64
	for i, v := range a {
		if v < 0 {
			return fmt.Errorf("array %q: value %d is %v, want ≥ 0 (attention strengths are clipped at 0)", NameAttention, i, v)
		}
		sum += v
	}
	if m.p.AttCon && sum == 0 {
		return fmt.Errorf("array %q: all 0, but attcon renormalises the strengths to sum 1", NameAttention)
	}
	copy(m.nodes, h)
	copy(m.alpha, a)
	copy(m.w, w)
	return nil
}
