package model

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// The fast_config of the original's configs/config_dlMU_dnn_1.yaml (the
// dlmu_new fixtures) and configs/config_dl_dnn_1.yaml (dl_new).
var (
	dlmuConfig = Params{Kind: Multi, MaxUnits: 500, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
		LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, Momentum: 0, K: 0.01}
	dlConfig = Params{Kind: Single, MaxUnits: 50, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
		LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, Momentum: 0}
)

// traceRow is one trial of a fixture trace.
type traceRow struct {
	run, block, trial, sig, label int
	perr, loss                    float64
	recruited                     bool
	active                        int
}

func readTrace(t testing.TB, path string) []traceRow {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	var err error
	require.Equal(t, []string{"run", "block", "trial", "signature", "label", "proberror", "loss", "recruited", "n_active"}, recs[0], path)
	rows := make([]traceRow, 0, len(recs)-1)
	for i, r := range recs[1:] {
		var v [9]float64
		for j, s := range r {
			v[j], err = strconv.ParseFloat(s, 64)
			require.NoError(t, err, "%s: line %d column %d", path, i+2, j+1)
		}
		rows = append(rows, traceRow{int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4]), v[5], v[6], v[7] == 1, int(v[8])})
	}
	return rows
}

// deviation is the largest difference of one run from its fixture.
type deviation struct {
	perr, loss float64 // max |ours − fixture|
	at         string  // where the larger of the two is largest
}

// replay runs the fixture's trials through a fresh learner with our own
// trial loop (the kernel's run.One does the same steps) and compares every
// trial; recruitment and the active count must agree exactly. It returns
// the learners after their runs.
func replay(t *testing.T, prefix string, cfg Params, runs, blocks int, tol func(run int) float64) []*Model {
	t.Helper()
	rows := readTrace(t, filepath.Join("..", "testdata", prefix+"_trace.csv"))
	tab, err := schedule.ReadTable(filepath.Join("..", "testdata", prefix+"_order.csv"))
	require.NoError(t, err)
	tk := task.NewStimuli()
	require.NoError(t, tab.Check(runs, blocks, len(tk.Items)))
	require.Len(t, rows, runs*blocks*len(tk.Items))

	var lf loss.BCELogits
	dz := make([]float64, 2)
	prob := make([]float64, 2)
	order := make([]int, len(tk.Items))
	var out []*Model
	row := 0
	for r := 0; r < runs; r++ {
		m, err := New(cfg)
		require.NoError(t, err)
		orders := tab.Run(seed.For(999, r), len(tk.Items))
		var dev deviation
		tr := stream.Trial{Run: r}
		for b := 0; b < blocks; b++ {
			orders.Next(b, order)
			for i, k := range order {
				it := &tk.Items[k]
				tr.Block, tr.Index, tr.Item = b, i, k
				tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
				z := m.Forward(&tr)
				pe := loss.ProbError(z, it.Label, prob)
				l := lf.Eval(z, it.Target, dz)
				want := rows[row]
				row++
				where := fmt.Sprintf("run %d block %d trial %d", r, b, i)
				require.Equal(t, [4]int{r, b, i, it.Signature}, [4]int{want.run, want.block, want.trial, want.sig}, where)
				require.Equal(t, want.label, it.Label, where)
				require.Equal(t, want.recruited, m.Recruited(), "recruitment at %s", where)
				require.Equal(t, want.active, m.Active(), "active units at %s", where)
				dp, dl := math.Abs(pe-want.perr), math.Abs(l-want.loss)
				if max(dp, dl) > max(dev.perr, dev.loss) {
					dev.at = where
				}
				dev.perr, dev.loss = max(dev.perr, dp), max(dev.loss, dl)
				require.LessOrEqual(t, dp, tol(r), "probability of error at %s: %v, fixture %v", where, pe, want.perr)
				require.LessOrEqual(t, dl, tol(r), "loss at %s: %v, fixture %v", where, l, want.loss)
				m.Learn(&tr, dz)
			}
		}
		t.Logf("%s run %d: max |Δ proberror| %.3g, max |Δ loss| %.3g (largest at %s); %d units, underflows %+v",
			prefix, r, dev.perr, dev.loss, dev.at, m.Active(), m.Underflows())
		out = append(out, m)
	}
	return out
}

// TestFixtureDLMU replays dlmu_new: distr_learner_mu with the fast_config
// of config_dlMU_dnn_1 on the new stimuli, 2 runs × 20 blocks.
func TestFixtureDLMU(t *testing.T) {
	// Run 0: 1e-9, the tolerance for a float64 port of float64
	// fixtures (the fixture README measured run 0 within 1e-11 under a
	// 1e-12 change of a learning rate: no amplification). Run 1: 1e-3,
	// because the same 1e-12 change grows to 4.2e-4 there (logits of
	// ~1e2 make round-off in the densities matter); the issue sets 1e-3.
	tol := func(run int) float64 {
		if run == 1 {
			return 1e-3
		}
		return 1e-9
	}
	ms := replay(t, "dlmu_new", dlmuConfig, 2, 20, tol)
	for r, m := range ms {
		checkFinal(t, m, fmt.Sprintf("dlmu_new_final_run%d.npz", r), r == 1)
	}
}

// TestFixtureDL replays dl_new: distr_learner with the fast_config of
// config_dl_dnn_1 on the new stimuli, 2 runs × 10 blocks.
func TestFixtureDL(t *testing.T) {
	// 1e-9 in both runs: the tolerance; no run of this fixture
	// amplifies round-off.
	ms := replay(t, "dl_new", dlConfig, 2, 10, func(int) float64 { return 1e-9 })
	for r, m := range ms {
		checkFinal(t, m, fmt.Sprintf("dl_new_final_run%d.npz", r), false)
	}
}

// checkFinal compares a learner's state after its run with the fixture's
// saved state: the same recruited units, and parameters within 1e-9
// (1e-3 for a run that amplifies round-off, as for its trials).
func checkFinal(t *testing.T, m *Model, file string, loose bool) {
	t.Helper()
	want, err := npz.Read(filepath.Join("..", "testdata", file))
	require.NoError(t, err)
	got := stream.StateMap(m.State())
	require.Equal(t, len(want), len(got), file)
	tol := 1e-9
	if loose {
		tol = 1e-3
	}
	for name, w := range want {
		g, ok := got[name]
		require.True(t, ok, "%s: no array %q", file, name)
		require.Equal(t, w.Shape, g.Shape, "%s: %s", file, name)
		var dmax float64
		for i := range w.Data {
			dmax = max(dmax, math.Abs(w.Data[i]-g.Data[i]))
		}
		if name == ActiveName {
			require.Equal(t, w.Data, g.Data, "%s: %s", file, name)
		}
		t.Logf("%s %s: max |Δ| %.3g", file, name, dmax)
		require.LessOrEqual(t, dmax, tol, "%s: %s", file, name)
	}
}

// TestInitialState checks a fresh learner's state against the fixtures'
// initial states, exactly: scales √0.02 on the diagonal, all else 0.
func TestInitialState(t *testing.T) {
	for _, c := range []struct {
		file string
		cfg  Params
	}{{"dlmu_new_init.npz", dlmuConfig}, {"dl_new_init.npz", dlConfig}} {
		want, err := npz.Read(filepath.Join("..", "testdata", c.file))
		require.NoError(t, err)
		m, err := New(c.cfg)
		require.NoError(t, err)
		got := stream.StateMap(m.State())
		require.Equal(t, len(want), len(got))
		for name, w := range want {
			require.Equal(t, w.Shape, got[name].Shape, "%s: %s", c.file, name)
			require.Equal(t, w.Data, got[name].Data, "%s: %s", c.file, name)
		}
	}
}
