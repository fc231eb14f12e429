package model_test

import (
	"math"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

func shjTrial(t testing.TB, typ, item, block, index int) *stream.Trial {
	tk, err := task.SHJ(typ)
	require.NoError(t, err)
	it := tk.Items[item]
	return &stream.Trial{Block: block, Index: index, Item: item, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
}

func learn(m *model.Model, tr *stream.Trial) {
	dz := make([]float64, 2)
	loss.BCELogits{}.Eval(m.Forward(tr), tr.Target, dz)
	m.Learn(tr, dz)
}

func TestNewState(t *testing.T) {
	for _, c := range []struct{ k, d int }{{8, 3}, {100, 2}, {4, 5}} {
		p := config1()
		p.Clusters, p.Dims = c.k, c.d
		m, err := model.New(p)
		require.NoError(t, err)
		st := stream.StateMap(m.State())
		require.Len(t, st, 4)
		for name, shape := range map[string][]int{
			model.NameCentres: {c.k, c.d}, model.NameAttention: {1, c.d},
			model.NameMask: {1, c.k}, model.NameAssoc: {c.k, 2},
		} {
			require.Equal(t, shape, st[name].Shape, name)
		}
		for _, v := range st[model.NameCentres].Data {
			require.Equal(t, 0.5, v)
		}
		for _, v := range st[model.NameAttention].Data {
			require.Equal(t, 1.0/3, v, "attention starts at 1/3 whatever D (the original's quirk)")
		}
		for _, v := range append(st[model.NameMask].Data, st[model.NameAssoc].Data...) {
			require.Zero(t, v)
		}
		require.Zero(t, m.Active())
	}
}

// TestFirstTrial: the first trial recruits the item's unit without
// evaluating support, applies the constraint once (1/3 → 1/D), and
// predicts 0 logits (no association yet).
func TestFirstTrial(t *testing.T) {
	for _, d := range []int{2, 3, 4} {
		p := config1()
		p.Dims = d
		m, err := model.New(p)
		require.NoError(t, err)
		x := make([]float64, d)
		x[0] = 1
		tr := &stream.Trial{Signature: 5, X: x, Target: []float64{0, 1}, Label: 1}
		z := m.Forward(tr)
		require.Equal(t, []float64{0, 0}, z)
		require.True(t, m.Recruited())
		require.Equal(t, 1, m.Active())
		require.True(t, math.IsNaN(m.Support()))
		for _, a := range m.Attention() {
			require.InDelta(t, 1/float64(d), a, 1e-16)
		}
		st := stream.StateMap(m.State())
		require.Equal(t, x, st[model.NameCentres].Data[5*d:6*d])
		require.Equal(t, 1.0, st[model.NameMask].Data[5])
	}
}

// constrainOnce is the original's sum-to-one constraint.
func constrainOnce(a []float64) []float64 {
	out := make([]float64, len(a))
	var s float64
	for j, v := range a {
		out[j] = math.Max(v, 1e-6)
		s += out[j]
	}
	for j := range out {
		out[j] /= s
	}
	return out
}

// TestConstraintTwice: a trial that evaluates support applies the
// constraint to the stored attention twice (once per prediction), the first
// trial once; the SGD step leaves the stored attention un-normalised.
func TestConstraintTwice(t *testing.T) {
	raw := []float64{0.7, -0.2, 0.4000000000000001}
	cases := []struct {
		name  string
		first bool
		times int
	}{
		{"first trial: one prediction", true, 1},
		{"later trial: two predictions", false, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := model.New(config1())
			require.NoError(t, err)
			if !c.first {
				learn(m, shjTrial(t, 1, 0, 0, 0))
			}
			st := stream.StateMap(m.State())
			st[model.NameAttention] = stream.NewArray(model.NameAttention, raw, 1, 3)
			require.NoError(t, m.SetState(st))
			tr := shjTrial(t, 1, 3, 0, 0)
			if !c.first {
				tr.Index = 1
			}
			m.Forward(tr)
			want := raw
			for range c.times {
				want = constrainOnce(want)
			}
			require.Equal(t, want, m.Attention())
			if c.first {
				return // no association weights yet: the step leaves the attention
			}
			// After the step the stored attention no longer sums to one.
			dz := make([]float64, 2)
			loss.BCELogits{}.Eval(m.Forward(tr), tr.Target, dz)
			m.Learn(tr, dz)
			var s float64
			for _, a := range m.Attention() {
				s += a
			}
			require.NotEqual(t, 1.0, s)
		})
	}
}

func TestSupportAndRecruitment(t *testing.T) {
	// Two units of type 1 recruited with known association weights: the
	// support of each for the correct class, weighted by its output.
	m, err := model.New(config1())
	require.NoError(t, err)
	learn(m, shjTrial(t, 1, 0, 0, 0)) // recruits unit 0 (class A)
	st := stream.StateMap(m.State())
	mask := st[model.NameMask].Data
	mask[7] = 1
	copy(st[model.NameCentres].Data[7*3:], []float64{1, 1, 1})
	assoc := st[model.NameAssoc].Data
	copy(assoc[0:2], []float64{0.8, -0.2})
	copy(assoc[14:16], []float64{-0.5, 0.5})
	require.NoError(t, m.SetState(st))

	// Item 1 (0,0,1), class A: unit 0 supports A, unit 7 supports B.
	tr := shjTrial(t, 1, 1, 0, 1)
	m.Forward(tr)
	sup0 := (0.8 - -0.2) / (0.8 + 0.2 + 1e-6)
	sup7 := (-0.5 - 0.5) / (0.5 + 0.5 + 1e-6)
	// Recompute the outputs o of both units by hand.
	a := m.Attention()
	h0 := math.Exp(-0.25 * math.Sqrt(a[0]*1e-6+a[1]*1e-6+a[2]*1))
	h7 := math.Exp(-0.25 * math.Sqrt(a[0]*1+a[1]*1+a[2]*1e-6))
	g0 := h0 * math.Pow(h0, 3) / (math.Pow(h0, 3) + math.Pow(h7, 3))
	g7 := h7 * math.Pow(h7, 3) / (math.Pow(h0, 3) + math.Pow(h7, 3))
	e0, e7 := math.Exp(g0/0.012), math.Exp(g7/0.012)
	o0, o7 := g0*e0/(e0+e7), g7*e7/(e0+e7)
	want := (sup0*o0 + sup7*o7) / (o0 + o7)
	require.InDelta(t, want, m.Support(), 1e-12)
	require.Greater(t, m.Support(), -0.4)
	require.False(t, m.Recruited(), "support above thr: no recruitment")
	require.Equal(t, 2, m.Active())

	// Item 6 (1,1,0), class B: unit 7 is near and supports B — but make it
	// support A instead, so the support falls below thr and item 6's unit
	// is recruited.
	st = stream.StateMap(m.State())
	copy(st[model.NameAssoc].Data[14:16], []float64{0.5, -0.5})
	require.NoError(t, m.SetState(st))
	tr = shjTrial(t, 1, 6, 0, 2)
	m.Forward(tr)
	require.Less(t, m.Support(), -0.4)
	require.True(t, m.Recruited())
	require.Equal(t, 3, m.Active())
	require.Equal(t, []float64{1, 1, 0}, stream.StateMap(m.State())[model.NameCentres].Data[18:21])
}

// TestReRecruit: recruiting an item whose unit is already recruited only
// re-centres it (the original's recruitment by signature).
func TestReRecruit(t *testing.T) {
	m, err := model.New(config1())
	require.NoError(t, err)
	learn(m, shjTrial(t, 2, 3, 0, 0))
	st := stream.StateMap(m.State())
	copy(st[model.NameCentres].Data[3*3:], []float64{0.2, 0.3, 0.4})
	copy(st[model.NameAssoc].Data[3*2:], []float64{1, -1}) // supports class A; item 3 is class B
	require.NoError(t, m.SetState(st))
	m.Forward(shjTrial(t, 2, 3, 0, 1))
	require.True(t, m.Recruited())
	require.Equal(t, 1, m.Active())
	require.Equal(t, []float64{0, 1, 1}, stream.StateMap(m.State())[model.NameCentres].Data[9:12])
}

// TestNaNSupport: a support of 0/0 (every unit's activation underflows)
// is NaN, and NaN < thr is false: no recruitment.
func TestNaNSupport(t *testing.T) {
	p := config1()
	p.Specificity = 2000 // exp(−2000·distance) underflows away from a centre
	m, err := model.New(p)
	require.NoError(t, err)
	learn(m, shjTrial(t, 1, 0, 0, 0))
	tr := shjTrial(t, 1, 7, 0, 1)
	z := m.Forward(tr)
	require.True(t, math.IsNaN(m.Support()))
	require.False(t, m.Recruited())
	require.Equal(t, 1, m.Active())
	require.Equal(t, []float64{0, 0}, z)
}

func TestSetStateErrors(t *testing.T) {
	good := func() map[string]stream.Array {
		m, _ := model.New(config1())
		return stream.StateMap(m.State())
	}
	cases := []struct {
		name string
		edit func(st map[string]stream.Array)
		want string
	}{
		{"missing array", func(st map[string]stream.Array) { delete(st, model.NameMask) }, `missing array "MaskNonRecruit.weight"`},
		{"unknown array", func(st map[string]stream.Array) {
			st["FastModel.ClsLayer.weight"] = st[model.NameAssoc]
		}, "unexpected arrays"},
		{"wrong shape", func(st map[string]stream.Array) {
			st[model.NameCentres] = stream.NewArray(model.NameCentres, make([]float64, 16), 8, 2)
		}, `"Distance.weight" has shape [8 2], want [8 3]`},
		{"not finite", func(st map[string]stream.Array) { st[model.NameAssoc].Data[3] = math.NaN() }, `"ClsLayer.weight": value 3 is NaN`},
		{"mask not 0 or 1", func(st map[string]stream.Array) { st[model.NameMask].Data[2] = 0.5 }, "want 0 or 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := model.New(config1())
			require.NoError(t, err)
			st := good()
			c.edit(st)
			err = m.SetState(st)
			require.ErrorContains(t, err, c.want)
			require.Equal(t, good(), stream.StateMap(m.State()), "a failed load leaves the model as it was")
		})
	}
}

// TestReset: a reset model is a new model.
func TestReset(t *testing.T) {
	a, _ := model.New(config1())
	fresh, _ := model.New(config1())
	for i := range 8 {
		learn(a, shjTrial(t, 5, i, 0, i))
	}
	require.NotEqual(t, fresh.State(), a.State())
	a.Reset()
	require.Equal(t, fresh.State(), a.State())
	require.Zero(t, a.Active())
	for i := range 8 {
		tr := shjTrial(t, 5, 7-i, 0, i)
		require.Equal(t, fresh.Forward(tr), a.Forward(tr))
		learn(a, tr)
		learn(fresh, tr)
	}
	require.Equal(t, fresh.State(), a.State())
}

// TestStateRoundTrip: a model loaded from another's state continues
// exactly as the other does.
func TestStateRoundTrip(t *testing.T) {
	a, _ := model.New(config1())
	orders := readOrders(t)
	tk, _ := task.SHJ(4)
	trial := func(b, i int) *stream.Trial {
		it := tk.Items[orders.Orders[0][b][i]]
		return &stream.Trial{Block: b, Index: i, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
	}
	for b := range 3 {
		for i := range 8 {
			learn(a, trial(b, i))
		}
	}
	b, _ := model.New(config1())
	require.NoError(t, b.SetState(stream.StateMap(a.State())))
	for i := range 8 {
		tr := trial(3, i)
		require.Equal(t, a.Forward(tr), b.Forward(tr))
		require.Equal(t, a.Recruited(), b.Recruited())
		learn(a, tr)
		learn(b, tr)
	}
	require.Equal(t, a.State(), b.State())
}

func TestParamsCheck(t *testing.T) {
	cases := []struct {
		name string
		edit func(*model.Params)
		want string
	}{
		{"no clusters", func(p *model.Params) { p.Clusters = 0 }, "max_num_clusters = 0"},
		{"too many clusters", func(p *model.Params) { p.Clusters = 1 << 30 }, "max_num_clusters = 1073741824: want 1 to 1048576"},
		{"too large", func(p *model.Params) { p.Clusters, p.Dims = 1<<20, 8 }, "max_num_clusters × in_features = 1048576 × 8: want at most 4194304"},
		{"too many dims", func(p *model.Params) { p.Dims = 5000 }, "in_features = 5000: want 1 to 4096"},
		{"no dims", func(p *model.Params) { p.Dims = 0 }, "in_features = 0"},
		{"fractional r", func(p *model.Params) { p.R = 1.5 }, "r = 1.5: want a positive integer"},
		{"zero q", func(p *model.Params) { p.Q = 0 }, "q = 0"},
		{"negative specificity", func(p *model.Params) { p.Specificity = -1 }, "specificity = -1"},
		{"zero beta", func(p *model.Params) { p.Beta = 0 }, "beta = 0"},
		{"zero numeric temperature", func(p *model.Params) { p.Equivalent = false }, "temp_competition = 0"},
		{"zero soft WTA temperature", func(p *model.Params) { p.TempSoftWTA = 0 }, "temp_softwta = 0"},
		{"NaN Phi", func(p *model.Params) { p.Phi = math.NaN() }, "Phi = NaN"},
		{"infinite thr", func(p *model.Params) { p.Thr = math.Inf(-1) }, "thr = -Inf"},
		{"negative rate", func(p *model.Params) { p.LRAssoc = -0.1 }, "asso_lr_multiplier = -0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := config1()
			c.edit(&p)
			_, err := model.New(p)
			require.ErrorContains(t, err, c.want)
		})
	}
	p := config1()
	p.Equivalent, p.TempCompetition, p.Beta = false, 0.5, 0
	_, err := model.New(p)
	require.NoError(t, err, "beta is not used with a numeric temperature")
}

// TestNewStimuli: the model makes no SHJ assumption: 100 units, two
// dimensions, the new stimuli (the dual stream's config_n1 fast stream).
func TestNewStimuli(t *testing.T) {
	p := config1()
	p.Clusters, p.Dims, p.LRCentres, p.LRAttention, p.LRAssoc = 100, 2, 0.01, 0.01, 0.01
	m, err := model.New(p)
	require.NoError(t, err)
	tk := task.NewStimuli()
	dz := make([]float64, 2)
	prob := make([]float64, 2)
	var first, last float64
	for b := range 10 {
		var lc float64
		for i, it := range tk.Items {
			it := it
			tr := &stream.Trial{Block: b, Index: i, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			z := m.Forward(tr)
			if b == 0 && i == 0 {
				require.Equal(t, []float64{0.5, 0.5}, m.Attention(), "1/3, 1/3 normalised")
			}
			lc += loss.ProbError(z, it.Label, prob) / 100
			loss.BCELogits{}.Eval(z, it.Target, dz)
			m.Learn(tr, dz)
		}
		if b == 0 {
			first = lc
		}
		last = lc
	}
	t.Logf("new stimuli: error %.3f → %.3f, %d units", first, last, m.Active())
	require.Less(t, last, first)
	require.Greater(t, m.Active(), 1)
	require.Less(t, m.Active(), 100)
}

func TestTrialAllocatesNothing(t *testing.T) {
	m, _ := model.New(config1())
	orders := readOrders(t)
	tk, _ := task.SHJ(6)
	dz := make([]float64, 2)
	tr := &stream.Trial{}
	n := 0
	allocs := testing.AllocsPerRun(500, func() {
		b, i := n/8%32, n%8
		it := &tk.Items[orders.Orders[0][b][i]]
		tr.Block, tr.Index, tr.Signature, tr.X, tr.Target, tr.Label = b, i, it.Signature, it.X, it.Target, it.Label
		loss.BCELogits{}.Eval(m.Forward(tr), it.Target, dz)
		m.Learn(tr, dz)
		n++
	})
	require.Zero(t, allocs)
}
