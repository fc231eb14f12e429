package estimate

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bowl is an objective with its minimum 0 at x = 2, n = 3 (n a discrete
// parameter), counting the points it evaluates.
func bowl(calls *int) Objective {
	return func(_ context.Context, pts []Point, _ EvalOptions) []Eval {
		out := make([]Eval, len(pts))
		for i, pt := range pts {
			*calls++
			x, n := pt.X[0], pt.X[1]
			l := (x-2)*(x-2) + (n-3)*(n-3)
			out[i] = Eval{Point: pt, Loss: l, SSE: l}
		}
		return out
	}
}

func bowlProblem(calls *int) *Problem {
	p := &Problem{Name: "bowl", Seed: 1, Runs: 1, Objective: bowl(calls),
		Params: []Param{{Key: "x", Min: 0.1, Max: 10, Log: true}, {Key: "n", Values: []float64{1, 3, 5}}},
		Search: Search{Grid: 3, Starts: 2, MaxEvals: 60, Restarts: 1}}
	p.Search.Defaults()
	return p
}

// TestDiscreteSearch checks that the search is repeated at every value of
// a discrete parameter, that the best value wins, and that a resume from
// the trace file evaluates nothing and ends the same.
func TestDiscreteSearch(t *testing.T) {
	var calls int
	p := bowlProblem(&calls)
	path := filepath.Join(t.TempDir(), "t.csv")
	tr, err := OpenTrace(path, p.Keys(), "sum")
	require.NoError(t, err)
	r, err := Fit(context.Background(), p, tr, Options{})
	require.NoError(t, err)
	require.NoError(t, tr.Close())
	require.Len(t, r.Discrete, 3)
	for i, n := range []float64{1, 3, 5} {
		dr := r.Discrete[i]
		assert.Equal(t, []float64{n}, dr.At)
		assert.Len(t, dr.Starts, 2)
		assert.Equal(t, n, dr.Best.X[1])
		// Nelder–Mead's tolerance 1e-6 on the loss: x within ~1e-3 of 2.
		assert.InDelta(t, 2, dr.Best.X[0], 2e-3)
		assert.InDelta(t, (n-3)*(n-3), dr.Best.Loss, 1e-6)
	}
	assert.Equal(t, 3.0, r.Best.X[1])
	assert.Equal(t, r.Discrete[1].Best.Loss, r.Best.Loss)
	assert.Equal(t, calls-1, r.New, "every evaluation but the best's rerun is recorded")

	tr, err = OpenTrace(path, p.Keys(), "sum")
	require.NoError(t, err)
	calls = 0
	again, err := Fit(context.Background(), p, tr, Options{})
	require.NoError(t, err)
	require.NoError(t, tr.Close())
	assert.Zero(t, again.New)
	assert.Equal(t, 1, calls, "only the best point is run again")
	assert.Equal(t, r.Best.X, again.Best.X)

	_, err = OpenTrace(path, p.Keys(), "other")
	assert.ErrorContains(t, err, "was made by another problem")
}

// TestMemoryTrace: without a trace the fit keeps its evaluations in
// memory and finds the same point as with one.
func TestMemoryTrace(t *testing.T) {
	var a, b int
	r1, err := Fit(context.Background(), bowlProblem(&a), nil, Options{})
	require.NoError(t, err)
	tr, err := OpenTrace(filepath.Join(t.TempDir(), "t.csv"), bowlProblem(&b).Keys(), "sum")
	require.NoError(t, err)
	defer tr.Close()
	r2, err := Fit(context.Background(), bowlProblem(&b), tr, Options{})
	require.NoError(t, err)
	assert.Equal(t, r1.Best.X, r2.Best.X)
	assert.Equal(t, a, b)
}

// TestBadProblems checks that a problem that cannot be searched is
// refused, naming the parameter.
func TestBadProblems(t *testing.T) {
	var calls int
	for _, c := range []struct {
		name string
		edit func(p *Problem)
		want string
	}{
		{"no params", func(p *Problem) { p.Params = nil }, "no free parameters"},
		{"no objective", func(p *Problem) { p.Objective = nil }, "no objective"},
		{"no runs", func(p *Problem) { p.Runs = 0 }, "runs = 0"},
		{"twice", func(p *Problem) { p.Params[1].Key = "x" }, `parameter "x" appears twice`},
		{"empty values", func(p *Problem) { p.Params[1].Values = []float64{} }, `parameter "n": empty list of values`},
		{"repeated value", func(p *Problem) { p.Params[1].Values = []float64{1, 1} }, `parameter "n": value 1 is listed twice`},
		{"infinite value", func(p *Problem) { p.Params[1].Values = []float64{math.Inf(1)} }, `parameter "n": value +Inf`},
		{"inverted", func(p *Problem) { p.Params[0].Min = 20 }, `parameter "x": bounds [20, 10]`},
		{"log from 0", func(p *Problem) { p.Params[0].Min = 0 }, `parameter "x": a log scale needs min > 0`},
		{"start outside", func(p *Problem) { p.Start = []float64{10, 1} }, `parameter "x": start 10 is not strictly inside`},
		{"starts", func(p *Problem) { p.Start = []float64{1} }, "1 start values for 2 parameters"},
		{"search", func(p *Problem) { p.Search.Simplex = 0.9 }, "search.simplex = 0.9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := bowlProblem(&calls)
			c.edit(p)
			_, err := Fit(context.Background(), p, nil, Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
