package fitspec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/run"
)

// TestBadProblems checks that a spec that does not fit its model, config
// or data is an error before anything runs, naming the spec and the key
// or condition.
func TestBadProblems(t *testing.T) {
	five := "condition,block,p_error\n1,1,0.2\n2,1,0.3\n3,1,0.3\n4,1,0.3\n5,1,0.3\n"
	seven := five + "6,1,0.4\n7,1,0.2\n"
	cases := []struct {
		name, old, new, csv, want string
	}{
		{"unknown parameter", `key = "Phi"`, `key = "specifity"`, "", `param "specifity": unknown parameter (the clustering config has no such key, and the model refuses it`},
		{"case of a key", `key = "Phi"`, `key = "phi"`, "", `param "phi": the config has "Phi" (keys are case-sensitive)`},
		{"unknown nested parameter", `key = "Phi"`, `key = "fast_config.Phi"`, "", `param "fast_config.Phi": unknown parameter`},
		{"string key", "key = \"Phi\"\nmin = 1\nmax = 40", "key = \"high_attn_constraint\"\nmin = 1\nmax = 40", "", `param "high_attn_constraint": ` + "CONFIG" + ` sets it to "sumtoone", not a number`},
		{"integer key", "key = \"Phi\"\nmin = 1\nmax = 40", "key = \"max_num_clusters\"\nmin = 8\nmax = 20", "", `param "max_num_clusters" at its min 8: the model refuses it`},
		{"ignored key", "key = \"Phi\"\nmin = 1\nmax = 40", "key = \"out_features\"\nmin = 1\nmax = 5", "", `param "out_features": the clustering model ignores this key`},
		{"refused bound", "key = \"Phi\"\nmin = 1\nmax = 40", "key = \"lr_clustering\"\nmin = -0.5\nmax = 1", "", `param "lr_clustering" at its min -0.5: the model refuses it: ` + "CONFIG" + ` with lr_clustering = -0.5: lr_clustering = -0.5: want a finite number ≥ 0`},
		{"missing config", `config = "CONFIG"`, ``, "", `missing key "config"`},
		{"absent config", `config = "CONFIG"`, `config = "nope.toml"`, "", `config: open`},
		{"a type missing", `data = "nosofsky1994"`, "data = \"d.csv\"\nblock_trials = 16", five, `d.csv: the conditions do not match the task (no data for 6): want conditions 1, 2, 3, 4, 5, 6`},
		{"an extra condition", `data = "nosofsky1994"`, "data = \"d.csv\"\nblock_trials = 16", seven, `(no task for condition 7)`},
		{"one task, six conditions", `runs = 6`, "runs = 6\ntask = \"shj2\"", "", `nosofsky1994: the conditions do not match the task (no task for condition 1, 3, 4, 5, 6): want conditions 2`},
		{"blocks do not divide", `data = "nosofsky1994"`, "data = \"nosofsky1994\"\nblock_trials = 12", "", `block_trials = 12 is not a multiple of the model's 16 trials per block (8 items × 2 passes)`},
		{"ordinal beyond SHJ", `data = "nosofsky1994"`, "task = \"shj2\"\nordinal = \"filter\"\ndata = \"d.csv\"\nblock_trials = 16", "condition,block,p_error\n2,1,0.3\n", `ordinal = "filter" needs the six SHJ problems`},
		{"absent data", `data = "nosofsky1994"`, "data = \"none.csv\"\nblock_trials = 16", "", `data: open`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, baseSpec, c.old)
			spec := strings.Replace(baseSpec, c.old, c.new, 1)
			path := writeSpec(t, spec)
			if c.csv != "" {
				require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "d.csv"), []byte(c.csv), 0o644))
			}
			s, err := ReadSpec(path)
			require.NoError(t, err)
			_, err = New(s, clustering.Model())
			require.Error(t, err)
			cfg, _ := filepath.Abs(filepath.Join("testdata", "clustering_config1.toml"))
			assert.Contains(t, err.Error(), strings.ReplaceAll(c.want, "CONFIG", cfg))
			assert.Contains(t, err.Error(), path, "the error names the spec")
		})
	}
	s, err := ReadSpec(writeSpec(t, strings.Replace(baseSpec, `model = "clustering"`, `model = "dnn"`, 1)))
	require.NoError(t, err)
	_, err = New(s, clustering.Model())
	assert.ErrorContains(t, err, `model = "dnn", not "clustering"`)
}

func TestProblemPlan(t *testing.T) {
	p := mustProblem(t, baseSpec)
	assert.Equal(t, []float64{0.25, 10}, p.Start, "the config's values start the search")
	assert.Equal(t, 1, p.Group)
	assert.Equal(t, 16, p.Blocks)
	assert.True(t, p.SHJ)
	assert.Equal(t, int64(6*6*16*16), p.TrialsPerEvaluation())
	assert.Equal(t, []string{"shj1", "shj2", "shj3", "shj4", "shj5", "shj6"}, p.Tasks)

	// One pass per model block: two 8-trial model blocks make a data block.
	p1 := mustProblem(t, strings.Replace(baseSpec, "passes = 2", "passes = 1", 1))
	assert.Equal(t, 2, p1.Group)
	assert.Equal(t, 32, p1.Blocks)
	assert.NotEqual(t, p.Checksum, p1.Checksum, "the aggregation changes what an evaluation computes")

	// Bounds and search settings change no value, so not the checksum.
	p2 := mustProblem(t, strings.Replace(strings.Replace(baseSpec, "max = 40", "max = 30", 1), "max_evals = 12", "max_evals = 50", 1))
	assert.Equal(t, p.Checksum, p2.Checksum)

	// A start outside the bounds is replaced by mid-range.
	p3 := mustProblem(t, strings.Replace(baseSpec, "max = 40", "max = 5", 1))
	assert.Equal(t, 3.0, p3.Start[1])
}

// TestEvaluateIsCommonRandomNumbers checks that an evaluation depends only
// on its point: the same with 1 or 2 workers and in any batch, and another
// seed draws other subjects.
func TestEvaluateIsCommonRandomNumbers(t *testing.T) {
	p := mustProblem(t, baseSpec)
	ctx := context.Background()
	a := estimate.Point{X: []float64{0.3, 12}, Seed: 11, Runs: 6}
	b := estimate.Point{X: []float64{0.3, 14}, Seed: 11, Runs: 6}
	one := p.Evaluate(ctx, []estimate.Point{a}, 1)[0]
	require.NoError(t, one.Err)
	two := p.Evaluate(ctx, []estimate.Point{b, a}, 2)
	assert.Equal(t, one.Loss, two[1].Loss)
	assert.Equal(t, one.Curves, two[1].Curves)
	assert.NotEqual(t, one.Loss, two[0].Loss)
	a.Seed = 12
	other := p.Evaluate(ctx, []estimate.Point{a}, 2)[0]
	assert.NotEqual(t, one.Loss, other.Loss)
	assert.Len(t, one.Curves, 6)
	assert.Len(t, one.Curves[0], 16)
	assert.InDelta(t, one.RMSE*one.RMSE*96, one.SSE, 1e-15)
}

// TestEvaluateUnderMemoryLimit: points evaluated together under a limit
// that holds one of them but not two (budget.Gate) give what they give
// without it, and the batch finishes.
func TestEvaluateUnderMemoryLimit(t *testing.T) {
	p := mustProblem(t, baseSpec)
	ctx := context.Background()
	var pts []estimate.Point
	for _, phi := range []float64{10, 12, 14} {
		pts = append(pts, estimate.Point{X: []float64{0.3, phi}, Seed: 11, Runs: 6})
	}
	free := p.Evaluate(ctx, pts, 4)
	plan, _, err := p.plan(pts[0].X, pts[0].Seed, pts[0].Runs, p.Blocks)
	require.NoError(t, err)
	p.Spec.Limit = &budget.Limit{Bytes: cli.Estimate(plan.Setup, plan.Options, plan.Tasks) * 3 / 2, Source: "test"}
	tight := p.Evaluate(ctx, pts, 4)
	for i := range pts {
		require.NoError(t, tight[i].Err)
		assert.Equal(t, free[i].Loss, tight[i].Loss)
		assert.Equal(t, free[i].Curves, tight[i].Curves)
	}
}

// TestBestConfigReproduces checks that best.toml, run through the model's
// own Load and the kernel's trial loop, gives the curves the fit scored.
func TestBestConfigReproduces(t *testing.T) {
	p := mustProblem(t, baseSpec)
	x := []float64{0.4, 20}
	e := p.Evaluate(context.Background(), []estimate.Point{{X: x, Seed: p.Seed, Runs: p.Runs}}, 0)[0]
	require.NoError(t, e.Err)
	text, err := p.BestConfig(x)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "best.toml")
	require.NoError(t, os.WriteFile(path, text, 0o644))
	plan, err := cli.Prepare(clustering.Model(), cli.Options{Config: path, Quiet: true})
	require.NoError(t, err)
	res := run.Do(context.Background(), plan.Jobs, run.Options{})
	require.Len(t, res, 6)
	for i, r := range res {
		require.NoError(t, r.Err)
		assert.Equal(t, e.Curves[i], curve.Coarsen(r.PError[r.Total()], p.Group), "type %d", i+1)
	}
}

// TestOrderTable fits on fixed trial orders: every seed then sees the same
// subjects, the table is part of the checksum, and a table that does not
// cover the runs is an error before anything runs.
func TestOrderTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("run,block,i0,i1,i2,i3,i4,i5,i6,i7,i8,i9,i10,i11,i12,i13,i14,i15\n")
	for r := range 6 {
		for blk := range 16 {
			fmt.Fprintf(&b, "%d,%d", r, blk)
			for i := range 16 {
				fmt.Fprintf(&b, ",%d", (i*5+r+blk)%16)
			}
			b.WriteString("\n")
		}
	}
	spec := strings.Replace(baseSpec, "runs = 6", "runs = 6\norder = \"orders.csv\"", 1)
	path := writeSpec(t, spec)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "orders.csv"), []byte(b.String()), 0o644))
	s, err := ReadSpec(path)
	require.NoError(t, err)
	p, err := New(s, clustering.Model())
	require.NoError(t, err)
	x := []float64{0.3, 12}
	evs := p.Evaluate(context.Background(), []estimate.Point{{X: x, Seed: 1, Runs: 6}, {X: x, Seed: 2, Runs: 6}}, 0)
	require.NoError(t, evs[0].Err)
	assert.Equal(t, evs[0].Loss, evs[1].Loss, "the same orders whatever the seed")
	assert.NotEqual(t, mustProblem(t, baseSpec).Checksum, p.Checksum)

	s.Runs = 7
	_, err = New(s, clustering.Model())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "orders.csv")
	assert.Contains(t, err.Error(), path)
}
