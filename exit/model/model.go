// Package model holds EXIT (Kruschke 2001, as catlearn's slpEXIT) as a
// stream.Stream: exemplar nodes that set the gains of the cues, attention
// normalised from the gains, association weights to one output node per
// category, and learning by shifting the gains down the error gradient
// before the weights learn.
package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/fastslow/stream"
)

// The names of the state's arrays (catlearn's exemplars, w_exemplars and
// w_in_out, named for what they hold).
const (
	NameExemplars   = "exemplars"    // [E,D]: exemplar j's cue pattern
	NameGainWeights = "gain_weights" // [E,D]: weight from exemplar j to the gain of cue i
	NameWeights     = "weights"      // [C,D]: association weight of cue i to output k
)

// MaxExemplars, MaxDims and MaxOutputs bound the model's size, so that a
// mistyped config fails with an error rather than by exhausting memory.
const (
	MaxExemplars = 1 << 16
	MaxDims      = 1 << 12
	MaxOutputs   = 1 << 12
	MaxSize      = 1 << 24 // exemplars × dims, outputs × dims
)

// Params are EXIT's settings, named after catlearn's st list.
type Params struct {
	Exemplars []float64 // exemplars: E×D cue patterns, one row per exemplar
	E         int       // number of exemplars
	Dims      int       // nFeat: cues
	Outputs   int       // nCat: categories

	C          float64   // c: specificity of the exemplars
	P          float64   // P: attention normalisation exponent
	Phi        float64   // phi: decision consistency
	LGain      float64   // l_gain: gain shift rate
	LWeight    float64   // l_weight: association weight learning rate
	LEx        float64   // l_ex: exemplar-to-gain weight learning rate
	Sigma      []float64 // sigma: the cues' saliences (D)
	Iterations int       // iterations: gain-shift steps per learning trial

	// AbsVal is the teacher of an absent category (catlearn's lists code
	// EXIT's targets 1/0: 0).
	AbsVal float64
	// GainWeights and Weights are the initial exemplar-to-gain (E×D) and
	// association (C×D) weights; nil means 0.
	GainWeights, Weights []float64
}

// Check reports settings the model cannot run with.
func (p *Params) Check() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a positive finite number", name, v)
		}
		return nil
	}
	rate := func(name string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v: want a finite number ≥ 0", name, v)
		}
		return nil
	}
	switch {
	case p.E < 1 || p.E > MaxExemplars:
		return fmt.Errorf("%d exemplars: want 1 to %d", p.E, MaxExemplars)
	case p.Dims < 1 || p.Dims > MaxDims:
		return fmt.Errorf("%d cues: want 1 to %d", p.Dims, MaxDims)
	case p.Outputs < 2 || p.Outputs > MaxOutputs:
		return fmt.Errorf("%d output nodes: want 2 to %d", p.Outputs, MaxOutputs)
	case p.E*p.Dims > MaxSize || p.Outputs*p.Dims > MaxSize:
		return fmt.Errorf("%d exemplars × %d cues × %d outputs: want at most %d weights", p.E, p.Dims, p.Outputs, MaxSize)
	case len(p.Exemplars) != p.E*p.Dims:
		return fmt.Errorf("exemplars hold %d values, want %d exemplars × %d cues", len(p.Exemplars), p.E, p.Dims)
	case len(p.Sigma) != p.Dims:
		return fmt.Errorf("sigma has %d values, want one per cue (%d)", len(p.Sigma), p.Dims)
	case p.GainWeights != nil && len(p.GainWeights) != p.E*p.Dims:
		return fmt.Errorf("w_exemplars holds %d values, want %d exemplars × %d cues", len(p.GainWeights), p.E, p.Dims)
	case p.Weights != nil && len(p.Weights) != p.Outputs*p.Dims:
		return fmt.Errorf("w_in_out holds %d values, want %d outputs × %d cues", len(p.Weights), p.Outputs, p.Dims)
	case p.Iterations < 0 || p.Iterations > 1<<16:
		return fmt.Errorf("iterations = %d: want 0 to %d", p.Iterations, 1<<16)
	case math.IsNaN(p.AbsVal) || math.IsInf(p.AbsVal, 0) || p.AbsVal >= 1:
		return fmt.Errorf("absval = %v: want a finite number below 1 (the teacher of a present category), usually 0", p.AbsVal)
	}
	for name, v := range map[string][]float64{"exemplars": p.Exemplars, "w_exemplars": p.GainWeights, "w_in_out": p.Weights} {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: value %d is %v: want a finite number", name, i+1, x)
			}
		}
	}
	for i, v := range p.Sigma {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("sigma[%d] = %v: want a finite number ≥ 0", i+1, v)
		}
	}
	return errors.Join(pos("c", p.C), pos("P", p.P), pos("phi", p.Phi),
		rate("l_gain", p.LGain), rate("l_weight", p.LWeight), rate("l_ex", p.LEx))
}

// Model is one EXIT network; it implements stream.Stream and
// stream.Predictor. Its buffers are allocated by New, so trials allocate
// nothing.
type Model struct {
	p Params

	// State.
	ex []float64 // E×D
	u  []float64 // E×D, exemplar-to-gain weights
	w  []float64 // C×D

	// The last Forward.
	x     []float64 // input
	aex   []float64 // E, exemplar activations
	g     []float64 // D, gains
	alpha []float64 // D, attention
	out   []float64 // C, output activations
	z     []float64 // C, logits φ·o
	prob  []float64 // C, catlearn's probabilities

	// Learning scratch.
	g0, gs, teach, dg []float64
}

var _ stream.Stream = (*Model)(nil)
var _ stream.Predictor = (*Model)(nil)

// New returns a model in its initial state (p.Weights and p.GainWeights,
// or 0).
func New(p Params) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("exit: %w", err)
	}
	E, D, C := p.E, p.Dims, p.Outputs
	m := &Model{p: p,
		ex: make([]float64, E*D), u: make([]float64, E*D), w: make([]float64, C*D),
		x: make([]float64, D), aex: make([]float64, E), g: make([]float64, D), alpha: make([]float64, D),
		out: make([]float64, C), z: make([]float64, C), prob: make([]float64, C),
		g0: make([]float64, D), gs: make([]float64, D), teach: make([]float64, C), dg: make([]float64, D),
	}
	m.Reset()
	return m, nil
}

// Reset puts the model back in its initial state (catlearn's ctrl = 1)
// without allocating.
func (m *Model) Reset() {
	copy(m.ex, m.p.Exemplars)
	clear(m.u)
	copy(m.u, m.p.GainWeights)
	clear(m.w)
	copy(m.w, m.p.Weights)
}

// Params returns the model's settings.
func (m *Model) Params() Params { return m.p }

// Forward implements stream.Stream: the exemplar activations, gains,
// attention and outputs for the cues t.X. It returns the logits φ·o_k.
func (m *Model) Forward(t *stream.Trial) []float64 {
	D := m.p.Dims
	if len(t.X) != D {
		panic(fmt.Sprintf("exit: stimulus of %d cues, the model has %d", len(t.X), D))
	}
	copy(m.x, t.X)
	negC := -1.0 * m.p.C
	for j := range m.aex {
		e := m.ex[j*D : j*D+D]
		var s float64
		for i, v := range m.x {
			s += m.p.Sigma[i] * math.Abs(e[i]-v)
		}
		m.aex[j] = math.Exp(negC * s)
	}
	for i := range m.g {
		var s float64
		for j, a := range m.aex {
			s += m.u[j*D+i] * a
		}
		e := math.Exp(s)
		if math.IsInf(e, 1) {
			e = math.MaxFloat64
		}
		m.g[i] = m.x[i] * m.p.Sigma[i] * e
	}
	m.attention(m.g)
	m.output()
	var den float64
	for k, o := range m.out {
		m.z[k] = o * m.p.Phi
		m.prob[k] = math.Exp(m.z[k])
		den += m.prob[k]
	}
	for k := range m.prob {
		m.prob[k] /= den
	}
	return m.z
}

// Predict implements stream.Predictor: Forward changes no state.
func (m *Model) Predict(t *stream.Trial) []float64 { return m.Forward(t) }

// attention sets α_i = g_i / (Σ_k g_k^P)^(1/P), a present cue whose g^P is
// 0 counting the smallest normal double instead (catlearn's guard).
func (m *Model) attention(g []float64) {
	var s float64
	for i, v := range g {
		gp := math.Pow(v, m.p.P)
		if gp == 0 && m.x[i] == 1 {
			gp = 0x1p-1022
		}
		s += gp
	}
	n := math.Pow(s, 1/m.p.P)
	for i, v := range g {
		m.alpha[i] = v / n
	}
}

// output sets o_k = Σ_i w_ki α_i.
func (m *Model) output() {
	D := m.p.Dims
	for k := range m.out {
		row := m.w[k*D : k*D+D]
		var s float64
		for i, a := range m.alpha {
			s += row[i] * a
		}
		m.out[k] = s
	}
}

// teacher sets the teacher of the correct category label: 1 for it,
// AbsVal for the others.
func (m *Model) teacher(label int) {
	for k := range m.teach {
		m.teach[k] = m.p.AbsVal
	}
	m.teach[label] = 1
}

// gainShift writes into dg catlearn's gain change divided by λ_g:
// Σ_k (t_k − o_k)(a_i w_ki − α_i^(P−1) o_k) / (Σ_k g_k^P)^(1/P), from the
// current gains, attention and outputs.
func (m *Model) gainShift() {
	D := m.p.Dims
	P := m.p.P
	var s float64
	for _, v := range m.g {
		s += math.Pow(v, P)
	}
	e3 := math.Pow(s, 1/P)
	for i := range m.dg {
		ap := math.Pow(m.alpha[i], P-1)
		var ex float64
		for k, o := range m.out {
			ex += (m.teach[k] - o) * (m.x[i]*m.w[k*D+i] - ap*o)
		}
		m.dg[i] = ex / e3
	}
}

// Learn implements stream.Stream with EXIT's own rule, whatever dz is:
// the gains shift Iterations times, then the association and
// exemplar-to-gain weights learn.
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	m.teacher(t.Label)
	copy(m.g0, m.g)
	for range m.p.Iterations {
		m.gainShift()
		for i, d := range m.dg {
			v := m.g[i] + m.p.LGain*d
			if v < 0 {
				v = 0
			}
			m.g[i] = v
		}
		m.attention(m.g)
		m.output()
	}
	D := m.p.Dims
	for k, o := range m.out {
		e := m.teach[k] - o
		row := m.w[k*D : k*D+D]
		for i, a := range m.alpha {
			row[i] += (e * a) * m.p.LWeight
		}
	}
	for j, a := range m.aex {
		e := m.ex[j*D : j*D+D]
		u := m.u[j*D : j*D+D]
		for i := range u {
			u[i] += ((m.g[i] - m.g0[i]) * ((e[i] * a) * m.g0[i])) * m.p.LEx
		}
	}
}

// Error returns the error E = ½ Σ_k (t_k − o_k)² of the last Forward (or
// of the gains as Learn left them) for the correct category label.
func (m *Model) Error(label int) float64 {
	m.teacher(label)
	var e float64
	for k, o := range m.out {
		d := m.teach[k] - o
		e += d * d
	}
	return e / 2
}

// GainGradient writes into dg −∂E/∂g as catlearn's gain shift computes it
// for the last Forward and the correct category label (the exact
// gradient for present cues; 0 for absent ones, whose gain is fixed at
// 0).
func (m *Model) GainGradient(label int, dg []float64) {
	m.teacher(label)
	m.gainShift()
	copy(dg, m.dg)
}

// SetGains sets the gains to g and recomputes the attention and the
// outputs, as a step of the gain shift does (for the gradient tests).
func (m *Model) SetGains(g []float64) {
	copy(m.g, g)
	m.attention(m.g)
	m.output()
}

// Probabilities returns the response probabilities of the last Forward,
// computed as catlearn computes them (exp(φ·o_k)/Σ exp(φ·o), without
// subtracting the maximum); owned by the model.
func (m *Model) Probabilities() []float64 { return m.prob }

// Attention returns the attention of the last Forward or, after Learn,
// the shifted attention (owned by the model).
func (m *Model) Attention() []float64 { return m.alpha }

// Weights returns the association weights, C×D (owned by the model).
func (m *Model) Weights() []float64 { return m.w }

// Recruited implements stream.Stream: EXIT recruits nothing.
func (m *Model) Recruited() bool { return false }

// Active implements stream.Stream: the number of exemplars.
func (m *Model) Active() int { return m.p.E }

// State implements stream.Stream: exemplars [E,D], gain_weights [E,D]
// and weights [C,D].
func (m *Model) State() []stream.Array {
	E, D, C := m.p.E, m.p.Dims, m.p.Outputs
	return []stream.Array{
		stream.NewArray(NameExemplars, m.ex, E, D),
		stream.NewArray(NameGainWeights, m.u, E, D),
		stream.NewArray(NameWeights, m.w, C, D),
	}
}

// SetState implements stream.Stream: it loads the three arrays of State
// (all required, no others), checking shapes and finiteness.
func (m *Model) SetState(st map[string]stream.Array) error {
	E, D, C := m.p.E, m.p.Dims, m.p.Outputs
	if err := stream.Unknown(st, NameExemplars, NameGainWeights, NameWeights); err != nil {
		return err
	}
	ex := make([]float64, E*D)
	u := make([]float64, E*D)
	w := make([]float64, C*D)
	if err := errors.Join(
		stream.Take(st, NameExemplars, ex, E, D),
		stream.Take(st, NameGainWeights, u, E, D),
		stream.Take(st, NameWeights, w, C, D),
	); err != nil {
		return err
	}
	copy(m.ex, ex)
	copy(m.u, u)
	copy(m.w, w)
	return nil
}
