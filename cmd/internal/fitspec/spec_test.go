package fitspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/estimate"
)

func TestSpecDefaults(t *testing.T) {
	s, err := ReadSpec(writeSpec(t, baseSpec))
	require.NoError(t, err)
	assert.Equal(t, "t", s.Name)
	assert.Equal(t, LossSSE, s.Loss)
	assert.Equal(t, OrdinalReport, s.Ordinal)
	assert.Equal(t, 16, s.BlockTrials, "the built-in data set's blocks are 16 trials")
	assert.Equal(t, estimate.Search{Starts: 1, MaxEvals: 12, Tolerance: 1e-6, Stall: 10, Simplex: 0.1}, s.Search)
	assert.Equal(t, []string{"specificity", "Phi"}, s.Keys())
	assert.Equal(t, "log", s.Params[0].Scale)
	assert.Equal(t, "linear", s.Params[1].Scale)
}

// TestBadSpecs checks that every mistake in a spec that needs no model is
// an error naming the spec file and what is wrong.
func TestBadSpecs(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown key", `runs = 6`, "runs = 6\nrun = 3", `unknown key "run"`},
		{"unknown param key", `scale = "log"`, "scale = \"log\"\nstep = 2", `unknown key "param.step"`},
		{"no model", `model = "clustering"`, ``, `missing key "model"`},
		{"no data", `data = "nosofsky1994"`, ``, `missing key "data"`},
		{"csv without block_trials", `data = "nosofsky1994"`, `data = "my.csv"`, `missing key "block_trials"`},
		{"bad loss", `runs = 6`, "runs = 6\nloss = \"mse\"", `loss = "mse"`},
		{"bad ordinal", `runs = 6`, "runs = 6\nordinal = \"strict\"", `ordinal = "strict"`},
		{"penalty without weight", `runs = 6`, "runs = 6\nordinal = \"penalty\"", `needs ordinal_weight > 0`},
		{"weight without penalty", `runs = 6`, "runs = 6\nordinal_weight = 2.0", `used only with ordinal = "penalty"`},
		{"negative runs", `runs = 6`, `runs = -1`, `runs = -1`},
		{"negative seed", `seed = 11`, `seed = -2`, `seed = -2`},
		{"grid of one", `starts = 1`, "starts = 1\ngrid = 1", `search.grid = 1`},
		{"more starts than grid points", `starts = 1`, "starts = 5\ngrid = 2", `the grid has only 4 points`},
		{"zero evaluations", `max_evals = 12`, `max_evals = -3`, `search.max_evals = -3`},
		{"huge simplex", `max_evals = 12`, "max_evals = 12\nsimplex = 0.9", `search.simplex = 0.9`},
		{"no params", "[[param]]\nkey = \"specificity\"\nmin = 0.05\nmax = 5\nscale = \"log\"\n\n[[param]]\nkey = \"Phi\"\nmin = 1\nmax = 40", ``, `no [[param]]`},
		{"param without key", `key = "Phi"`, ``, `param 2: missing key "key"`},
		{"duplicate param", `key = "Phi"`, `key = "specificity"`, `param "specificity" appears twice`},
		{"loop key", `key = "Phi"`, `key = "num_runs"`, `param "num_runs": a loop key`},
		{"missing max", "min = 1\nmax = 40", `min = 1`, `param "Phi": empty bounds: want both min and max`},
		{"empty bounds", `max = 40`, `max = 1`, `param "Phi": empty bounds [1, 1]`},
		{"inverted bounds", `max = 40`, `max = 0.5`, `param "Phi": inverted bounds: min 1 > max 0.5`},
		{"infinite bound", `max = 40`, `max = inf`, `want finite numbers`},
		{"log from zero", `min = 0.05`, `min = 0.0`, `scale = "log" needs min > 0`},
		{"bad scale", `scale = "log"`, `scale = "logit"`, `scale = "logit"`},
		{"start outside", `max = 40`, "max = 40\nstart = 40.0", `start 40 is not strictly inside the bounds [1, 40]`},
		{"bad name", `name = "t"`, `name = "my fit"`, `name = "my fit"`},
		{"syntax", `runs = 6`, `runs = `, `line `},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, baseSpec, c.old)
			path := writeSpec(t, strings.Replace(baseSpec, c.old, c.new, 1))
			_, err := ReadSpec(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), path, "the error names the spec")
		})
	}
	_, err := ReadSpec(filepath.Join(t.TempDir(), "none.toml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
