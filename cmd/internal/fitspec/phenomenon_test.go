package fitspec

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	alcove "github.com/fastslow/alcove/train"
	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/estimate"
)

// phenSpec fits ALCOVE (testdata/alcove_exalcove.toml) to nosof88 with
// few subjects.
const phenSpec = `
name = "p"
model = "alcove"
config = "CONFIG"
phenomenon = "nosof88"
runs = 4

[search]
starts = 1
max_evals = 6

[[param]]
key = "c"
min = 0.1
max = 10
scale = "log"
`

func newPhenProblem(t *testing.T, spec string) (*Problem, error) {
	t.Helper()
	cfg, err := filepath.Abs(filepath.Join("testdata", "alcove_exalcove.toml"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "spec.toml")
	require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(spec, "CONFIG", filepath.ToSlash(cfg))), 0o644))
	s, err := ReadSpec(path)
	if err != nil {
		return nil, err
	}
	return New(s, alcove.Model())
}

// TestPhenomenonFit evaluates a phenomenon fit: the data are the
// phenomenon's human cells by condition, an evaluation's curves are the
// learner's cells in the same order, its SSE is the phenomenon's SSE, and
// its OAT the phenomenon's; the search runs.
func TestPhenomenonFit(t *testing.T) {
	p, err := newPhenProblem(t, phenSpec)
	require.NoError(t, err)
	require.Equal(t, "cirp:nosof88", p.Data.Source)
	require.Len(t, p.Data.Conditions, 3)
	require.Equal(t, "E2", p.Data.Conditions[1].Name)
	require.Equal(t, 36, p.Data.Cells())
	require.Equal(t, 4, p.Runs)
	require.Equal(t, int64(4*(144+192+192)), p.TrialsPerEvaluation())
	ev := p.Evaluate(context.Background(), []estimate.Point{{X: []float64{1.5}, Seed: p.Seed, Runs: p.Runs}}, 2)[0]
	require.NoError(t, ev.Err)
	require.NotNil(t, ev.OAT)
	// The same SSE from the cells themselves.
	ph := cirp.Nosof88()
	var model []cirp.Cell
	for ci, c := range ph.Conditions {
		k := 0
		for _, h := range ph.Human {
			if h.Cond == c.Name {
				model = append(model, cirp.Cell{Cond: h.Cond, Item: h.Item, Value: ev.Curves[ci][k]})
				k++
			}
		}
	}
	sse, err := cirp.SSE(model, ph.Human)
	require.NoError(t, err)
	require.InDelta(t, sse, ev.SSE, 1e-12)
	pass, _, err := ph.OAT(model)
	require.NoError(t, err)
	require.Equal(t, pass, ev.OAT.Pass)
	// More subjects give another value: runs counts.
	ev2 := p.Evaluate(context.Background(), []estimate.Point{{X: []float64{1.5}, Seed: p.Seed, Runs: 8}}, 1)[0]
	require.NoError(t, ev2.Err)
	require.NotEqual(t, ev.SSE, ev2.SSE)
	res := fitOnce(t, p, filepath.Join(t.TempDir(), "trace.csv"))
	require.False(t, math.IsInf(res.Best.Loss, 0))
	start := p.Evaluate(context.Background(), []estimate.Point{{X: p.Start, Seed: p.Seed, Runs: p.Runs}}, 2)[0]
	require.LessOrEqual(t, res.Best.Loss, start.Loss, "no worse than its start")
}

// TestPhenomenonSpecErrors: a phenomenon spec brings its own data.
func TestPhenomenonSpecErrors(t *testing.T) {
	cases := []struct{ edit, want string }{
		{"data = \"nosofsky1994\"\n", "remove data, task, order, block_trials and passes"},
		{"passes = 2\n", "remove data"},
		{"ordinal = \"penalty\"\nordinal_weight = 1\n", "use \"report\" or \"filter\""},
	}
	for _, c := range cases {
		_, err := newPhenProblem(t, c.edit+phenSpec)
		require.ErrorContains(t, err, c.want)
	}
	_, err := newPhenProblem(t, strings.Replace(phenSpec, "nosof88", "homa76", 1))
	require.ErrorContains(t, err, `unknown phenomenon "homa76"`)
	// A config that cannot take the phenomenon fails before any search.
	s := strings.Replace(strings.Replace(baseSpec, "data = \"nosofsky1994\"\npasses = 2\n", "phenomenon = \"krus96\"\n", 1), "runs = 6", "runs = 2", 1)
	_, err = newProblem(t, s)
	require.ErrorContains(t, err, "the clustering model answers two")
	_ = clustering.Model
}

// TestPhenomenonMemory checks a phenomenon fit's memory against the limit
// before it makes a model: at the start with one subject's model, and at
// every point with as many as the workers run at once.
func TestPhenomenonMemory(t *testing.T) {
	p, err := newPhenProblem(t, phenSpec)
	require.NoError(t, err)
	c := p.phen.Conditions[0]
	setup, err := p.phenomenonSetup(p.Start, c, 1)
	require.NoError(t, err)
	one := setup.Memory(c.Task(p.phen.Name)).Bytes
	require.Positive(t, one)
	// Room for three models: the start's check (two) passes, and two
	// workers (three with the check's) pass, four workers do not.
	var probs budget.Bytes // the largest condition's probabilities
	for _, c := range p.phen.Conditions {
		probs = max(probs, budget.Floats(len(c.List.Trials), c.List.Classes))
	}
	p.Spec.Limit = &budget.Limit{Bytes: one*3 + probs, Source: "test"}
	pt := []estimate.Point{{X: p.Start, Seed: p.Seed, Runs: p.Runs}}
	require.NoError(t, p.Evaluate(context.Background(), pt, 2)[0].Err)
	err = p.Evaluate(context.Background(), pt, 4)[0].Err
	require.ErrorContains(t, err, ": 5 models of")
	require.ErrorContains(t, err, "limit")
	_, err = p.phenomenonSetup(p.Start, c, 1)
	require.NoError(t, err)
	p.Spec.Limit = &budget.Limit{Bytes: one, Source: "test"}
	_, err = p.phenomenonSetup(p.Start, c, 1)
	require.ErrorContains(t, err, "2 models of")
}
