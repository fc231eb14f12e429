package model_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/alcove/layers"
	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// randomModel returns a model with H random nodes in D dimensions, C
// outputs, random weights in [wlo, whi] and attention in [0.1, 1].
func randomModel(t *testing.T, rng *rand.Rand, p model.Params, wlo, whi float64) *model.Model {
	p.Nodes = fixture.Uniform(rng, p.Hidden*p.Dims, -1, 1)
	p.Alpha = fixture.Uniform(rng, p.Dims, 0.1, 1)
	m, err := model.New(p)
	require.NoError(t, err)
	copy(m.Weights(), fixture.Uniform(rng, p.Outputs*p.Hidden, wlo, whi))
	return m
}

// TestModelGradient: the derivatives ALCOVE steps along, ∂E/∂w and ∂E/∂α
// of the teacher's error E = ½Σ(t − a)² (the humble teacher recomputed at
// every evaluation), against finite differences of E over the weights and
// the attention, at random states: both decision rules, both teachers,
// both teacher values of an absent category, several metrics under the
// exact attention rule, and catlearn's rule where it is exact (r = q = 1).
// (BN states keep the outputs ≥ 0: below 0 catlearn's in-place clip makes
// its rule no gradient; see TestBNClip.)
//
// Steps (see the kernel's fdcheck): E is exactly quadratic in each weight
// between the humble teacher's kinks, so the weights' differences start
// at a step of 1e-2, which keeps the round-off of E (≈1e-16·E/h) far below
// the tolerance even for components of 1e-7; the outputs are kept 0.05
// from the kinks so that no step crosses one. The attention's differences
// start at 1e-3 and Ridders' extrapolation removes their truncation error.
func TestModelGradient(t *testing.T) {
	type cfg struct {
		rule   model.Rule
		humble bool
		absval float64
		r, q   float64
		attn   layers.AttentionRule
	}
	var cases []cfg
	for _, rule := range []model.Rule{model.ExpRatio, model.BackgroundNoise} {
		for _, humble := range []bool{true, false} {
			for _, absval := range []float64{-1, 0} {
				cases = append(cases, cfg{rule, humble, absval, 1, 1, layers.Kruschke})
			}
		}
	}
	for _, rq := range [][2]float64{{2, 1}, {2, 2}, {1, 2}, {3, 1.5}} {
		cases = append(cases, cfg{model.ExpRatio, true, -1, rq[0], rq[1], layers.Gradient})
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var worst float64
	for _, c := range cases {
		name := fmt.Sprintf("%v humble=%v absval=%v r=%v q=%v rule=%d", c.rule, c.humble, c.absval, c.r, c.q, c.attn)
		t.Run(name, func(t *testing.T) {
			for rep := 0; rep < 20; rep++ {
				H, D, C := 2+rng.IntN(10), 1+rng.IntN(4), 2+rng.IntN(2)
				p := model.Params{Hidden: H, Dims: D, Outputs: C, C: 0.5 + 5*rng.Float64(), Phi: 2, LW: 0.1, LA: 0.1,
					R: c.r, Q: c.q, Rule: c.rule, Humble: c.humble, AbsVal: c.absval, Attention: c.attn}
				wlo := -1.5
				if c.rule == model.BackgroundNoise {
					wlo = 0
				}
				m := randomModel(t, rng, p, wlo, 1.5)
				x := fixture.Uniform(rng, D, -1, 1)
				tr := &stream.Trial{X: x, Label: rng.IntN(C)}
				m.Forward(tr)
				if nearKink(m.Outputs(), c.absval) {
					continue
				}
				gw, ga := make([]float64, C*H), make([]float64, D)
				m.Gradient(tr.Label, gw, ga)
				f := func() float64 {
					m.Forward(tr)
					return m.Error(tr.Label)
				}
				w1, err := fdcheck.Checker{Method: fdcheck.Ridders(1e-2), Floor: fdcheck.Floor}.Check("w", f, m.Weights(), gw, 1e-6)
				require.NoError(t, err)
				w2, err := fdcheck.Check("alpha", f, m.Attention(), ga, 1e-6)
				require.NoError(t, err)
				worst = math.Max(worst, math.Max(w1, w2))
			}
		})
	}
	t.Logf("max relative error %.2g", worst)
}

// nearKink reports outputs within 0.05 of a humble teacher's kink (1 or
// absval), where E is C¹ but not C² and differences would straddle it.
func nearKink(out []float64, absval float64) bool {
	for _, a := range out {
		if math.Abs(a-1) < 0.05 || math.Abs(a-absval) < 0.05 {
			return true
		}
	}
	return false
}

// TestLearnStep: Learn moves the weights by −λ_w·∂E/∂w and the attention
// by −λ_α·∂E/∂α, both from the state before the trial (without the
// constraint and where no strength is clipped).
func TestLearnStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	p := model.Params{Hidden: 7, Dims: 3, Outputs: 2, C: 2, Phi: 2, LW: 0.3, LA: 0.05, R: 1, Q: 1, Humble: true, AbsVal: -1}
	m := randomModel(t, rng, p, -1, 1)
	tr := &stream.Trial{X: fixture.Uniform(rng, 3, 0, 1), Label: 1}
	m.Forward(tr)
	gw, ga := make([]float64, 14), make([]float64, 3)
	m.Gradient(1, gw, ga)
	w0 := append([]float64(nil), m.Weights()...)
	a0 := append([]float64(nil), m.Attention()...)
	m.Learn(tr, nil)
	for i := range w0 {
		require.InDelta(t, w0[i]-0.3*gw[i], m.Weights()[i], 1e-16)
	}
	for i := range a0 {
		require.Equal(t, a0[i]+ga[i]*(-0.05), m.Attention()[i])
	}
}

// TestAttention: the attention update's clip at 0, and the constraint
// (attcon) that centres the changes and renormalises the strengths to
// sum 1, on values worked out from the gradient.
func TestAttention(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, attcon := range []bool{false, true} {
		for _, la := range []float64{0.05, 1} {
			p := model.Params{Hidden: 6, Dims: 4, Outputs: 2, C: 3, Phi: 2, LW: 0.5, LA: la, R: 1, Q: 1, Humble: true, AbsVal: -1, AttCon: attcon}
			m := randomModel(t, rng, p, -2, 2)
			tr := &stream.Trial{X: fixture.Uniform(rng, 4, -1, 1), Label: 0}
			m.Forward(tr)
			ga := make([]float64, 4)
			m.Gradient(0, make([]float64, 12), ga)
			a0 := append([]float64(nil), m.Attention()...)
			m.Learn(tr, nil)
			want := make([]float64, 4)
			var mean, sum float64
			for i := range ga {
				d := -la * ga[i]
				want[i] = d
				mean += d / 4
			}
			for i := range want {
				if attcon {
					want[i] -= mean
				}
				want[i] = math.Max(0, a0[i]+want[i])
				sum += want[i]
			}
			var got float64
			for i := range want {
				if attcon {
					want[i] /= sum
				}
				require.InDelta(t, want[i], m.Attention()[i], 1e-15, "attcon %v la %v dim %d", attcon, la, i)
				require.GreaterOrEqual(t, m.Attention()[i], 0.0)
				got += m.Attention()[i]
			}
			if attcon {
				require.InDelta(t, 1, got, 1e-15)
			}
		}
	}
}

// TestBNClip documents catlearn's in-place clip under the background-noise
// rule: a negative output is 0 for the response and also for the teacher
// and the error, so the weight change of a node whose output was −0.5 is
// λ_w·(t − 0)·a_j, not λ_w·(t + 0.5)·a_j.
func TestBNClip(t *testing.T) {
	p := model.Params{Nodes: []float64{0, 1}, Hidden: 2, Dims: 1, Outputs: 2, C: 1, Phi: 0.1, LW: 0.5, LA: 0.1, R: 1, Q: 1,
		Alpha: []float64{1}, Rule: model.BackgroundNoise, Humble: true, AbsVal: -1}
	m, err := model.New(p)
	require.NoError(t, err)
	copy(m.Weights(), []float64{-0.5, 0, 0.5, 0}) // outputs −0.5 and 0.5 at x = 0 (node 0 fully active)
	tr := &stream.Trial{X: []float64{0}, Label: 1}
	m.Forward(tr)
	a1 := math.Exp(-1) // node 1's activation
	require.Equal(t, []float64{0, 0.5}, m.Outputs(), "clipped in place")
	require.InDelta(t, 0.1/(0.5+0.2), m.Probabilities()[0], 1e-16)
	m.Learn(tr, nil)
	// Teacher: category 0 absent → min(−1, 0) = −1, error −1 − 0; category 1
	// present → max(1, 0.5) = 1, error 0.5.
	require.InDelta(t, -0.5+0.5*(-1)*1, m.Weights()[0], 1e-16)
	require.InDelta(t, 0.5*(-1)*a1, m.Weights()[1], 1e-16)
	require.InDelta(t, 0.5+0.5*0.5*1, m.Weights()[2], 1e-16)
}

// TestLearnIgnoresDz: ALCOVE learns by its own rule from the trial's
// label, whatever gradient of a loss the trial loop hands it (in a dual
// stream, that of the summed logits).
func TestLearnIgnoresDz(t *testing.T) {
	a, err := model.New(bnALCOVE())
	require.NoError(t, err)
	b, err := model.New(bnALCOVE())
	require.NoError(t, err)
	orders := [][]int{{0, 5, 3, 7, 1, 6, 2, 4, 3, 3, 0}}
	rng := rand.New(rand.NewPCG(1, 1))
	tr := &stream.Trial{}
	shj := shjNodes()
	for _, k := range orders[0] {
		tr.X, tr.Label = shj[3*k:3*k+3], k%2
		a.Forward(tr)
		b.Forward(tr)
		a.Learn(tr, nil)
		b.Learn(tr, fixture.Uniform(rng, 2, -5, 5))
	}
	require.Equal(t, a.State(), b.State())
}

// TestMissingDimension: a NaN feature is a missing dimension (catlearn's
// m flag): the model answers as a model without that dimension, learns
// the same weights, and leaves that dimension's attention alone (without
// the constraint).
func TestMissingDimension(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	H := 5
	nodes3 := fixture.Uniform(rng, H*3, 0, 1)
	nodes2 := make([]float64, 0, H*2)
	for j := 0; j < H; j++ {
		nodes2 = append(nodes2, nodes3[3*j], nodes3[3*j+2])
	}
	p3 := model.Params{Nodes: nodes3, Hidden: H, Dims: 3, Outputs: 2, C: 2, Phi: 3, LW: 0.2, LA: 0.3, R: 1, Q: 1,
		Alpha: []float64{0.2, 0.5, 0.3}, Humble: true, AbsVal: -1}
	p2 := p3
	p2.Nodes, p2.Dims, p2.Alpha = nodes2, 2, []float64{0.2, 0.3}
	m3, err := model.New(p3)
	require.NoError(t, err)
	m2, err := model.New(p2)
	require.NoError(t, err)
	for trial := 0; trial < 20; trial++ {
		x := fixture.Uniform(rng, 3, 0, 1)
		label := rng.IntN(2)
		x[1] = math.NaN()
		z3 := m3.Forward(&stream.Trial{X: x, Label: label})
		z2 := m2.Forward(&stream.Trial{X: []float64{x[0], x[2]}, Label: label})
		require.Equal(t, z2, z3)
		m3.Learn(&stream.Trial{X: x, Label: label}, nil)
		m2.Learn(&stream.Trial{X: []float64{x[0], x[2]}, Label: label}, nil)
		require.Equal(t, m2.Weights(), m3.Weights())
		require.Equal(t, []float64{m2.Attention()[0], 0.5, m2.Attention()[1]}, m3.Attention())
	}
}

// TestState: the state's names and shapes, a round trip through
// SetState, and the errors of a state that does not fit.
func TestState(t *testing.T) {
	m, err := model.New(shin92Params(t))
	require.NoError(t, err)
	st := m.State()
	require.Len(t, st, 3)
	require.Equal(t, model.NameHidden, st[0].Name)
	require.Equal(t, []int{16, 4}, st[0].Shape)
	require.Equal(t, model.NameAttention, st[1].Name)
	require.Equal(t, []int{4}, st[1].Shape)
	require.Equal(t, model.NameWeights, st[2].Name)
	require.Equal(t, []int{2, 16}, st[2].Shape)

	// Train a little, save, load into a fresh model: same answers.
	col, rows := readTable(t, "../testdata/catlearn_alcove_shin92_golden.csv")
	tr := &stream.Trial{X: make([]float64, 4)}
	for _, r := range rows[:20] {
		for d := range tr.X {
			tr.X[d] = r[col["x"+fmt.Sprint(d+1)]]
		}
		tr.Label = int(r[col["t2"]]+1) / 2
		m.Forward(tr)
		m.Learn(tr, nil)
	}
	saved := stream.StateMap(m.State())
	fresh, err := model.New(shin92Params(t))
	require.NoError(t, err)
	require.NoError(t, fresh.SetState(saved))
	require.Equal(t, m.State(), fresh.State())
	require.Equal(t, m.Forward(tr), fresh.Forward(tr))

	bad := func(edit func(map[string]stream.Array)) error {
		st := stream.StateMap(m.State())
		edit(st)
		return fresh.SetState(st)
	}
	cases := []struct {
		name string
		edit func(map[string]stream.Array)
		want string
	}{
		{"missing array", func(st map[string]stream.Array) { delete(st, model.NameWeights) }, `missing array "weights"`},
		{"unknown array", func(st map[string]stream.Array) { st["bias"] = stream.NewArray("bias", []float64{1}, 1) }, "unexpected arrays [bias]"},
		{"wrong shape", func(st map[string]stream.Array) {
			st[model.NameHidden] = stream.NewArray(model.NameHidden, make([]float64, 60), 15, 4)
		}, `array "hidden" has shape [15 4], want [16 4]`},
		{"negative attention", func(st map[string]stream.Array) { st[model.NameAttention].Data[2] = -0.1 }, "want ≥ 0"},
		{"NaN weight", func(st map[string]stream.Array) { st[model.NameWeights].Data[3] = math.NaN() }, `array "weights": value 3 is NaN`},
	}
	constrained, err := model.New(bnALCOVE())
	require.NoError(t, err)
	st0 := stream.StateMap(constrained.State())
	clear(st0[model.NameAttention].Data)
	require.ErrorContains(t, constrained.SetState(st0), `array "attention": all 0, but attcon`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorContains(t, bad(c.edit), c.want)
		})
	}
}

// TestParamsCheck: settings the model cannot run with are errors naming
// the setting.
func TestParamsCheck(t *testing.T) {
	cases := []struct {
		name string
		edit func(*model.Params)
		want string
	}{
		{"zero c", func(p *model.Params) { p.C = 0 }, "c = 0: want a positive finite number"},
		{"negative phi", func(p *model.Params) { p.Phi = -1 }, "phi = -1"},
		{"la above 1", func(p *model.Params) { p.LA = 1.5 }, "la = 1.5: want 0 < la ≤ 1"},
		{"zero lw", func(p *model.Params) { p.LW = 0 }, "lw = 0: want 0 < lw ≤ 1"},
		{"NaN r", func(p *model.Params) { p.R = math.NaN() }, "r = NaN"},
		{"infinite q", func(p *model.Params) { p.Q = math.Inf(1) }, "q = +Inf"},
		{"absval 1", func(p *model.Params) { p.AbsVal = 1 }, "absval = 1: want a finite number below 1"},
		{"short alpha", func(p *model.Params) { p.Alpha = p.Alpha[:2] }, "alpha has 2 values, want one per dimension (3)"},
		{"negative alpha", func(p *model.Params) { p.Alpha = []float64{0.3, -0.1, 0.3} }, "alpha[2] = -0.1"},
		{"nodes do not fit", func(p *model.Params) { p.Nodes = p.Nodes[:20] }, "h holds 20 coordinates, want 8 nodes × 3 dimensions"},
		{"NaN node", func(p *model.Params) { p.Nodes = append([]float64(nil), p.Nodes...); p.Nodes[4] = math.NaN() }, "h: node 2 coordinate 2 is NaN"},
		{"one output", func(p *model.Params) { p.Outputs = 1 }, "1 output nodes: want 2"},
		{"no nodes", func(p *model.Params) { p.Hidden, p.Nodes = 0, nil }, "0 hidden nodes"},
		{"bad rule", func(p *model.Params) { p.Rule = 7 }, "decision rule 7"},
		{"zero attention with the constraint", func(p *model.Params) { p.Alpha = []float64{0, 0, 0} }, "alpha: all 0, but attcon"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := bnALCOVE()
			c.edit(&p)
			_, err := model.New(p)
			require.ErrorContains(t, err, c.want)
		})
	}
	p := bnALCOVE()
	_, err := model.New(p)
	require.NoError(t, err)
}

// TestZeroAllocs: a trial (Forward and Learn) allocates nothing.
func TestZeroAllocs(t *testing.T) {
	for _, p := range []model.Params{exALCOVE(), bnALCOVE()} {
		m, err := model.New(p)
		require.NoError(t, err)
		shj := shjNodes()
		k := 0
		tr := &stream.Trial{}
		allocs := testing.AllocsPerRun(200, func() {
			tr.X, tr.Label = shj[3*k:3*k+3], k&1
			m.Forward(tr)
			m.Learn(tr, nil)
			k = (k + 3) % 8
		})
		require.Zero(t, allocs)
	}
}

// TestStream: the model satisfies the Stream contract as a fast stream:
// it recruits nothing and all its hidden nodes are active.
func TestStream(t *testing.T) {
	m, err := model.New(exALCOVE())
	require.NoError(t, err)
	var s stream.Stream = m
	require.False(t, s.Recruited())
	require.Equal(t, 8, s.Active())
}
