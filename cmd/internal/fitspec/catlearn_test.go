package fitspec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alcove "github.com/fastslow/alcove/train"
	"github.com/fastslow/stream/estimate"
)

// alcoveSpec fits ex-ALCOVE on catlearn's own nosof94 training lists
// (testdata/catlearn_nosof94_orders.csv, a copy of
// configs/alcove/catlearn_nosof94_orders.csv), from catlearn's archived
// optimum.
const alcoveSpec = `
model = "alcove"
config = "alcove_exalcove.toml"
data = "nosofsky1994"
passes = 2
runs = 100
order = "catlearn_nosof94_orders.csv"

[search]
max_evals = 30

[[param]]
key = "c"
min = 0.1
max = 20
scale = "log"
start = 5.8219

[[param]]
key = "phi"
min = 0.1
max = 20
scale = "log"
start = 1.9539

[[param]]
key = "la"
min = 0.001
max = 1
scale = "log"
start = 0.9856

[[param]]
key = "lw"
min = 0.001
max = 1
scale = "log"
start = 0.0754
`

// TestALCOVECatlearnOptimum evaluates ex-ALCOVE at catlearn's archived
// optimum on catlearn's subjects and finds the SSE catlearn computes for
// it, 0.142193 (printed to 6 decimals: tolerance half a unit of the last
// digit); a short search from there finds a loss at least as low.
func TestALCOVECatlearnOptimum(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "alcove.toml")
	spec := alcoveSpec
	for _, f := range []string{"alcove_exalcove.toml", "catlearn_nosof94_orders.csv"} {
		spec = strings.ReplaceAll(spec, `"`+f+`"`, `"`+filepath.ToSlash(filepath.Join(dir, f))+`"`)
	}
	require.NoError(t, os.WriteFile(path, []byte(spec), 0o644))
	s, err := ReadSpec(path)
	require.NoError(t, err)
	p, err := New(s, alcove.Model())
	require.NoError(t, err)
	e := p.Evaluate(context.Background(), []estimate.Point{{X: p.Start, Seed: p.Seed, Runs: p.Runs}}, 0)[0]
	require.NoError(t, e.Err)
	assert.InDelta(t, 0.142193, e.SSE, 5e-7)
	require.NotNil(t, e.OAT)
	assert.True(t, e.OAT.Pass)
	r := fitOnce(t, p, filepath.Join(t.TempDir(), "t.trace.csv"))
	t.Logf("from catlearn's optimum (SSE %.6f): %s, SSE %.6f after %d evaluations", e.SSE, p.Format(r.Best.X), r.Best.SSE, r.Evaluations)
	assert.LessOrEqual(t, r.Best.SSE, e.SSE)
}
