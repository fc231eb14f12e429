package train

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/npz"
	"github.com/stretchr/testify/require"
)

const orders = "../testdata/shj_orders_50.csv"

// TestFitCommand runs the fit command as a user does with no config (the
// built-in config1: six SHJ types, 50 runs × 32 blocks) and the original's
// order table, and checks what it writes against the original: the 50-run
// curves against the stored ones (1e-4, see model's TestStoredCurves for
// the reason), the trace of types 1–3, runs 0–4, against the float64
// trace (1e-9: round-off only), the per-run states and the analyses.
func TestFitCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), Model(), []string{"-order", orders, "-out", out, "-trace", "-quiet"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	t.Log("\n" + stdout.String())

	// Curves.
	col, rows := fixture.ReadCSV(t, filepath.Join(out, "lc.csv"))
	require.Len(t, rows, 32)
	for typ := 1; typ <= 6; typ++ {
		_, want := fixture.ReadCSV(t, "../testdata/stored_lc_type"+strconv.Itoa(typ)+".csv")
		c, ok := col["type"+strconv.Itoa(typ)]
		require.True(t, ok, "lc.csv columns %v", col)
		for b := range rows {
			require.InDelta(t, fixture.Num(t, want[b][1]), fixture.Num(t, rows[b][c]), 1e-4, "type %d block %d", typ, b)
		}
	}

	// Trace of types 1–3, runs 0–4 against the original's float64 trace.
	fcol, fix := fixture.ReadCSV(t, "../testdata/clustering_shj_trace_types123.csv")
	for typ := 1; typ <= 3; typ++ {
		tcol, trace := fixture.ReadCSV(t, filepath.Join(out, "trace_shj"+strconv.Itoa(typ)+".csv"))
		require.Len(t, trace, 50*32*8)
		want := fix[(typ-1)*5*32*8 : typ*5*32*8]
		for i, w := range want {
			g := trace[i]
			for _, k := range [][2]string{{"run", "run"}, {"block", "block"}, {"trial", "trial"}, {"signature", "signature"},
				{"label", "label"}, {"recruited", "recruited"}, {"n_active", "n_clusters"}} {
				require.Equal(t, w[fcol[k[1]]], g[tcol[k[0]]], "type %d row %d: %s", typ, i, k[0])
			}
			require.InDelta(t, fixture.Num(t, w[fcol["item_proberror"]]), fixture.Num(t, g[tcol["proberror"]]), 1e-9, "type %d row %d", typ, i)
		}
	}

	// One state per run, loadable into a model.
	for typ := 1; typ <= 6; typ++ {
		for r := 0; r < 50; r++ {
			_, err := os.Stat(filepath.Join(out, "type"+strconv.Itoa(typ)+"_run"+strconv.Itoa(r)+".npz"))
			require.NoError(t, err)
		}
	}
	st, err := npz.Read(filepath.Join(out, "type6_run0.npz"))
	require.NoError(t, err)
	c := Default()
	m, err := c.Params()
	require.NoError(t, err)
	mdl, err := model.New(m)
	require.NoError(t, err)
	require.NoError(t, mdl.SetState(st))

	// summary.json: the config under its original keys and the analyses.
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	var sum struct {
		Config   map[string]any `json:"config"`
		Analyses struct {
			Clustering []struct {
				Task          string    `json:"task"`
				Units         []int     `json:"units_per_run"`
				Canonical     int       `json:"canonical_units"`
				CanonicalRate *float64  `json:"canonical_rate"`
				Attention     []float64 `json:"mean_final_attention"`
			} `json:"clustering"`
		} `json:"analyses"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	require.Equal(t, "equivalent", sum.Config["temp_competition"])
	require.EqualValues(t, 8, sum.Config["max_num_clusters"])
	require.Len(t, sum.Analyses.Clustering, 6)
	for i, a := range sum.Analyses.Clustering {
		require.Equal(t, "shj"+strconv.Itoa(i+1), a.Task)
		require.Len(t, a.Units, 50)
		require.Equal(t, []int{2, 4, 6, 6, 6, 8}[i], a.Canonical)
		require.NotNil(t, a.CanonicalRate)
		require.Len(t, a.Attention, 3)
		t.Logf("%s: canonical %.2f, attention %.3f", a.Task, *a.CanonicalRate, a.Attention)
	}
	require.Contains(t, stdout.String(), "canonical")
}

// TestFitBadInput: inputs that cannot run fail before anything runs, with
// an error naming the file and what was expected, and write nothing.
func TestFitBadInput(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.csv")
	require.NoError(t, os.WriteFile(short, []byte("run,block,i0,i1,i2,i3,i4,i5,i6,i7\n0,0,0,1,2,3,4,5,6,7\n"), 0o644))
	badCfg := filepath.Join(dir, "bad.toml")
	require.NoError(t, os.WriteFile(badCfg, fixture.EditKey(t, config1Path, "beta", "betta = 3.0"), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"order table too short", []string{"-order", short}, "short.csv: no order for run 0 block 1"},
		{"missing config", []string{"-config", filepath.Join(dir, "nope.toml")}, "nope.toml"},
		{"unknown key", []string{"-config", badCfg}, `bad.toml: unknown key "betta"`},
		{"task with other dimensions", []string{"-task", "new-stimuli", "-runs", "1", "-blocks", "1"}, "in_features = 3, but task new-stimuli has 2 dimensions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { fixture.FitFails(t, Model(), c.want, c.args...) })
	}
}

// TestInit: -init loads a run's initial state from an .npz checkpoint; a
// model started from a state saved after k blocks continues as the
// original run did.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	c := Default()
	p, err := c.Params()
	require.NoError(t, err)
	m, err := model.New(p)
	require.NoError(t, err)
	st := stream.StateMap(m.State())
	st[model.NameAttention].Data[0] = 0.9 // a state that changes the run
	init := filepath.Join(dir, "init.npz")
	arrays := []stream.Array{st[model.NameCentres], st[model.NameAttention], st[model.NameMask], st[model.NameAssoc]}
	require.NoError(t, npz.Write(init, arrays))
	run := func(extra ...string) []string {
		out := filepath.Join(dir, "out"+strconv.Itoa(len(extra)))
		var stdout, stderr bytes.Buffer
		args := append([]string{"-task", "shj2", "-runs", "2", "-blocks", "2", "-out", out, "-quiet"}, extra...)
		require.Equal(t, 0, cli.Run(context.Background(), Model(), args, &stdout, &stderr), stderr.String())
		_, rows := fixture.ReadCSV(t, filepath.Join(out, "lc.csv"))
		return rows[1]
	}
	require.NotEqual(t, run(), run("-init", init))
	bad := filepath.Join(dir, "bad.npz")
	st[model.NameMask].Data[0] = 0.5
	require.NoError(t, npz.Write(bad, arrays))
	fixture.FitFails(t, Model(), "want 0 or 1", "-task", "shj2", "-runs", "1", "-blocks", "1", "-init", bad)
}
