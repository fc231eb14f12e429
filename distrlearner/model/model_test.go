package model

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
)

func TestKindByName(t *testing.T) {
	for _, c := range []struct {
		name string
		want Kind
		err  bool
	}{
		{"distr_learner", Single, false},
		{"distr_learner_mu", Multi, false},
		{"distr_learner_MU", 0, true},
		{"clustering", 0, true},
	} {
		k, err := KindByName(c.name)
		if c.err {
			require.Error(t, err, c.name)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.want, k)
		require.Equal(t, c.name, k.String())
	}
}

func TestParamsCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(*Params)
		errHas string
	}{
		{"default", func(*Params) {}, ""},
		{"no units", func(c *Params) { c.MaxUnits = 0 }, "max_nunits"},
		{"no dims", func(c *Params) { c.Dims = 0 }, "n_dims"},
		{"one class", func(c *Params) { c.Classes = 1 }, "classes"},
		{"zero attn_weighting", func(c *Params) { c.AttnWeighting = 0 }, "attn_weighting"},
		{"NaN attn_weighting", func(c *Params) { c.AttnWeighting = math.NaN() }, "attn_weighting"},
		{"infinite Phi", func(c *Params) { c.Phi = math.Inf(1) }, "Phi"},
		{"NaN lr_units", func(c *Params) { c.LRUnits = math.NaN() }, "lr_units"},
		{"negative momentum", func(c *Params) { c.Momentum = -0.1 }, "momentum"},
		{"k above 1", func(c *Params) { c.K = 1.5 }, "k ="},
		{"negative k", func(c *Params) { c.K = -0.01 }, "k ="},
		{"bad kind", func(c *Params) { c.Kind = 7 }, "kind"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := dlmuConfig
			c.edit(&cfg)
			_, err := New(cfg)
			if c.errHas == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, c.errHas)
		})
	}
}

// TestBatch checks int(N·k) against Python's values for the shipped configs.
func TestBatch(t *testing.T) {
	for _, c := range []struct {
		n    int
		k    float64
		want int
	}{{500, 0.01, 5}, {250, 0.01, 2}, {750, 0.01, 7}, {50, 0.01, 0}, {100, 0.07, 7}, {1000, 0.001, 1}} {
		cfg := dlmuConfig
		cfg.MaxUnits, cfg.K = c.n, c.k
		require.Equal(t, c.want, cfg.Batch(), "int(%d*%v)", c.n, c.k)
	}
	require.Equal(t, 1, dlConfig.Batch())
}

// trial returns a trial of the new stimuli's kind at x with label.
func trial(x []float64, label, block, index int) *stream.Trial {
	y := make([]float64, 2)
	y[label] = 1
	return &stream.Trial{Block: block, Index: index, X: x, Target: y, Label: label}
}

// TestRecruitment checks who is recruited when, for both kinds.
func TestRecruitment(t *testing.T) {
	small := func(kind Kind, n int, k float64) Params {
		c := dlmuConfig
		c.Kind, c.MaxUnits, c.K = kind, n, k
		return c
	}
	for _, c := range []struct {
		name string
		cfg  Params
		prep func(m *Model) // state before the trial
		x    []float64
		lab  int
		// want
		recruited bool
		active    []int
		under     Underflows
	}{
		{"first trial, single: unit 0", small(Single, 4, 0), nil, []float64{0.3, 0.7}, 0, true, []int{0}, Underflows{}},
		{"first trial, multi: the first int(N·k) units (all tied)", small(Multi, 10, 0.3), nil, []float64{0.3, 0.7}, 1, true, []int{0, 1, 2}, Underflows{}},
		{"single: the lowest inactive unit, not the nearest", small(Single, 4, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.activate(2, []float64{0.3, 0.7})
			m.assoc.A[0], m.assoc.A[1] = 1, 0 // predicts class 0
		}, []float64{0.6, 0.4}, 1, true, []int{0, 1, 2}, Underflows{}},
		{"right answer: no recruitment", small(Single, 4, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.assoc.A[0], m.assoc.A[1] = 1, 0
		}, []float64{0.3, 0.7}, 0, false, []int{0}, Underflows{}},
		{"tied logits: argmax takes class 0, so label 1 recruits", small(Single, 4, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.assoc.A[0], m.assoc.A[1] = 1, 1
		}, []float64{0.3, 0.7}, 1, true, []int{0, 1}, Underflows{}},
		{"tied logits, label 0: no recruitment", small(Single, 4, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.assoc.A[0], m.assoc.A[1] = 1, 1
		}, []float64{0.3, 0.7}, 0, false, []int{0}, Underflows{}},
		{"all logits 0 with units recruited: recruits", small(Single, 4, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
		}, []float64{0.3, 0.7}, 0, true, []int{0, 1}, Underflows{}},
		{"every unit recruited: the step runs, recruits nothing", small(Single, 2, 0), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.activate(1, []float64{0.3, 0.7})
		}, []float64{0.3, 0.7}, 0, true, []int{0, 1}, Underflows{}},
		{"multi: the densest inactive units", small(Multi, 6, 0.34), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			// move inactive units 3 and 5 near the stimulus
			copy(m.dens.Mu[6:8], []float64{0.5, 0.5})
			copy(m.dens.Mu[10:12], []float64{0.55, 0.45})
		}, []float64{0.55, 0.45}, 1, true, []int{0, 3, 5}, Underflows{}},
		{"multi: fewer inactive units than int(N·k)", small(Multi, 4, 0.5), func(m *Model) {
			m.activate(0, []float64{0.3, 0.7})
			m.activate(1, []float64{0.3, 0.7})
			m.activate(3, []float64{0.3, 0.7})
		}, []float64{0.3, 0.7}, 1, true, []int{0, 1, 2, 3}, Underflows{}},
		{"multi: densities underflow, nothing recruited (the quirk), counted", small(Multi, 10, 0.3), func(m *Model) {
			for i := range m.dens.Scale {
				m.dens.Scale[i] = 0.01 // inactive units at the origin, far in σ
			}
		}, []float64{0.9, 0.9}, 0, true, []int{}, Underflows{Trials: 1, Units: 3}},
		{"multi: some underflow, the others recruited", small(Multi, 10, 0.3), func(m *Model) {
			for i := range m.dens.Scale {
				m.dens.Scale[i] = 0.01
			}
			copy(m.dens.Mu[8:10], []float64{0.88, 0.9})
		}, []float64{0.9, 0.9}, 0, true, []int{4}, Underflows{Trials: 1, Units: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(c.cfg)
			require.NoError(t, err)
			block := 0
			if c.prep != nil {
				c.prep(m)
				block = 1
			}
			m.Forward(trial(c.x, c.lab, block, 3))
			require.Equal(t, c.recruited, m.Recruited())
			require.Equal(t, c.active, m.units)
			require.Equal(t, len(c.active), m.Active())
			require.Equal(t, c.under, m.Underflows())
		})
	}
}

// TestRecruitPlacesAtStimulus checks that a recruited unit moves to x and
// keeps its scales.
func TestRecruitPlacesAtStimulus(t *testing.T) {
	m, err := New(dlConfig)
	require.NoError(t, err)
	x := []float64{0.31, 0.72}
	m.Forward(trial(x, 1, 0, 0))
	require.Equal(t, x, m.dens.Mu[:2])
	require.Equal(t, []float64{math.Sqrt(0.02), math.Sqrt(0.02)}, m.dens.Scale[:2])
	require.Equal(t, []float64{0, 0}, m.dens.Mu[2:4])
}

// TestStateRoundTrip checks that SetState(State()) gives a learner that
// behaves exactly as the original one.
func TestStateRoundTrip(t *testing.T) {
	a, err := New(dlmuConfig)
	require.NoError(t, err)
	trainFor(t, a, 2)
	b, err := New(dlmuConfig)
	require.NoError(t, err)
	require.NoError(t, b.SetState(stream.StateMap(a.State())))
	require.Equal(t, a.State(), b.State())
	ta := trainFor(t, a, 1)
	tb := trainFor(t, b, 1)
	require.Equal(t, len(ta), len(tb))
	require.Equal(t, a.State(), b.State())
	require.Equal(t, a.Active(), b.Active())
}

// TestSetStateErrors checks that a bad state is refused with a reason.
func TestSetStateErrors(t *testing.T) {
	m, err := New(dlConfig)
	require.NoError(t, err)
	good := func() map[string]stream.Array { return stream.StateMap(m.State()) }
	for _, c := range []struct {
		name   string
		edit   func(st map[string]stream.Array)
		errHas string
	}{
		{"unknown array", func(st map[string]stream.Array) {
			st["Distance.weight"] = stream.NewArray("Distance.weight", []float64{1}, 1)
		}, "unexpected arrays"},
		{"missing array", func(st map[string]stream.Array) { delete(st, ActiveName) }, "missing array"},
		{"wrong shape", func(st map[string]stream.Array) {
			st[UnitsName] = stream.NewArray(UnitsName, make([]float64, 60), 20, 3)
		}, "shape"},
		{"not finite", func(st map[string]stream.Array) { st[WeightName].Data[3] = math.Inf(1) }, "Inf"},
		{"mask not 0 or 1", func(st map[string]stream.Array) { st[ActiveName].Data[2] = 0.5 }, "0 or 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := good()
			c.edit(st)
			require.ErrorContains(t, m.SetState(st), c.errHas)
		})
	}
}

// TestSetStateClampsNextForward checks that a loaded state is clamped by
// the next forward pass, inactive units included, as in the original.
func TestSetStateClampsNextForward(t *testing.T) {
	m, err := New(dlConfig)
	require.NoError(t, err)
	st := stream.StateMap(m.State())
	attn := st[AttnName].Data
	attn[4*7+0] = -1  // unit 7 (inactive): σ_0
	attn[4*7+2] = 0.3 // its lower part
	require.NoError(t, m.SetState(st))
	require.Equal(t, -1.0, stream.StateMap(m.State())[AttnName].Data[28], "SetState keeps what it is given")
	m.Forward(trial([]float64{0.5, 0.5}, 0, 0, 0))
	got := stream.StateMap(m.State())[AttnName].Data
	require.Equal(t, []float64{1e-6, 0, 0, math.Sqrt(0.02)}, got[28:32])
}

// TestNoAllocs checks that a trial (Forward, loss, Learn) allocates
// nothing, recruitment included.
func TestNoAllocs(t *testing.T) {
	for _, cfg := range []Params{dlmuConfig, dlConfig} {
		m, err := New(cfg)
		require.NoError(t, err)
		trials := trainFor(t, m, 1)
		dz := make([]float64, 2)
		i := 0
		allocs := testing.AllocsPerRun(300, func() {
			tr := &trials[i%len(trials)]
			i++
			z := m.Forward(tr)
			loss.BCELogits{}.Eval(z, tr.Target, dz)
			m.Learn(tr, dz)
		})
		require.Zero(t, allocs, cfg.Kind.String())
	}
}

// TestMomentum checks that momentum is PyTorch's, on the weights of a
// unit over two steps: v = g, then v = m·v + g; w −= lr·v.
func TestMomentum(t *testing.T) {
	cfg := dlConfig
	cfg.Momentum = 0.9
	m, err := New(cfg)
	require.NoError(t, err)
	x := []float64{0.4, 0.6}
	dz := []float64{0.2, -0.3}
	tr := trial(x, 1, 0, 0)
	m.Forward(tr)
	a := m.dens.Act[0]
	g0 := a * (dz[0] * 1)
	m.Learn(tr, dz)
	require.InDelta(t, -0.025*g0, m.assoc.A[0], 1e-15)
	tr = trial(x, 1, 0, 1)
	m.Forward(tr)
	a1 := m.dens.Act[0]
	g1 := a1 * dz[0]
	m.Learn(tr, dz)
	require.InDelta(t, -0.025*g0-0.025*(0.9*g0+g1), m.assoc.A[0], 1e-15)
}
