package fitspec

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/provenance"
)

// discreteSpec is baseSpec with Phi fixed and two discrete keys: an
// integer one (max_num_clusters) and a real one written as integers (r,
// the distance's power, which changes the curves).
var discreteSpec = strings.Replace(baseSpec, "[[param]]\nkey = \"Phi\"\nmin = 1\nmax = 40",
	"[[param]]\nkey = \"max_num_clusters\"\nvalues = [8, 16]\n\n[[param]]\nkey = \"r\"\nvalues = [1, 2]", 1)

// TestDiscreteParams checks that the continuous search is repeated at
// every combination of the discrete keys' values, that the best of them
// is the fit's, and that fit.json, the trace and best.toml record them
// (an integer key as an integer).
func TestDiscreteParams(t *testing.T) {
	require.Contains(t, discreteSpec, "values = [1, 2]")
	p := mustProblem(t, discreteSpec)
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.trace.csv")
	r := fitOnce(t, p, trace)

	require.Len(t, r.Discrete, 4)
	want := [][]float64{{8, 1}, {8, 2}, {16, 1}, {16, 2}}
	best := math.Inf(1)
	for i, dr := range r.Discrete {
		assert.Equal(t, want[i], dr.At)
		require.NoError(t, dr.Best.Err)
		require.Len(t, dr.Starts, 1)
		assert.Equal(t, dr.At, dr.Best.X[1:], "its best point has its values")
		assert.LessOrEqual(t, dr.Starts[0].Loss, dr.Starts[0].FromLoss)
		best = math.Min(best, dr.Best.Loss)
	}
	assert.Equal(t, best, r.Best.Loss, "the fit's best is the best over the values")
	assert.NotEqual(t, r.Discrete[0].Best.Loss, r.Discrete[1].Best.Loss, "r changes the curves")
	require.Len(t, r.Starts, 4, "one search per combination")

	out := filepath.Join(dir, "res")
	require.NoError(t, Write(out, p, r, trace, provenance.New("fitdata")))
	var sum struct {
		Values   map[string][]float64 `json:"values"`
		Bounds   map[string][2]float64
		Discrete []struct {
			Values map[string]float64 `json:"values"`
			Best   struct {
				Params map[string]float64 `json:"params"`
				Loss   float64            `json:"loss"`
			} `json:"best"`
		} `json:"discrete"`
	}
	data, err := os.ReadFile(filepath.Join(out, "fit.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sum))
	assert.Equal(t, map[string][]float64{"max_num_clusters": {8, 16}, "r": {1, 2}}, sum.Values)
	assert.Equal(t, []string{"specificity"}, keysOf(sum.Bounds))
	require.Len(t, sum.Discrete, 4)
	assert.Equal(t, map[string]float64{"max_num_clusters": 16, "r": 1}, sum.Discrete[2].Values)
	assert.Equal(t, r.Discrete[2].Best.Loss, sum.Discrete[2].Best.Loss)
	assert.Equal(t, r.Discrete[2].Best.X[0], sum.Discrete[2].Best.Params["specificity"])

	rows, err := os.ReadFile(filepath.Join(out, "trace.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(rows), "eval,phase,start,seed,runs,specificity,max_num_clusters,r,loss")
	toml, err := os.ReadFile(filepath.Join(out, "best.toml"))
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^max_num_clusters = (8|16)$`, string(toml), "an integer key stays an integer")

	// Resumed from its trace, the fit runs nothing and ends the same.
	again := fitOnce(t, p, trace)
	assert.Zero(t, again.New)
	assert.Equal(t, r.Best.X, again.Best.X)
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBadDiscreteParams checks that a list of values the model cannot
// take is refused before anything runs, naming the spec and the key.
func TestBadDiscreteParams(t *testing.T) {
	for _, c := range []struct{ name, values, want string }{
		{"not an integer", "[8, 12.5]", `param "max_num_clusters": value 12.5 is not an integer, and ` + "CONFIG" + ` sets this key to the integer 8`},
		{"refused value", "[8, -2]", `param "max_num_clusters" at its value -2: the model refuses it`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := newProblem(t, strings.Replace(discreteSpec, "values = [8, 16]", "values = "+c.values, 1))
			require.Error(t, err)
			cfg, _ := filepath.Abs(filepath.Join("testdata", "clustering_config1.toml"))
			assert.Contains(t, err.Error(), strings.ReplaceAll(c.want, "CONFIG", cfg))
			assert.Contains(t, err.Error(), "spec.toml")
		})
	}
	for _, c := range []struct{ name, values, want string }{
		{"empty list", "[]", `param "max_num_clusters": empty list of values`},
		{"not numbers", `["a", "b"]`, `param "max_num_clusters": value a: want numbers`},
		{"twice", "[8, 8]", `param "max_num_clusters": value 8 is listed twice`},
		{"and bounds", "[8, 16]\nmin = 1", `param "max_num_clusters": values and min, max, scale or start`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeSpec(t, strings.Replace(discreteSpec, "values = [8, 16]", "values = "+c.values, 1))
			_, err := ReadSpec(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), path)
		})
	}
	_, err := newProblem(t, strings.Replace(discreteSpec, `key = "r"`, `key = "rr"`, 1))
	assert.ErrorContains(t, err, `param "rr": unknown parameter`)
}
