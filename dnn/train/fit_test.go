package train

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/run"

	"github.com/fastslow/dnn/eval"
)

func fitCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), Model(), append([]string{"-quiet"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// TestFitReplaysFixtures runs the fit command as a user would to replay
// the original's dnn_shj fixtures: per-run initial weights (-init with {t}
// and {r}), the original's trial orders (-order), -trace; the trace must
// match the fixture's row for row and the final checkpoints its finals.
func TestFitReplaysFixtures(t *testing.T) {
	// 1e-9, the tolerance for every trial: both sides are float64
	// and differ only in the summation order of dot products (measured:
	// 2.2e-16); the final weights carry the same round-off.
	const tol = 1e-9
	for _, typ := range []int{1, 2} {
		t.Run(fmt.Sprintf("type%d", typ), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "res")
			code, stdout, stderr := fitCmd(t, "-task", fmt.Sprintf("shj%d", typ), "-runs", "2", "-blocks", "64",
				"-init", "../testdata/dnn_shj_type{t}_run{r}_init.npz", "-order", "../testdata/dnn_shj_type{t}_order.csv",
				"-trace", "-out", out, "-workers", "2")
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, stdout, fmt.Sprintf("shj%d", typ))

			want := fixture.ReadRecords(t, fmt.Sprintf("../testdata/dnn_shj_type%d_trace.csv", typ))
			got := fixture.ReadRecords(t, filepath.Join(out, fmt.Sprintf("trace_shj%d.csv", typ)))
			require.Equal(t, want[0], got[0], "trace header")
			require.Len(t, got, len(want))
			var worst float64
			for i := 1; i < len(want); i++ {
				for c, name := range want[0] {
					switch name {
					case "proberror", "loss", "p0", "p1":
						w, err1 := strconv.ParseFloat(want[i][c], 64)
						g, err2 := strconv.ParseFloat(got[i][c], 64)
						require.NoError(t, err1)
						require.NoError(t, err2)
						worst = math.Max(worst, math.Abs(w-g))
					default:
						require.Equal(t, want[i][c], got[i][c], "row %d column %s", i, name)
					}
				}
			}
			t.Logf("type %d: worst |Δ| over every trial's proberror, loss, p0, p1: %.2g", typ, worst)
			assert.LessOrEqual(t, worst, tol)

			for r := range 2 {
				final, err := npz.Read(fmt.Sprintf("../testdata/dnn_shj_type%d_final_run%d.npz", typ, r))
				require.NoError(t, err)
				gotSt, err := npz.Read(filepath.Join(out, fmt.Sprintf("type%d_run%d.npz", typ, r)))
				require.NoError(t, err)
				require.Len(t, gotSt, len(final))
				for name, a := range final {
					require.Equal(t, a.Shape, gotSt[name].Shape, name)
					assert.InDeltaSlice(t, a.Data, gotSt[name].Data, tol, name)
				}
			}
		})
	}
}

func TestFitErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad_init.npz")
	st, err := npz.Read("../testdata/dnn_shj_type1_run0_init.npz")
	require.NoError(t, err)
	a := st["layers.1.weight"]
	a.Data[3] = math.NaN()
	var arrays []stream.Array
	for _, v := range st {
		arrays = append(arrays, v)
	}
	require.NoError(t, npz.Write(bad, arrays))
	config2 := filepath.Join(dir, "config2.toml")
	require.NoError(t, os.WriteFile(config2, []byte(`lr = 0.075`+"\n"), 0o644))

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"NaN in init", []string{"-init", bad, "-task", "shj1", "-runs", "1", "-blocks", "1"},
			`"layers.1.weight": value 3 is NaN`},
		{"init for another task", []string{"-init", "../testdata/dnn_shj_type1_run0_init.npz", "-task", "new-stimuli", "-runs", "1", "-blocks", "1"},
			`"layers.0.weight" has shape [25 3], want [25 2]`},
		{"missing init", []string{"-init", filepath.Join(dir, "none_run{r}.npz"), "-runs", "1", "-blocks", "1"}, "none_run0.npz"},
		{"config2", []string{"-config", config2}, `rename lr to lr_dnn`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := fitCmd(t, append(tc.args, "-out", filepath.Join(dir, tc.name))...)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

// TestFitNewStimuli runs the built-in config on the new stimuli (a
// 2-25-25-25-2 network) and checks the summary's analyses.
func TestFitNewStimuli(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	code, _, stderr := fitCmd(t, "-task", "new-stimuli", "-runs", "3", "-blocks", "5", "-out", out)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	var sum struct {
		Config   map[string]any            `json:"config"`
		Analyses map[string]map[string]any `json:"analyses"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	assert.Equal(t, []any{2.0, 25.0, 25.0, 25.0, 2.0}, sum.Analyses["new-stimuli"]["layer_sizes"])
	assert.Equal(t, 3.0, sum.Config["num_runs"])
	assert.Equal(t, 5.0, sum.Config["num_blocks"])
	assert.NotContains(t, sum.Config, "n_sims", "runs are echoed once, as num_runs")
	assert.NotContains(t, sum.Config, "n_epochs")
	for _, f := range []string{"lc.npy", "lc.csv", "run2.npz", "lc.png"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
}

// TestAgreesWithStoredCurves compares 200 runs of the default config
// (random initial weights from the run seeds, fresh shuffles) with the
// original's stored 50-run curves of dnn_model config1 (random unseeded
// initial weights): for every SHJ type the difference of the mean areas
// must lie within 3 standard errors of the difference, the spread of a
// run's area estimated from our runs. The original's curves are float32
// sums, about 1e-7 off a float64 run: nothing next to the standard error.
func TestAgreesWithStoredCurves(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 60
	}
	p, err := cli.Prepare(Model(), cli.Options{Runs: runs})
	require.NoError(t, err)
	res := run.Do(context.Background(), p.Jobs, run.Options{Workers: 2})
	for i := range res {
		r := &res[i]
		require.NoError(t, r.Err)
		typ := r.Job.Task.SHJType
		ref := readStored(t, fmt.Sprintf("../testdata/stored/dnn_model__results__config1__lc_type%d.csv", typ))
		require.Len(t, ref, len(r.PError[0]))
		c, err := eval.Compare(eval.Areas(r, r.Total()), ref, 50)
		require.NoError(t, err)
		t.Logf("type %d: area %.2f (sd %.2f, %d runs) vs stored %.2f: diff %+.2f, se %.2f, z %+.2f",
			typ, c.Area, c.SD, c.N, c.RefArea, c.Area-c.RefArea, c.SE, c.Z)
		assert.LessOrEqual(t, math.Abs(c.Z), 3.0, "type %d", typ)
	}
}

func readStored(t *testing.T, path string) []float64 {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	require.Equal(t, []string{"block", "value"}, recs[0])
	v := make([]float64, len(recs)-1)
	for i, rec := range recs[1:] {
		var err error
		v[i], err = strconv.ParseFloat(rec[1], 64)
		require.NoError(t, err)
	}
	return v
}
