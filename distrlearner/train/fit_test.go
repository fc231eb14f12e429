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

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// TestStoredCurve reproduces the learning curve the original stores for
// config_dlMU_1 (dl_model/results/config_dlMU_1/lc.npy: 1 run × 10
// blocks, float32) with the original's trial orders. Those orders are the
// numpy seed-999 permutations, which are also run 0, blocks 0..9 of the
// dlmu_new fixture's order table (the fixture was run with the same
// config values and np.random.seed(999)); so this runs the built-in
// default config through the kernel's trial loop with run 0 of that table
// and compares our 10 per-block mean probabilities of error with the
// stored ones. Tolerance 1e-4, the issue's: the stored curve comes from
// float32 arithmetic, which the fixture README measured 1.7e-5 away from
// the same run in float64.
func TestStoredCurve(t *testing.T) {
	want := readCurve(t, "../testdata/dlmu_config_dlMU_1_lc.csv")
	require.Len(t, want, 10)
	tab, err := schedule.ReadTable("../testdata/dlmu_new_order.csv")
	require.NoError(t, err)
	c := Default()
	s := single().Setup(&c, nil)
	tk := task.NewStimuli()
	jb := run.Job{Name: "config_dlMU_1", Task: tk, Schedule: tab, Runs: c.NumRuns, Blocks: c.NumBlocks,
		Seed: uint64(c.RandomSeed), Loss: loss.BCELogits{}}
	jb.New = func(r int, src seed.Source) (stream.Stream, error) { return s.New(tk, r, src) }
	res := run.Do(context.Background(), []run.Job{jb}, run.Options{Workers: 1})
	require.NoError(t, res[0].Err)
	got := res[0].PError[res[0].Total()]
	var worst float64
	for b := range want {
		worst = max(worst, math.Abs(got[b]-want[b]))
		require.InDelta(t, want[b], got[b], 1e-4, "block %d", b)
	}
	t.Logf("max |Δ| over the 10 blocks: %.3g", worst)
}

func readCurve(t *testing.T, path string) []float64 {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	require.Equal(t, []string{"block", "value"}, recs[0])
	var out []float64
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// TestFitCommand runs the fit command as a user would, with the
// original's orders, its initial state and a trace, and checks its outputs: the trace agrees
// with the dlmu_new fixture trial by trial (run 0, blocks 0..9: 1e-9, the
// issue's tolerance), the states are written with the original's names,
// and summary.json has the analyses.
func TestFitCommand(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	// -init loads the fixture's initial state (the same as a fresh
	// learner's), which exercises SetState on the original's names.
	code := cli.Run(context.Background(), Model(), []string{"-order", "../testdata/dlmu_new_order.csv",
		"-init", "../testdata/dlmu_new_init.npz", "-trace", "-quiet", "-out", out}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	require.Contains(t, stdout.String(), "new-stimuli: no recruitment was cut short by a density that underflowed to 0")

	got := readRows(t, filepath.Join(out, "trace_new-stimuli.csv"))
	want := readRows(t, "../testdata/dlmu_new_trace.csv")
	require.Len(t, got, 1000)
	for i, g := range got {
		w := want[i] // run 0 comes first in the fixture
		for _, col := range []string{"run", "block", "trial", "signature", "label", "recruited", "n_active"} {
			require.Equal(t, w[col], g[col], "row %d column %s", i, col)
		}
		for _, col := range []string{"proberror", "loss"} {
			require.InDelta(t, w[col], g[col], 1e-9, "row %d column %s", i, col)
		}
	}

	_, err := os.Stat(filepath.Join(out, "run0.npz"))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	var sum struct {
		Analyses struct {
			DL []struct {
				Task      string    `json:"task"`
				Trials    int       `json:"underflow_trials"`
				MeanScale []float64 `json:"mean_final_scale"`
			} `json:"distribution_learner"`
		} `json:"analyses"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	require.Len(t, sum.Analyses.DL, 1)
	require.Equal(t, "new-stimuli", sum.Analyses.DL[0].Task)
	require.Len(t, sum.Analyses.DL[0].MeanScale, 2)
}

// readRows reads a trace as maps from column to value.
func readRows(t *testing.T, path string) []map[string]float64 {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	var out []map[string]float64
	for _, r := range recs[1:] {
		m := map[string]float64{}
		for j, h := range recs[0] {
			v, err := strconv.ParseFloat(r[j], 64)
			require.NoError(t, err, "%s column %s", path, h)
			m[h] = v
		}
		out = append(out, m)
	}
	return out
}
