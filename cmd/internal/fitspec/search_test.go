package fitspec

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

// smallSearch is baseSpec with a 2×2 grid and two starts.
var smallSearch = strings.Replace(baseSpec, "starts = 1", "grid = 2\nstarts = 2", 1)

func fitOnce(t *testing.T, p *Problem, trace string) *estimate.Result {
	t.Helper()
	tr, err := OpenTrace(trace, p)
	require.NoError(t, err)
	defer tr.Close()
	r, err := Fit(context.Background(), p, tr, estimate.Options{Workers: 2})
	require.NoError(t, err)
	return r
}

func TestFitAndWrite(t *testing.T) {
	p := mustProblem(t, smallSearch)
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.trace.csv")
	r := fitOnce(t, p, trace)

	// The grid (4 points and the config's values), then two searches of
	// at most 12 evaluations each, their initial simplexes included.
	require.Len(t, r.Starts, 2)
	assert.Equal(t, r.Evaluations, r.New)
	assert.LessOrEqual(t, r.Evaluations, 5+2*12)
	assert.Greater(t, r.Evaluations, 5+2*3)
	for _, s := range r.Starts {
		assert.LessOrEqual(t, s.Loss, s.FromLoss, "a search ends no worse than it starts")
		assert.NotEmpty(t, s.Status)
	}
	require.NoError(t, r.Best.Err)
	best := math.Inf(1)
	tr, err := OpenTrace(trace, p)
	require.NoError(t, err)
	for _, e := range tr.Evals(p.Seed, p.Runs) {
		best = math.Min(best, e.Loss)
	}
	tr.Close()
	assert.Equal(t, best, r.Best.Loss, "the best point is the trace's lowest loss")
	assert.Less(t, r.Best.Loss, 1.0)
	assert.Equal(t, int64(r.New)*p.TrialsPerEvaluation(), r.Trials)

	out := filepath.Join(dir, "res")
	require.NoError(t, Write(out, p, r, trace, provenance.New("fitdata")))
	for _, f := range []string{"fit.json", "best.toml", "curves.csv", "fit.png", "trace.csv"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	var sum map[string]any
	data, err := os.ReadFile(filepath.Join(out, "fit.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sum))
	b := sum["best"].(map[string]any)
	assert.Equal(t, r.Best.Loss, b["loss"])
	assert.Equal(t, r.Best.X[0], b["params"].(map[string]any)["specificity"])
	assert.Contains(t, b, "oat")
	assert.Contains(t, sum, "human_oat")
	curves, err := os.ReadFile(filepath.Join(out, "curves.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(curves)), "\n")
	assert.Equal(t, "condition,block,data,model", lines[0])
	assert.Len(t, lines, 1+96)
	// Every subject's curve at the best point, whose mean over runs is the
	// fitted curve: up to the rounding of sums taken in another order
	// (means of the coarsened runs against the coarsened mean; ≤ 1e-15
	// per term, so 1e-13 is ample and a wrong curve is far off).
	for c, cond := range NosofskyData().Conditions {
		runs, err := output.ReadNPYRows(filepath.Join(out, "lc_type"+cond.Name+"_runs.npy"))
		require.NoError(t, err)
		require.Len(t, runs, p.Runs)
		for b, m := range r.Best.Curves[c] {
			var s float64
			for _, run := range runs {
				require.Len(t, run, len(cond.PError))
				s += run[b]
			}
			assert.InDelta(t, m, s/float64(len(runs)), 1e-13, "%s block %d", cond.Name, b)
		}
	}
	lcRuns, err := os.ReadFile(filepath.Join(out, "lc_runs.csv"))
	require.NoError(t, err)
	runLines := strings.Split(strings.TrimSpace(string(lcRuns)), "\n")
	assert.Equal(t, "run,block,type1,type2,type3,type4,type5,type6", runLines[0])
	assert.Len(t, runLines, 1+p.Runs*16)
	rows, err := os.ReadFile(filepath.Join(out, "trace.csv"))
	require.NoError(t, err)
	assert.Equal(t, 2+r.Evaluations, strings.Count(string(rows), "\n"), "the checksum line, the header and one line per evaluation")

	pn, err := ReadPanel(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3", "4", "5", "6"}, pn.Conditions)
	assert.Equal(t, r.Best.Curves, pn.Model)
	assert.Equal(t, NosofskyData().Conditions[5].PError, pn.Data[5])
	assert.Contains(t, pn.Title, "clustering: sse ")
	png := filepath.Join(dir, "panels.png")
	require.NoError(t, PlotPanels(png, []*Panel{pn, pn, pn, pn}))
	assert.FileExists(t, png)
	_, err = ReadPanel(dir)
	assert.Error(t, err, "a folder without curves.csv")
}

// TestResume checks that a fit resumed from its trace — complete, cut in
// the middle of a line, or interrupted — retraces its steps through the
// recorded evaluations and ends where an uninterrupted fit ends.
func TestResume(t *testing.T) {
	p := mustProblem(t, smallSearch)
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.trace.csv")
	whole := fitOnce(t, p, trace)

	again := fitOnce(t, p, trace)
	assert.Zero(t, again.New, "every evaluation is in the trace")
	assert.Equal(t, whole.Best.X, again.Best.X)
	assert.Equal(t, whole.Best.Loss, again.Best.Loss)
	assert.Equal(t, whole.Starts, again.Starts)

	// A killed fit: the first half of the lines and half a line.
	data, err := os.ReadFile(trace)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	keep := 2 + whole.Evaluations/2
	cut := strings.Join(lines[:keep], "") + lines[keep][:len(lines[keep])/2]
	require.NoError(t, os.WriteFile(trace, []byte(cut), 0o644))
	resumed := fitOnce(t, p, trace)
	assert.Equal(t, whole.Evaluations-(keep-2), resumed.New)
	assert.Equal(t, whole.Best.X, resumed.Best.X)
	assert.Equal(t, whole.Starts, resumed.Starts)
	final, err := os.ReadFile(trace)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(final), "the resumed trace is the uninterrupted one")

	// An interrupt after a few evaluations, then a resume.
	require.NoError(t, os.Remove(trace))
	ctx, cancel := context.WithCancel(context.Background())
	tr, err := OpenTrace(trace, p)
	require.NoError(t, err)
	_, err = Fit(ctx, p, tr, estimate.Options{Log: &cancelAfter{n: 9, cancel: cancel}})
	tr.Close()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "interrupted")
	after := fitOnce(t, p, trace)
	assert.Equal(t, whole.Best.X, after.Best.X)
	final, err = os.ReadFile(trace)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(final), "evaluations cut short are not recorded")

	// Another problem (other passes) cannot reuse the trace.
	other := mustProblem(t, strings.Replace(smallSearch, "passes = 2", "passes = 1", 1))
	_, err = OpenTrace(trace, other)
	assert.ErrorContains(t, err, "was made by another problem")
	require.NoError(t, os.WriteFile(trace, []byte("eval,phase\n"), 0o644))
	_, err = OpenTrace(trace, p)
	assert.ErrorContains(t, err, "not a fit trace")
}

// cancelAfter cancels a context when the n-th line is logged.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel func()
	buf    bytes.Buffer
}

func (c *cancelAfter) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.buf.Write(b)
}

func TestNoiseAndFilter(t *testing.T) {
	spec := strings.Replace(baseSpec, "runs = 6", "runs = 6\nnoise_seeds = 3\nordinal = \"filter\"", 1)
	p := mustProblem(t, spec)
	r := fitOnce(t, p, filepath.Join(t.TempDir(), "t.trace.csv"))
	require.NotNil(t, r.Noise)
	assert.Equal(t, []int64{12, 13, 14, 11}, r.Noise.Seeds)
	assert.Equal(t, 4, r.Noise.SSE.N)
	assert.Greater(t, r.Noise.SSE.SD, 0.0, "other seeds draw other subjects")
	assert.True(t, r.Best.OAT.Pass, "with the filter the best fit passes the ordinal test")
}

// TestRestarts checks that a search that converges starts again from a
// fresh simplex around its best point, and stops when that no longer
// helps or the budget is spent.
func TestRestarts(t *testing.T) {
	spec := strings.Replace(baseSpec, "max_evals = 12", "max_evals = 60\nstall = 2\nrestarts = 3", 1)
	p := mustProblem(t, spec)
	trace := filepath.Join(t.TempDir(), "t.trace.csv")
	r := fitOnce(t, p, trace)
	require.Len(t, r.Starts, 1)
	st := r.Starts[0]
	assert.Contains(t, st.Status, "restarts)")
	assert.LessOrEqual(t, st.Evaluations, 60)
	data, err := os.ReadFile(trace)
	require.NoError(t, err)
	assert.Contains(t, string(data), ",restart,0,")
	assert.Equal(t, r.Best.Loss, st.Loss)
}

// TestDualStream fits a key of a dual stream's fast stream (a nested key
// path) to a curve on a non-SHJ task: no ordinal adequacy there.
func TestDualStream(t *testing.T) {
	cfg, err := filepath.Abs("testdata/dualstream_config_n1.toml")
	require.NoError(t, err)
	dataPath, err := filepath.Abs("testdata/new_stimuli_curve.csv")
	require.NoError(t, err)
	spec := `
model = "dualstream"
config = "` + filepath.ToSlash(cfg) + `"
data = "` + filepath.ToSlash(dataPath) + `"
block_trials = 100
runs = 1

[search]
max_evals = 6

[[param]]
key = "fast_config.lr_clustering"
min = 0.001
max = 0.5
scale = "log"
`
	path := filepath.Join(t.TempDir(), "dual.toml")
	require.NoError(t, os.WriteFile(path, []byte(spec), 0o644))
	s, err := ReadSpec(path)
	require.NoError(t, err)
	p, err := New(s, models.Dual())
	require.NoError(t, err)
	assert.False(t, p.SHJ)
	assert.Equal(t, []string{"new-stimuli"}, p.Tasks)
	assert.Equal(t, 5, p.Blocks)
	assert.Equal(t, []float64{0.01}, p.Start)
	r := fitOnce(t, p, filepath.Join(t.TempDir(), "t.trace.csv"))
	assert.Nil(t, r.Best.OAT)
	assert.Less(t, r.Best.Loss, 1.0)
	assert.LessOrEqual(t, r.Evaluations, 6+1)
	text, err := p.BestConfig(r.Best.X)
	require.NoError(t, err)
	assert.Contains(t, string(text), "[fast_config]")
	assert.Contains(t, string(text), "lr_clustering = "+strconv.FormatFloat(r.Best.X[0], 'g', -1, 64))
}

// TestNarrowedBounds resumes a trace with narrower bounds: the best point
// is chosen within the new bounds only.
func TestNarrowedBounds(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "t.trace.csv")
	wide := fitOnce(t, mustProblem(t, baseSpec), trace)
	hi := wide.Best.X[1] - 1
	narrow := mustProblem(t, strings.Replace(baseSpec, "max = 40", "max = "+strconv.FormatFloat(hi, 'f', -1, 64), 1))
	r := fitOnce(t, narrow, trace)
	assert.LessOrEqual(t, r.Best.X[1], hi)
	assert.GreaterOrEqual(t, r.Best.Loss, wide.Best.Loss)
}
