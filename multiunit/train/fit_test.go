package train

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/npz"
)

const (
	initState = "../testdata/muc_shj_init.npz"
	orders    = "../testdata/muc_shj_order_50runs.csv"
)

// TestFitCommand runs the fit command as a user reproducing the original
// does — the built-in config1 with the original's initial positions and
// orders, here 3 runs — and checks what it writes: the traces of types
// 1–3 against the original's float64 traces (1e-9, the trial-level
// tolerance of the model's fixture test: round-off only), the learning
// curves against the traces' block means, the per-run states, and the
// analyses in summary.json.
func TestFitCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), Model(),
		[]string{"-init", initState, "-order", orders, "-runs", "3", "-out", out, "-trace", "-quiet"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	t.Log("\n" + stdout.String())

	lcCol, lc := fixture.ReadCSV(t, filepath.Join(out, "lc.csv"))
	require.Len(t, lc, 32)
	for typ := 1; typ <= 3; typ++ {
		name := "shj" + strconv.Itoa(typ)
		gotCol, got := fixture.ReadCSV(t, filepath.Join(out, "trace_"+name+".csv"))
		wantCol, want := fixture.ReadCSV(t, "../testdata/muc_shj_type"+strconv.Itoa(typ)+"_trace.csv")
		require.Len(t, got, len(want))
		blockMean := make([]float64, 32)
		for i := range want {
			for _, c := range []string{"run", "block", "trial", "signature", "label", "recruited", "n_active"} {
				require.Equal(t, want[i][wantCol[c]], got[i][gotCol[c]], "%s row %d column %s", name, i, c)
			}
			for _, c := range []string{"proberror", "loss", "p0", "p1"} {
				require.InDelta(t, fixture.Num(t, want[i][wantCol[c]]), fixture.Num(t, got[i][gotCol[c]]), 1e-9, "%s row %d column %s", name, i, c)
			}
			blockMean[fixture.Atoi(t, want[i][wantCol["block"]])] += fixture.Num(t, want[i][wantCol["proberror"]]) / 24
		}
		c, ok := lcCol["type"+strconv.Itoa(typ)]
		require.True(t, ok, "lc.csv columns %v", lcCol)
		for b, row := range lc {
			require.InDelta(t, blockMean[b], fixture.Num(t, row[c]), 1e-9, "type %d block %d", typ, b)
		}
	}

	// The per-run states carry the original's names; run 0 of type 2
	// ends as the original's (its active units, checked in the model's
	// TestFixtureFinalState) — here: the same number of active units.
	st, err := npz.Read(filepath.Join(out, "type2_run0.npz"))
	require.NoError(t, err)
	n := 0
	for _, v := range st[model.NameActive].Data {
		n += int(v)
	}
	_, final := fixture.ReadCSV(t, "../testdata/muc_shj_final_run0.csv")
	want := 0
	for _, r := range final {
		if r[0] == "2" {
			want++
		}
	}
	require.Equal(t, want, n)

	var sum struct {
		Model       string   `json:"model"`
		IgnoredKeys []string `json:"ignored_keys"`
		Analyses    struct {
			Multiunit []struct {
				Task      string    `json:"task"`
				Units     []int     `json:"units_per_run"`
				Clusters  []int     `json:"clusters_per_run"`
				Attention []float64 `json:"mean_final_attention"`
			} `json:"multiunit"`
		} `json:"analyses"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sum))
	require.Equal(t, "multiunit", sum.Model)
	require.Len(t, sum.Analyses.Multiunit, 6)
	for _, s := range sum.Analyses.Multiunit {
		require.Len(t, s.Units, 3, s.Task)
		require.Len(t, s.Clusters, 3, s.Task)
		var a float64
		for _, v := range s.Attention {
			a += v
		}
		require.InDelta(t, 1, a, 1e-12, "%s: the attention sums to 1", s.Task)
		for r, c := range s.Clusters {
			require.True(t, c >= 1 && c <= s.Units[r], "%s run %d: %d clusters of %d units", s.Task, r, c, s.Units[r])
		}
	}
	require.Contains(t, stdout.String(), "clusters of units")
}

// TestFitConfigFile runs the fit command on config1.toml (shortened) with
// the default initial positions (each run its own): it runs, reports the
// ignored keys once, and learns.
func TestFitConfigFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), Model(),
		[]string{"-config", config1Path, "-task", "shj1", "-runs", "2", "-blocks", "8", "-out", out, "-quiet"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	require.Contains(t, stderr.String(), "beta, lesion, lr_clusters_group, noise, p")
	_, lc := fixture.ReadCSV(t, filepath.Join(out, "lc.csv"))
	require.Len(t, lc, 8)
	first, last := fixture.Num(t, lc[0][1]), fixture.Num(t, lc[7][1])
	require.Less(t, last, first, "type I is learned")
	require.False(t, math.IsNaN(last))
}
