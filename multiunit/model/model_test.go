package model

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
)

// small is a model size for unit tests: 200 units, 10 winners.
var small = Params{Units: 200, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.05,
	LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}

func newSmall(t *testing.T, p Params) *Model {
	t.Helper()
	m, err := New(p, rand.NewPCG(3, 4))
	require.NoError(t, err)
	return m
}

func trialOf(block, index int, x []float64, label int) *stream.Trial {
	y := make([]float64, 2)
	y[label] = 1
	return &stream.Trial{Block: block, Index: index, X: x, Target: y, Label: label, Signature: 0}
}

func TestParamsCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Params)
		errHas string
	}{
		{"config1", func(*Params) {}, ""},
		{"no units", func(p *Params) { p.Units = 0 }, "n_units"},
		{"no dims", func(p *Params) { p.Dims = 0 }, "n_dims"},
		{"one class", func(p *Params) { p.Classes = 1 }, "n_classes"},
		{"r zero", func(p *Params) { p.R = 0 }, "r = 0"},
		{"c negative", func(p *Params) { p.C = -1 }, "c = -1"},
		{"phi inf", func(p *Params) { p.Phi = math.Inf(1) }, "phi"},
		{"k zero", func(p *Params) { p.K = 0 }, "k = 0"},
		{"k above one", func(p *Params) { p.K = 1.5 }, "k = 1.5"},
		{"no winner", func(p *Params) { p.K = 0.001 }, "0 winners"},
		{"lr_nn negative", func(p *Params) { p.LRNN = -1 }, "lr_nn"},
		{"lr_attn NaN", func(p *Params) { p.LRAttn = math.NaN() }, "lr_attn"},
		{"lr_clusters negative", func(p *Params) { p.LRClusters = -0.1 }, "lr_clusters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := small
			tc.change(&p)
			err := p.Check()
			if tc.errHas == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.errHas)
			_, err = New(p, rand.NewPCG(1, 1))
			require.Error(t, err)
		})
	}
}

func TestWinnersCount(t *testing.T) {
	// int(N·k) as Python computes it: a float multiply, then truncation.
	for _, tc := range []struct {
		n    int
		k    float64
		want int
	}{{10000, 0.005, 50}, {500, 0.01, 5}, {200, 0.05, 10}, {100, 0.029, 2}, {3, 1, 3}} {
		require.Equal(t, tc.want, Params{Units: tc.n, K: tc.k}.Winners(), "N %d k %v", tc.n, tc.k)
	}
}

func TestNew(t *testing.T) {
	m := newSmall(t, small)
	require.Zero(t, m.Active())
	require.Equal(t, []float64{1. / 3, 1. / 3, 1. / 3}, m.Attention())
	for _, v := range m.pos {
		require.True(t, v >= 0 && v < 1, "position %v outside [0, 1)", v)
	}
	// The same generator gives the same positions.
	m2 := newSmall(t, small)
	require.Equal(t, m.pos, m2.pos)
	_, err := New(small, nil)
	require.Error(t, err)
}

// TestFirstTrial checks the first trial of a run: no unit is active, the
// logits are 0, so the model recruits the int(N·k) units closest to the
// stimulus, moves them onto it, and predicts again with zero weights.
func TestFirstTrial(t *testing.T) {
	m := newSmall(t, small)
	x := []float64{1, 0, 1}
	// The expected recruits: the 10 units nearest to x (distinct
	// distances: the positions are random).
	d := make([]float64, 3)
	acts := make([]float64, small.Units)
	for i := range acts {
		acts[i] = m.f.Act(m.f.Dist(x, m.pos[i*3:i*3+3], m.attn, d))
	}
	want := topkNonzero(acts, 10)
	z := m.Forward(trialOf(0, 0, x, 0))
	require.True(t, m.Recruited())
	require.Equal(t, 10, m.Active())
	require.Equal(t, []float64{0, 0}, z)
	require.Equal(t, sortedCopy(want), m.Winners(), "the recruits win at once")
	for _, k := range m.Winners() {
		require.Equal(t, x, m.pos[int(k)*3:int(k)*3+3])
	}
}

// TestRecruitment checks the later recruitment rule: on an error, as many
// inactive units are recruited as winners mispredict; a correct
// prediction recruits nothing.
func TestRecruitment(t *testing.T) {
	m := newSmall(t, small)
	ce := loss.CrossEntropy{}
	dz := make([]float64, 2)
	learn := func(tr *stream.Trial) []float64 {
		z := m.Forward(tr)
		ce.Eval(z, tr.Target, dz)
		m.Learn(tr, dz)
		return z
	}
	a := []float64{0, 0, 0}
	learn(trialOf(0, 0, a, 0)) // 10 units at a, weights towards class 0
	require.Equal(t, 10, m.Active())

	// The same item again: predicted right, no recruitment.
	z := learn(trialOf(0, 1, a, 0))
	require.False(t, m.Recruited())
	require.Greater(t, z[0], z[1])

	// The same point with the other label: all 10 winners mispredict, so 10
	// new units are recruited at it.
	m.Forward(trialOf(0, 2, a, 1))
	require.True(t, m.Recruited())
	require.Equal(t, 20, m.Active())

	// A correct prediction of a far point: its winners are the same 20
	// active units (only 20 are active) — nothing is recruited.
	m2 := newSmall(t, small)
	m2.Forward(trialOf(0, 0, a, 0))
	m2.Learn(trialOf(0, 0, a, 0), []float64{-0.5, 0.5})
	m2.Forward(trialOf(0, 1, []float64{1, 1, 1}, 0))
	require.False(t, m2.Recruited())
	require.Equal(t, 10, m2.Active())
}

// TestNeedRecruit checks the original's need_recruit on logits, including
// its ties: argmax takes the first of equal logits; all-zero logits
// always recruit.
func TestNeedRecruit(t *testing.T) {
	m := newSmall(t, small)
	for _, tc := range []struct {
		z     []float64
		label int
		want  bool
	}{
		{[]float64{0, 0}, 0, true},
		{[]float64{0, 0}, 1, true},
		{[]float64{1, 1}, 0, false},
		{[]float64{1, 1}, 1, true},
		{[]float64{2, 1}, 0, false},
		{[]float64{-1, 1}, 0, true},
		{[]float64{0, 1e-300}, 1, false},
	} {
		copy(m.z, tc.z)
		require.Equal(t, tc.want, m.needRecruit(tc.label), "z %v label %d", tc.z, tc.label)
	}
}

// TestNoRecruitWhenNoZeroWeight checks the original's guard: once no
// association weight is 0 the recruitment step recruits nothing (it is
// still reported as called).
func TestNoRecruitWhenNoZeroWeight(t *testing.T) {
	p := small
	m := newSmall(t, p)
	for i := range m.weights {
		m.weights[i] = 0.01
	}
	m.weights[1] = -1 // class 1 wins for the unit
	z := m.Forward(trialOf(0, 0, []float64{0, 0, 0}, 0))
	require.True(t, m.Recruited())
	require.Zero(t, m.Active())
	require.Equal(t, []float64{0, 0}, z)
}

// TestLearnOrder checks one Learn against a hand computation on a model
// with two active units: the SGD step on the winner's weights, the
// attention rule (winner minus the other active unit, divided by 2) with
// clamp and normalisation, and the double move of the winner.
func TestLearnOrder(t *testing.T) {
	p := Params{Units: 4, Dims: 2, Classes: 2, R: 1, C: 0.5, Phi: 2, K: 0.25,
		LRNN: 0.1, LRAttn: 0.4, LRClusters: 0.2, AttnType: "dimensional_local"}
	m, err := New(p, rand.NewPCG(1, 2))
	require.NoError(t, err)
	st := stream.StateMap(m.State())
	copy(st[NamePositions].Data, []float64{0.9, 0.9, 0.2, 0.1, 0.5, 0.5, 0.3, 0.7})
	copy(st[NameActive].Data, []float64{0, 1, 0, 1})
	copy(st[NameAssoc].Data, []float64{0, 0, 0.5, -0.5, 0, 0, 0.1, 0.2})
	require.NoError(t, m.SetState(st))

	x := []float64{0, 0}
	tr := trialOf(1, 0, x, 0)
	z := m.Forward(tr)
	// Unit 1 at (0.2, 0.1): S = 0.5·0.2 + 0.5·0.1 = 0.15; unit 3 at
	// (0.3, 0.7): S = 0.5. One winner (k·N = 1): unit 1.
	act1 := 0.5 * math.Exp(-0.5*0.15)
	act3 := 0.5 * math.Exp(-0.5*0.5)
	require.Equal(t, []int32{1}, m.Winners())
	require.InDeltaSlice(t, []float64{2 * act1 * 0.5, 2 * act1 * -0.5}, z, 1e-15)
	require.False(t, m.Recruited())

	dz := []float64{-0.3, 0.3}
	m.Learn(tr, dz)
	// SGD: w1 −= 0.1·act1·(2·dz).
	require.InDeltaSlice(t, []float64{0.5 + 0.1*act1*0.6, -0.5 - 0.1*act1*0.6}, m.weights[2:4], 1e-15)
	require.Equal(t, []float64{0.1, 0.2}, m.weights[6:8], "a loser's weights do not move")
	// Attention: g_j = −c·act1·d1j + c·act3·d3j, a += 0.4·g/2, clamp, normalise.
	g := []float64{-0.5*act1*0.2 + 0.5*act3*0.3, -0.5*act1*0.1 + 0.5*act3*0.7}
	a := []float64{0.5 + 0.4*g[0]/2, 0.5 + 0.4*g[1]/2}
	s := a[0] + a[1]
	require.InDeltaSlice(t, []float64{a[0] / s, a[1] / s}, m.Attention(), 1e-15)
	// Units: the winner moves to 0.8·u, then towards the mean of the
	// winners (itself): no change.
	require.InDeltaSlice(t, []float64{0.16, 0.08}, m.pos[2:4], 1e-15)
	require.Equal(t, []float64{0.3, 0.7}, m.pos[6:8], "a loser does not move")
}

// TestNonLocalAttention checks that without the local rule the attention
// is only clamped and normalised.
func TestNonLocalAttention(t *testing.T) {
	p := small
	p.AttnType = "dimensional"
	m := newSmall(t, p)
	st := stream.StateMap(m.State())
	copy(st[NameAttention].Data, []float64{2, -1, 2})
	require.NoError(t, m.SetState(st))
	tr := trialOf(0, 0, []float64{0, 1, 0}, 1)
	dz := make([]float64, 2)
	loss.CrossEntropy{}.Eval(m.Forward(tr), tr.Target, dz)
	m.Learn(tr, dz)
	require.Equal(t, []float64{0.5, 0, 0.5}, m.Attention())
}

// TestEuclidOnStimulus checks the r = 2 case the original breaks: after
// the first trial the winners sit on the stimulus (S = 0). By default
// their attention derivative is 0 and the attention stays finite; with
// LiteralZero it becomes NaN as in the original, the model reports the
// divergence and its next logits are NaN.
func TestEuclidOnStimulus(t *testing.T) {
	p := small
	p.R = 2
	for _, literal := range []bool{false, true} {
		p.LiteralZero = literal
		m := newSmall(t, p)
		tr := trialOf(0, 0, []float64{1, 0, 1}, 0)
		dz := make([]float64, 2)
		loss.CrossEntropy{}.Eval(m.Forward(tr), tr.Target, dz)
		m.Learn(tr, dz)
		if !literal {
			require.NoError(t, m.Err())
			for _, v := range m.Attention() {
				require.False(t, math.IsNaN(v))
			}
			continue
		}
		require.ErrorIs(t, m.Err(), ErrDiverged)
		z := m.Forward(trialOf(0, 1, []float64{0, 0, 1}, 1))
		require.True(t, math.IsNaN(z[0]) && math.IsNaN(z[1]), "logits after divergence: %v", z)
	}
}

// TestZeroAttentionDiverges checks that an attention that is all zero
// after the clamp is reported as a divergence (the original divides 0 by
// 0).
func TestZeroAttentionDiverges(t *testing.T) {
	p := small
	p.AttnType = "none"
	m := newSmall(t, p)
	st := stream.StateMap(m.State())
	copy(st[NameAttention].Data, []float64{0, -1, 0})
	require.NoError(t, m.SetState(st))
	tr := trialOf(0, 0, []float64{0, 1, 0}, 1)
	m.Forward(tr)
	m.Learn(tr, []float64{0.5, -0.5})
	require.True(t, errors.Is(m.Err(), ErrDiverged), "%v", m.Err())
	require.ErrorContains(t, m.Err(), "cannot be normalised")
}

func TestStateRoundTrip(t *testing.T) {
	m := newSmall(t, small)
	ce := loss.CrossEntropy{}
	dz := make([]float64, 2)
	xs := [][]float64{{0, 0, 0}, {1, 1, 1}, {0, 1, 0}}
	for i, x := range xs {
		tr := trialOf(0, i, x, i%2)
		ce.Eval(m.Forward(tr), tr.Target, dz)
		m.Learn(tr, dz)
	}
	st := m.State()
	require.Len(t, st, 5)
	for _, a := range st {
		require.Contains(t, []string{NamePositions, NameAttention, NameWinners, NameActive, NameAssoc}, a.Name)
	}
	// The view shows the same arrays; State's are copies.
	require.Equal(t, st, m.View())
	require.Equal(t, st, stream.View(m))
	st[0].Data[0] = -1
	require.NotEqual(t, st, m.State())
	st = m.State()
	m2 := newSmall(t, small)
	require.NoError(t, m2.SetState(stream.StateMap(st)))
	require.Equal(t, st, m2.State())
	// Both continue identically.
	tr := trialOf(1, 0, []float64{1, 0, 0}, 1)
	require.Equal(t, m.Forward(tr), m2.Forward(tr))
	require.Equal(t, m.Active(), m2.Active())
}

func TestSetStateErrors(t *testing.T) {
	good := func() map[string]stream.Array { return stream.StateMap(newSmall(t, small).State()) }
	tests := []struct {
		name   string
		change func(map[string]stream.Array)
		errHas string
	}{
		{"missing", func(st map[string]stream.Array) { delete(st, NameAssoc) }, `missing array "ClsLayer.weight"`},
		{"unknown", func(st map[string]stream.Array) { st["extra"] = stream.Array{Name: "extra"} }, "unexpected arrays [extra]"},
		{"shape", func(st map[string]stream.Array) {
			st[NamePositions] = stream.Array{Name: NamePositions, Shape: []int{200, 2}, Data: make([]float64, 400)}
		}, "shape [200 2]"},
		{"not finite", func(st map[string]stream.Array) { st[NameAttention].Data[1] = math.NaN() }, "NaN"},
		{"mask value", func(st map[string]stream.Array) { st[NameActive].Data[7] = 0.5 }, `"MaskLayer.active_units": value 7 is 0.5`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := good()
			tc.change(st)
			m := newSmall(t, small)
			before := m.State()
			require.ErrorContains(t, m.SetState(st), tc.errHas)
			require.Equal(t, before, m.State(), "a failed SetState leaves the model as it was")
		})
	}
}

// TestViewMasksFollow: View's masks, kept between calls, show the current
// winners and active units after every Forward, Predict and SetState,
// whether or not View was called in between.
func TestViewMasksFollow(t *testing.T) {
	m := newSmall(t, small)
	ce := loss.CrossEntropy{}
	dz := make([]float64, 2)
	check := func(where string) {
		t.Helper()
		st := stream.StateMap(m.View())
		win, act := make([]float64, small.Units), make([]float64, small.Units)
		for _, k := range m.Winners() {
			win[k] = 1
		}
		for k, v := range st[NameActive].Data {
			act[k] = v
		}
		require.Equal(t, win, st[NameWinners].Data, where)
		n := 0
		for _, v := range act {
			n += int(v)
		}
		require.Equal(t, m.Active(), n, where)
	}
	xs := [][]float64{{0, 0, 0}, {1, 1, 1}, {0, 1, 0}, {1, 0, 1}, {0.5, 0.5, 0}}
	saved := m.State()
	for i, x := range xs {
		tr := trialOf(0, i, x, i%2)
		ce.Eval(m.Forward(tr), tr.Target, dz)
		if i%2 == 0 {
			check("after Forward")
		}
		m.Learn(tr, dz)
		check("after Learn")
		m.Predict(trialOf(0, i, xs[(i+2)%len(xs)], 0))
		check("after Predict")
	}
	require.NoError(t, m.SetState(stream.StateMap(saved)))
	check("after SetState")
	require.Equal(t, 0, m.Active())
}
