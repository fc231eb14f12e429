package model

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// checkGroups asserts the invariant of the groups of copies: every unit
// of a group is recruited, comes after its representative, and equals it
// bit for bit in every parameter and in what the last Forward and
// Backward computed, once materialised; a lazy copy's gradients are 0
// (so that the step leaves it). It returns the number of units that are
// copies.
func checkGroups(t *testing.T, m *Model, where string) int {
	t.Helper()
	d, c, p := m.p.Dims, m.p.Classes, m.p.Dims*(m.p.Dims-1)/2
	if m.lazy != (m.shared && m.p.Momentum == 0) {
		t.Fatalf("%s: lazy %v with shared %v and momentum %v", where, m.lazy, m.shared, m.p.Momentum)
	}
	m.materialise()
	copies := 0
	for k, r := range m.rep {
		if r == k {
			continue
		}
		copies++
		if !m.shared || r > k || m.rep[r] != r || !m.active[k] || !m.active[r] {
			t.Fatalf("%s: unit %d, representative %d: shared %v, rep[%d] = %d, active %v %v", where, k, r, m.shared, r, m.rep[r], m.active[r], m.active[k])
		}
		for _, a := range []struct {
			name string
			v    []float64
			n    int
		}{
			{"mu", m.dens.Mu, d}, {"scale", m.dens.Scale, d}, {"low", m.dens.Low, p}, {"A", m.assoc.A, c},
			{"w", m.dens.W, d}, {"act", m.dens.Act, 1},
			{"gmu", m.dens.GMu, d}, {"gscale", m.dens.GScale, d}, {"glow", m.dens.GLow, p}, {"gA", m.assoc.GA, c},
		} {
			for i := range a.n {
				x, y := a.v[r*a.n+i], a.v[k*a.n+i]
				if m.lazy && a.name[0] == 'g' {
					x = 0 // a lazy copy has no gradient
				}
				if math.Float64bits(x) != math.Float64bits(y) {
					t.Fatalf("%s: %s[%d] of unit %d is %v, of its copy %d %v", where, a.name, i, r, x, k, y)
				}
			}
		}
	}
	return copies
}

// sameBits asserts that two slices are equal bit for bit.
func sameBits(t *testing.T, want, got []float64, format string, args ...any) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("lengths %d and %d; "+format, append([]any{len(want), len(got)}, args...)...)
	}
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("value %d: %v, grouped %v; "+format, append([]any{i, want[i], got[i]}, args...)...)
		}
	}
}

// sameState asserts that two learners have the same state, bit for bit.
func sameState(t *testing.T, want, got *Model, where string) {
	t.Helper()
	ws, gs := want.State(), got.State()
	require.Equal(t, len(ws), len(gs))
	for i := range ws {
		require.Equal(t, ws[i].Name, gs[i].Name)
		sameBits(t, ws[i].Data, gs[i].Data, "%s: %s", where, ws[i].Name)
	}
	require.Equal(t, want.units, got.units, where)
	require.Equal(t, want.under, got.under, where)
}

// lockstep runs a grouped and an ungrouped learner on the same trials and
// asserts that they agree bit for bit on every trial (logits, recruitment)
// and that the groups stay copies. It returns the most copies seen.
type lockstep struct {
	t      *testing.T
	g, u   *Model
	lf     loss.Func
	dz, du []float64
	most   int
}

func newLockstep(t *testing.T, cfg Params) *lockstep {
	g, err := New(cfg)
	require.NoError(t, err)
	u, err := New(cfg)
	require.NoError(t, err)
	u.noShare = true
	var lf loss.Func = loss.BCELogits{}
	if cfg.Classes > 2 {
		lf = loss.CrossEntropy{}
	}
	return &lockstep{t: t, g: g, u: u, lf: lf, dz: make([]float64, cfg.Classes), du: make([]float64, cfg.Classes)}
}

func (s *lockstep) trial(tr *stream.Trial, where string) {
	t := s.t
	t.Helper()
	zu := s.u.Forward(tr)
	zg := s.g.Forward(tr)
	sameBits(t, zu, zg, "logits at %s", where)
	if s.u.Recruited() != s.g.Recruited() || s.u.Active() != s.g.Active() {
		t.Fatalf("%s: recruited %v, grouped %v; active %d, grouped %d", where, s.u.Recruited(), s.g.Recruited(), s.u.Active(), s.g.Active())
	}
	s.lf.Eval(zu, tr.Target, s.du)
	s.lf.Eval(zg, tr.Target, s.dz)
	s.u.Learn(tr, s.du)
	s.g.Learn(tr, s.dz)
	s.most = max(s.most, checkGroups(t, s.g, where))
	if s.u.shared {
		t.Fatalf("%s: the ungrouped learner has groups", where)
	}
}

// TestGroupsFixtureDLMU runs the dlmu_new fixture's trials (2 runs × 20
// blocks of config_dlMU_dnn_1's distr_learner_mu) grouped and ungrouped:
// the groups' units stay copies on every trial, and the two learners
// agree bit for bit throughout.
func TestGroupsFixtureDLMU(t *testing.T) {
	tab, err := schedule.ReadTable(filepath.Join("..", "testdata", "dlmu_new_order.csv"))
	require.NoError(t, err)
	tk := task.NewStimuli()
	order := make([]int, len(tk.Items))
	for r := 0; r < 2; r++ {
		s := newLockstep(t, dlmuConfig)
		orders := tab.Run(seed.For(999, r), len(tk.Items))
		tr := stream.Trial{Run: r}
		for b := 0; b < 20; b++ {
			orders.Next(b, order)
			for i, k := range order {
				it := &tk.Items[k]
				tr.Block, tr.Index, tr.Item = b, i, k
				tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
				s.trial(&tr, "run "+itoa(r)+" block "+itoa(b)+" trial "+itoa(i))
			}
		}
		sameState(t, s.u, s.g, "end of run "+itoa(r))
		t.Logf("run %d: %d units, up to %d of them copies", r, s.g.Active(), s.most)
		require.Greater(t, s.most, 0, "no groups: the test tests nothing")
	}
}

func itoa(i int) string {
	return string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

// randomTrials returns n trials of items drawn from a random task of
// items points in [0, 1]^d with labels in [0, classes).
func randomTrials(rng *rand.Rand, n, items, d, classes int) []stream.Trial {
	xs := make([][]float64, items)
	labels := make([]int, items)
	for i := range xs {
		xs[i] = make([]float64, d)
		for j := range xs[i] {
			xs[i][j] = rng.Float64()
		}
		labels[i] = rng.IntN(classes)
	}
	trs := make([]stream.Trial, n)
	for i := range trs {
		k := rng.IntN(items)
		y := make([]float64, classes)
		y[labels[k]] = 1
		trs[i] = stream.Trial{Block: i / items, Index: i % items, Item: k, X: xs[k], Target: y, Label: labels[k]}
	}
	return trs
}

// groupConfigs are the configs the grouped and ungrouped learners are
// compared on: both kinds, momentum, more dimensions and classes.
func groupConfigs() map[string]Params {
	mu9 := dlmuConfig
	mu9.Momentum = 0.9
	mu3 := dlmuConfig
	mu3.MaxUnits, mu3.K, mu3.Dims, mu3.Classes, mu3.Momentum = 120, 0.05, 3, 3, 0.5
	mu4 := dlmuConfig
	mu4.MaxUnits, mu4.K, mu4.Dims, mu4.AttnWeighting, mu4.LRAttn = 90, 0.1, 4, 0.05, 0.05
	single := dlConfig
	single.Momentum = 0.9
	return map[string]Params{"dlmu": dlmuConfig, "dlmu momentum": mu9, "mu 3D 3 classes": mu3, "mu 4D": mu4, "dl": dlConfig, "dl momentum": single}
}

// TestGroupedMatchesUngrouped compares grouped and ungrouped learners bit
// for bit on random tasks, for several configs and seeds.
func TestGroupedMatchesUngrouped(t *testing.T) {
	for name, cfg := range groupConfigs() {
		for sd := uint64(1); sd <= 3; sd++ {
			rng := rand.New(rand.NewPCG(sd, 42))
			s := newLockstep(t, cfg)
			for i, tr := range randomTrials(rng, 1500, 40, cfg.Dims, cfg.Classes) {
				s.trial(&tr, name+" seed "+itoa(int(sd))+" trial "+itoa(i%1000))
			}
			sameState(t, s.u, s.g, name)
			if cfg.Kind == Multi {
				require.Greater(t, s.most, 0, "%s: no groups", name)
			}
		}
	}
}

// TestGroupsAfterSetState loads into grouped and ungrouped learners with
// the same history a state in which units look alike: copies of a unit
// but for one bit, copies in every parameter, inactive units that differ.
// Only exact copies (with equal momentum buffers) may be grouped, and the
// learners must go on agreeing bit for bit.
func TestGroupsAfterSetState(t *testing.T) {
	for name, cfg := range groupConfigs() {
		rng := rand.New(rand.NewPCG(9, 9))
		s := newLockstep(t, cfg)
		trs := randomTrials(rng, 600, 40, cfg.Dims, cfg.Classes)
		for i := range trs[:300] {
			s.trial(&trs[i], name+" before")
		}
		n, d, c := cfg.MaxUnits, cfg.Dims, cfg.Classes
		st := stream.StateMap(s.u.State())
		mu, attn, a, act := st[UnitsName].Data, st[AttnName].Data, st[WeightName].Data, st[ActiveName].Data
		var on []int
		for k := range n {
			if act[k] == 1 {
				on = append(on, k)
			}
		}
		require.GreaterOrEqual(t, len(on), 6, name)
		cp := func(dst, src int) {
			copy(mu[dst*d:dst*d+d], mu[src*d:src*d+d])
			copy(attn[dst*d*d:dst*d*d+d*d], attn[src*d*d:src*d*d+d*d])
			copy(a[dst*c:dst*c+c], a[src*c:src*c+c])
		}
		// on[1] and on[2]: exact copies of on[0] (grouped only without
		// momentum: their buffers differ); on[4]: on[3] but for one bit.
		cp(on[1], on[0])
		cp(on[2], on[0])
		cp(on[4], on[3])
		a[on[4]*c] = math.Nextafter(a[on[4]*c], math.Inf(1))
		// A unit that was never active, made active as a copy of another
		// never-active unit: equal momentum buffers (0), so grouped.
		fresh, twin := -1, -1
		for k := n - 1; k >= 0 && twin < 0; k-- {
			if act[k] == 0 && s.g.fresh[k] && fresh < 0 {
				fresh = k
			} else if act[k] == 0 && s.g.fresh[k] {
				twin = k
				act[twin], act[fresh] = 1, 1
				cp(fresh, twin)
			}
		}
		// Inactive units that differ: one scale a bit smaller.
		for k := range n {
			if act[k] == 0 && k%3 == 0 {
				attn[k*d*d] = math.Nextafter(attn[k*d*d], 0)
			}
		}
		require.NoError(t, s.u.SetState(st))
		require.NoError(t, s.g.SetState(st))
		if cfg.Momentum == 0 {
			require.Equal(t, on[0], s.g.rep[on[1]], name)
			require.Equal(t, on[0], s.g.rep[on[2]], name)
		} else {
			require.Equal(t, on[1], s.g.rep[on[1]], name)
			require.Equal(t, on[2], s.g.rep[on[2]], name)
		}
		require.Equal(t, on[4], s.g.rep[on[4]], name)
		if twin >= 0 {
			require.Equal(t, twin, s.g.rep[fresh], name)
		}
		for i := range trs[300:] {
			s.trial(&trs[300+i], name+" after SetState")
		}
		sameState(t, s.u, s.g, name)
	}
}

// TestLazyCopiesUntilState: without momentum the copies are left lazy for
// a whole run (nothing materialises them between trials, as in the trial
// loop), and State still gives the ungrouped learner's state bit for bit,
// as does a grouped learner that went on learning after that State.
func TestLazyCopiesUntilState(t *testing.T) {
	cfg := dlmuConfig
	g, err := New(cfg)
	require.NoError(t, err)
	u, err := New(cfg)
	require.NoError(t, err)
	u.noShare = true
	var lf loss.BCELogits
	dz, du := make([]float64, 2), make([]float64, 2)
	rng := rand.New(rand.NewPCG(5, 5))
	trs := randomTrials(rng, 3000, 40, cfg.Dims, cfg.Classes)
	for i := range trs {
		tr := &trs[i]
		zu, zg := u.Forward(tr), g.Forward(tr)
		sameBits(t, zu, zg, "logits at trial %d", i)
		lf.Eval(zu, tr.Target, du)
		lf.Eval(zg, tr.Target, dz)
		u.Learn(tr, du)
		g.Learn(tr, dz)
		if i == 1500 {
			sameState(t, u, g, "trial 1500")
		}
	}
	require.True(t, g.lazy, "the grouped learner has no lazy copies: the test tests nothing")
	require.Greater(t, len(g.units), len(g.reps))
	sameState(t, u, g, "end")
}

// TestSingleRecruitsAfterSetState: a distr_learner (one unit a
// recruitment) loaded with a state in which two units are copies leaves
// them lazy, and the units it recruits next must join the lists the
// layers run over: it agrees with the ungrouped learner bit for bit.
func TestSingleRecruitsAfterSetState(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := newLockstep(t, dlConfig)
	trs := randomTrials(rng, 400, 40, dlConfig.Dims, dlConfig.Classes)
	i := 0
	for ; s.u.Active() < 4; i++ {
		s.trial(&trs[i], "before trial "+itoa(i))
	}
	st := stream.StateMap(s.u.State())
	mu, attn, a := st[UnitsName].Data, st[AttnName].Data, st[WeightName].Data
	d, c := dlConfig.Dims, dlConfig.Classes
	on := s.u.units
	copy(mu[on[1]*d:on[1]*d+d], mu[on[0]*d:on[0]*d+d])
	copy(attn[on[1]*d*d:on[1]*d*d+d*d], attn[on[0]*d*d:on[0]*d*d+d*d])
	copy(a[on[1]*c:on[1]*c+c], a[on[0]*c:on[0]*c+c])
	require.NoError(t, s.u.SetState(st))
	require.NoError(t, s.g.SetState(st))
	require.True(t, s.g.lazy, "the grouped learner leaves the copy lazy")
	before := s.g.Active()
	for ; i < len(trs); i++ {
		s.trial(&trs[i], "after SetState trial "+itoa(i))
	}
	require.Greater(t, s.g.Active(), before, "no unit recruited after SetState")
	sameState(t, s.u, s.g, "after SetState")
}
