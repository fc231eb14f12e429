package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// tol is the largest relative error allowed between a hand-written
// derivative and its finite-difference estimate (the project's rule).
const tol = 1e-6

// krus96 returns EXIT as catlearn's krus96exit sets it up: 7 cues (the
// last the context), 4 exemplars, 4 categories.
func krus96() model.Params {
	return model.Params{E: 4, Dims: 7, Outputs: 4,
		Exemplars: []float64{
			1, 1, 0, 0, 0, 0, 1,
			1, 0, 1, 0, 0, 0, 1,
			0, 0, 0, 1, 1, 0, 1,
			0, 0, 0, 1, 0, 1, 1},
		C: 2.87, P: 2.48, Phi: 4.42, LGain: 4.42, LWeight: 0.222, LEx: 1.13,
		Sigma: []float64{1, 1, 1, 1, 1, 1, 0.401}, Iterations: 10}
}

// trained returns a krus96 model after some random training trials.
func trained(t *testing.T, rng *rand.Rand, n int) *model.Model {
	m, err := model.New(krus96())
	require.NoError(t, err)
	ex := krus96().Exemplars
	for range n {
		j := rng.IntN(4)
		tr := &stream.Trial{X: ex[j*7 : j*7+7], Label: j}
		m.Forward(tr)
		m.Learn(tr, nil)
	}
	return m
}

// TestGainGradient checks the gain shift against finite differences of
// the error: for a present cue it is −∂E/∂g, for an absent cue 0.
func TestGainGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for trial := range 20 {
		m := trained(t, rng, 5+trial)
		x := make([]float64, 7)
		for i := range x {
			x[i] = float64(rng.IntN(2))
		}
		x[0], x[6] = 1, 1
		label := rng.IntN(4)
		m.Forward(&stream.Trial{X: x, Label: label})
		g := make([]float64, 7)
		for i := range g {
			g[i] = x[i] * (0.2 + rng.Float64())
		}
		m.SetGains(g)
		shift := make([]float64, 7)
		m.GainGradient(label, shift)
		f := func() float64 { m.SetGains(g); return m.Error(label) }
		grad := make([]float64, 7)
		for i := range grad {
			if x[i] == 0 {
				require.Zero(t, shift[i], "absent cue %d", i)
				continue
			}
			grad[i] = -shift[i]
		}
		// Only present cues: an absent cue's gain is fixed at 0.
		var present []int
		for i := range x {
			if x[i] == 1 {
				present = append(present, i)
			}
		}
		gp := make([]float64, len(present))
		want := make([]float64, len(present))
		for k, i := range present {
			gp[k], want[k] = g[i], grad[i]
		}
		fp := func() float64 {
			for k, i := range present {
				g[i] = gp[k]
			}
			return f()
		}
		w, err := fdcheck.Check("gains", fp, gp, want, tol)
		require.NoError(t, err, "trial %d", trial)
		worst = math.Max(worst, w)
	}
	t.Logf("max relative error %.2g", worst)
}

// TestWeightGradient checks that the association weights' change is
// −λ_w·∂E/∂w, against finite differences.
func TestWeightGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := trained(t, rng, 20)
	x := []float64{1, 0, 1, 0, 1, 0, 1}
	label := 2
	tr := &stream.Trial{X: x, Label: label}
	m.Forward(tr)
	g := append([]float64(nil), []float64{0.7, 0, 1.3, 0, 0.4, 0, 0.9}...)
	m.SetGains(g)
	w := m.Weights()
	f := func() float64 { m.SetGains(g); return m.Error(label) }
	// −∂E/∂w_ki = (t_k − o_k)·α_i.
	alpha := append([]float64(nil), m.Attention()...)
	grad := make([]float64, len(w))
	o := make([]float64, 4)
	for k := range o {
		for i, a := range alpha {
			o[k] += w[k*7+i] * a
		}
		tk := 0.0
		if k == label {
			tk = 1
		}
		for i, a := range alpha {
			grad[k*7+i] = -(tk - o[k]) * a
		}
	}
	_, err := fdcheck.Check("w", f, w, grad, tol)
	require.NoError(t, err)
	// Learn with no gain shift steps the weights by exactly −λ_w·∂E/∂w.
	p := krus96()
	p.Iterations = 0
	m2, err := model.New(p)
	require.NoError(t, err)
	require.NoError(t, m2.SetState(stream.StateMap(m.State())))
	m2.Forward(tr)
	a2 := append([]float64(nil), m2.Attention()...)
	before := append([]float64(nil), m2.Weights()...)
	m2.Forward(tr)
	out := make([]float64, 4)
	for k := range out {
		for i, a := range a2 {
			out[k] += before[k*7+i] * a
		}
	}
	m2.Learn(tr, nil)
	for k := range out {
		tk := 0.0
		if k == label {
			tk = 1
		}
		for i, a := range a2 {
			require.InDelta(t, before[k*7+i]+(tk-out[k])*a*p.LWeight, m2.Weights()[k*7+i], 1e-15)
		}
	}
}

// TestFrozenTrialsChangeNothing: Predict (a test trial) leaves the state
// as it was, and a trial allocates nothing.
func TestFrozenTrialsChangeNothing(t *testing.T) {
	m := trained(t, rand.New(rand.NewPCG(5, 6)), 30)
	before := m.State()
	tr := &stream.Trial{X: []float64{0, 1, 1, 0, 0, 0, 1}}
	for range 10 {
		m.Predict(tr)
	}
	require.Equal(t, before, m.State())
	require.Zero(t, testing.AllocsPerRun(100, func() { m.Forward(tr); m.Learn(tr, nil) }))
}

// TestStateRoundTrip: SetState(State()) restores the responses; bad
// states are refused.
func TestStateRoundTrip(t *testing.T) {
	m := trained(t, rand.New(rand.NewPCG(7, 8)), 30)
	m2, err := model.New(krus96())
	require.NoError(t, err)
	require.NoError(t, m2.SetState(stream.StateMap(m.State())))
	tr := &stream.Trial{X: []float64{1, 1, 1, 0, 0, 0, 1}}
	require.Equal(t, m.Forward(tr), m2.Forward(tr))
	st := stream.StateMap(m.State())
	st["extra"] = stream.Array{Name: "extra"}
	require.ErrorContains(t, m2.SetState(st), "unexpected arrays")
	st = stream.StateMap(m.State())
	st[model.NameWeights] = stream.NewArray(model.NameWeights, make([]float64, 3), 3)
	require.ErrorContains(t, m2.SetState(st), "weights")
}

// TestZeroGainGuard: with every present cue's gain 0 the attention is
// 0, not NaN (catlearn's smallest-double guard).
func TestZeroGainGuard(t *testing.T) {
	p := krus96()
	p.Sigma = make([]float64, 7) // every gain a_i·σ_i·… is 0
	m, err := model.New(p)
	require.NoError(t, err)
	z := m.Forward(&stream.Trial{X: []float64{1, 1, 0, 0, 0, 0, 1}})
	for _, a := range m.Attention() {
		require.Zero(t, a)
	}
	for _, v := range z {
		require.Zero(t, v)
	}
}

// TestCheck refuses settings the model cannot run with, naming them.
func TestParamsCheck(t *testing.T) {
	cases := []struct {
		name string
		edit func(p *model.Params)
		want string
	}{
		{"no exemplars", func(p *model.Params) { p.E = 0 }, "0 exemplars"},
		{"one output", func(p *model.Params) { p.Outputs = 1 }, "1 output nodes"},
		{"ragged exemplars", func(p *model.Params) { p.Exemplars = p.Exemplars[1:] }, "exemplars hold 27 values"},
		{"sigma", func(p *model.Params) { p.Sigma = p.Sigma[1:] }, "sigma has 6 values"},
		{"negative sigma", func(p *model.Params) { p.Sigma[2] = -1 }, "sigma[3] = -1"},
		{"c", func(p *model.Params) { p.C = 0 }, "c = 0"},
		{"P", func(p *model.Params) { p.P = math.NaN() }, "P = NaN"},
		{"l_gain", func(p *model.Params) { p.LGain = -1 }, "l_gain = -1"},
		{"iterations", func(p *model.Params) { p.Iterations = -1 }, "iterations = -1"},
		{"absval", func(p *model.Params) { p.AbsVal = 1 }, "absval = 1"},
		{"weights", func(p *model.Params) { p.Weights = []float64{1} }, "w_in_out holds 1 values"},
		{"huge", func(p *model.Params) { p.E, p.Dims = 1<<16, 1<<12 }, "want at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := krus96()
			c.edit(&p)
			_, err := model.New(p)
			fixture.ErrorContains(t, err, c.want)
		})
	}
}
