package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// config1 is the original's multiunit_clustering config1 (the fixtures'
// config).
var config1 = Params{
	Units: 10000, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.005,
	LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local",
}

// Tolerances of the trial-level comparison with the original's float64
// traces (issue 4). The fixture notes measured that perturbing a learning
// rate by 1e-12 moves these runs by at most 5.4e-15, so the port's
// round-off differences (exp, the order of sums) stay far below 1e-9;
// 1e-9 leaves room for that without hiding any real difference (a
// different winner or recruitment changes values by more than 1e-6).
const traceTol = 1e-9

// row is one trial of a trace in the fixtures' format.
type row struct {
	run, block, trial, signature, label int
	proberror, loss, p0, p1             float64
	recruited, nActive                  int
}

func readTrace(t *testing.T, path string) []row {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	require.Equal(t, []string{"run", "block", "trial", "signature", "label", "proberror", "loss", "p0", "p1", "recruited", "n_active"}, recs[0])
	var rows []row
	for _, r := range recs[1:] {
		var v row
		ints := []*int{&v.run, &v.block, &v.trial, &v.signature, &v.label}
		for i, p := range ints {
			*p = fixture.Atoi(t, r[i])
		}
		floats := []*float64{&v.proberror, &v.loss, &v.p0, &v.p1}
		for i, p := range floats {
			f, err := strconv.ParseFloat(r[5+i], 64)
			require.NoError(t, err)
			*p = f
		}
		v.recruited, v.nActive = fixture.Atoi(t, r[9]), fixture.Atoi(t, r[10])
		rows = append(rows, v)
	}
	return rows
}

// newFromInit returns a config1 model loaded with the original's initial
// state (torch.manual_seed(999); torch.rand(10000, 3), as float64).
func newFromInit(t testing.TB, p Params) *Model {
	t.Helper()
	m, err := New(p, rand.NewPCG(1, 1))
	require.NoError(t, err)
	st, err := npz.Read("../testdata/muc_shj_init.npz")
	require.NoError(t, err)
	require.NoError(t, m.SetState(st))
	return m
}

// trial runs one trial as the trial loop does and returns its row.
func trial(m *Model, tr *stream.Trial, lf loss.Func, dz, prob []float64) row {
	z := m.Forward(tr)
	pe := loss.ProbError(z, tr.Label, prob)
	l := lf.Eval(z, tr.Target, dz)
	r := row{run: tr.Run, block: tr.Block, trial: tr.Index, signature: tr.Signature, label: tr.Label,
		proberror: pe, loss: l, p0: prob[0], p1: prob[1], nActive: m.Active()}
	if m.Recruited() {
		r.recruited = 1
	}
	m.Learn(tr, dz)
	return r
}

// runOrders runs fresh models (from the original's initial state) over
// the given runs and blocks of an order table and calls fn on every trial.
func runOrders(t testing.TB, p Params, tk *task.Task, tab *schedule.Table, runs, blocks int, fn func(m *Model, r row)) {
	runWith(func() *Model { return newFromInit(t, p) }, tk, tab, runs, blocks, fn)
}

// runWith is runOrders with models made by newModel.
func runWith(newModel func() *Model, tk *task.Task, tab *schedule.Table, runs, blocks int, fn func(m *Model, r row)) {
	lf := loss.CrossEntropy{}
	dz := make([]float64, 2)
	prob := make([]float64, 2)
	for run := 0; run < runs; run++ {
		m := newModel()
		for b := 0; b < blocks; b++ {
			for i, k := range tab.Orders[run][b] {
				it := &tk.Items[k]
				tr := stream.Trial{Run: run, Block: b, Index: i, Item: k, Signature: it.Signature,
					X: it.X, Target: it.Target, Label: it.Label}
				fn(m, trial(m, &tr, lf, dz, prob))
			}
		}
	}
}

// TestFixtureTrace replays the original's float64 traces of SHJ types 1–3
// (config1, its initial positions and trial orders, 3 runs × 32 blocks):
// every trial's probability of error, loss and class probabilities
// within 1e-9, and the same recruitment decisions and active-unit counts.
// Types 2 and 3 contain ties among the winners that only torch.topk's
// tie-breaking resolves as the original did. The "literal" variants
// select every trial's winners with the literal top-k procedure instead
// of the grouped shortcut.
func TestFixtureTrace(t *testing.T) {
	for _, literal := range []bool{false, true} {
		for typ := 1; typ <= 3; typ++ {
			name := fmt.Sprintf("type%d", typ)
			if literal {
				name += "_literal"
			}
			t.Run(name, func(t *testing.T) {
				maxDev, n, diff := replayFixture(t, typ, func(m *Model) { m.literal = literal })
				require.Empty(t, diff)
				t.Logf("type %d: max deviation %.3g over %d trials", typ, maxDev, n)
			})
		}
	}
}

// TestFixtureNeedsTorchTies shows that the fixtures pin the tie-breaking
// down: breaking ties among equal activations by the lowest unit index
// (a stable sort) instead of torch.topk's heap makes type 2 leave the
// original's trace.
func TestFixtureNeedsTorchTies(t *testing.T) {
	_, _, diff := replayFixture(t, 2, func(m *Model) { m.literal, m.lowest = true, true })
	require.NotEmpty(t, diff, "lowest-index tie-breaking reproduced the trace: the test cannot tell")
	t.Logf("lowest-index tie-breaking leaves the type 2 trace at %s", diff)
}

// replayFixture runs the fixture of an SHJ type and returns the largest
// deviation, the number of trials and, at the first trial that differs
// (another recruitment or active count, or a value off by more than
// traceTol), a description of it ("" if none does).
func replayFixture(t *testing.T, typ int, setup func(*Model)) (maxDev float64, n int, diff string) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	want := readTrace(t, fmt.Sprintf("../testdata/muc_shj_type%d_trace.csv", typ))
	require.Len(t, want, 3*32*8)
	tk, err := task.SHJ(typ)
	require.NoError(t, err)
	newModel := func() *Model {
		m := newFromInit(t, config1)
		setup(m)
		return m
	}
	runWith(newModel, tk, tab, 3, 32, func(m *Model, got row) {
		w := want[n]
		n++
		where := fmt.Sprintf("run %d block %d trial %d", w.run, w.block, w.trial)
		require.Equal(t, [3]int{w.run, w.block, w.trial}, [3]int{got.run, got.block, got.trial}, where)
		require.Equal(t, w.signature, got.signature, "%s: the order table disagrees with the trace", where)
		require.Equal(t, w.label, got.label, where)
		if diff != "" {
			return
		}
		switch {
		case w.recruited != got.recruited:
			diff = fmt.Sprintf("%s: recruited %d, want %d", where, got.recruited, w.recruited)
		case w.nActive != got.nActive:
			diff = fmt.Sprintf("%s: %d active units, want %d", where, got.nActive, w.nActive)
		}
		for _, c := range []struct {
			name      string
			want, got float64
		}{{"proberror", w.proberror, got.proberror}, {"loss", w.loss, got.loss}, {"p0", w.p0, got.p0}, {"p1", w.p1, got.p1}} {
			d := math.Abs(c.want - c.got)
			maxDev = math.Max(maxDev, d)
			if d > traceTol && diff == "" {
				diff = fmt.Sprintf("%s: %s %v, want %v", where, c.name, c.got, c.want)
			}
		}
	})
	return maxDev, n, diff
}

// TestFixtureFinalState compares the state after run 0 of each type with
// the original's saved state (trimmed to the active units: the others
// keep their initial positions and zero weights, which the test checks
// against the initial state).
func TestFixtureFinalState(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	units := fixture.ReadRecords(t, "../testdata/muc_shj_final_run0.csv")[1:]
	attn := fixture.ReadRecords(t, "../testdata/muc_shj_final_attention_run0.csv")[1:]
	init, err := npz.Read("../testdata/muc_shj_init.npz")
	require.NoError(t, err)
	initPos := init[NamePositions].Data
	for typ := 1; typ <= 3; typ++ {
		t.Run(fmt.Sprintf("type%d", typ), func(t *testing.T) {
			tk, err := task.SHJ(typ)
			require.NoError(t, err)
			var m *Model
			runOrders(t, config1, tk, tab, 1, 32, func(mm *Model, _ row) { m = mm })
			st := stream.StateMap(m.State())
			pos, w := st[NamePositions].Data, st[NameAssoc].Data
			act, win := st[NameActive].Data, st[NameWinners].Data
			wantActive := map[int]bool{}
			var maxDev float64
			check := func(what string, want, got float64) {
				d := math.Abs(want - got)
				maxDev = math.Max(maxDev, d)
				require.LessOrEqual(t, d, traceTol, "%s: %v, want %v", what, got, want)
			}
			for _, r := range units {
				if fixture.Atoi(t, r[0]) != typ {
					continue
				}
				u := fixture.Atoi(t, r[1])
				wantActive[u] = true
				require.Equal(t, 1.0, act[u], "unit %d should be active", u)
				require.Equal(t, float64(fixture.Atoi(t, r[2])), win[u], "unit %d winning", u)
				for j := 0; j < 3; j++ {
					check(fmt.Sprintf("unit %d position %d", u, j), parse(t, r[3+j]), pos[u*3+j])
				}
				for c := 0; c < 2; c++ {
					check(fmt.Sprintf("unit %d weight %d", u, c), parse(t, r[6+c]), w[u*2+c])
				}
			}
			require.Equal(t, len(wantActive), m.Active())
			for u := 0; u < 10000; u++ {
				if wantActive[u] {
					continue
				}
				require.Equal(t, initPos[u*3:u*3+3], pos[u*3:u*3+3], "inactive unit %d moved", u)
				require.Equal(t, []float64{0, 0}, w[u*2:u*2+2], "inactive unit %d has weights", u)
			}
			a := attn[typ-1]
			require.Equal(t, strconv.Itoa(typ), a[0])
			for j := 0; j < 3; j++ {
				check(fmt.Sprintf("attention %d", j), parse(t, a[1+j]), st[NameAttention].Data[j])
			}
			t.Logf("type %d: max deviation of the final state %.3g", typ, maxDev)
		})
	}
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}
