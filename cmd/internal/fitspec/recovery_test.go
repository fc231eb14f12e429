package fitspec

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/estimate"
)

// recoverySpec fits two parameters of the clustering model (lr_clustering
// and thr stay at config1's values) to data.csv.
const recoverySpec = `
model = "clustering"
config = "CONFIG"
data = "data.csv"
block_trials = 16
passes = 2
runs = RUNS
seed = 7624

[search]
grid = 3
starts = 2
max_evals = 40

[[param]]
key = "specificity"
min = 0.02
max = 20
scale = "log"

[[param]]
key = "Phi"
min = 0.5
max = 50
scale = "log"
`

// TestRecoveryClustering simulates data from known parameters of the
// clustering model (seed 1) and fits them back with other simulated
// subjects (seed 7624, common to every evaluation). The fit must match the
// data at least as well as the true parameters do with the fit's subjects
// (the simulation noise), and land near them. The full four-parameter
// recovery is run by hand and reported in docs/fitting.md.
func TestRecoveryClustering(t *testing.T) {
	subjects, dataSubjects := "20", 100
	if testing.Short() {
		subjects, dataSubjects = "8", 40
	}
	truth := []float64{0.5, 15}
	spec := strings.Replace(recoverySpec, "RUNS", subjects, 1)
	path := writeSpec(t, spec)
	dir := filepath.Dir(path)

	// The data: the model's curves at the truth, on the built-in data's
	// conditions and blocks.
	sim := mustProblem(t, strings.Replace(strings.Replace(spec, `data = "data.csv"`, `data = "nosofsky1994"`, 1), "block_trials = 16\n", "", 1))
	e := sim.Evaluate(context.Background(), []estimate.Point{{X: truth, Seed: 1, Runs: dataSubjects}}, 0)[0]
	require.NoError(t, e.Err)
	require.NoError(t, sim.WriteData(filepath.Join(dir, "data.csv"), e))

	s, err := ReadSpec(path)
	require.NoError(t, err)
	p, err := New(s, clustering.Model())
	require.NoError(t, err)
	floor := p.Evaluate(context.Background(), []estimate.Point{{X: truth, Seed: p.Seed, Runs: p.Runs}}, 0)[0]
	require.NoError(t, floor.Err)

	r := fitOnce(t, p, filepath.Join(dir, "t.trace.csv"))
	t.Logf("truth %s: SSE %.3g with the fit's subjects; recovered %s: SSE %.3g (%d evaluations)",
		p.Format(truth), floor.SSE, p.Format(r.Best.X), r.Best.SSE, r.Evaluations)
	assert.LessOrEqual(t, r.Best.SSE, floor.SSE, "the fit matches the data at least as well as the truth does")
	// Within 30% of the truth: the two parameters trade off a little
	// (sharper similarity against a larger output scale), and the fit's
	// few subjects leave the optimum that far from the truth at most.
	for i := range truth {
		assert.InEpsilon(t, truth[i], r.Best.X[i], 0.3, "%s", s.Params[i].Key)
	}
	assert.False(t, math.IsInf(r.Best.Loss, 0))
	_, err = os.Stat(filepath.Join(dir, "t.trace.csv"))
	require.NoError(t, err)
}
