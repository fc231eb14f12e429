package explorer_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/cmd/internal/fitspec"
	"github.com/fastslow/cmd/internal/sweepspec"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/sweep"
)

// runModel runs a model's command with args into a new results folder
// under dir and returns its path.
func runModel(t *testing.T, dir, model string, args ...string) string {
	t.Helper()
	m, err := models.Get(model)
	require.NoError(t, err)
	out := filepath.Join(dir, model)
	code := cli.Run(context.Background(), m, append([]string{"-out", out, "-quiet", "-nostate", "-workers", "2"}, args...), io.Discard, io.Discard)
	require.Equal(t, 0, code, "%s %v", model, args)
	return out
}

// sweepSpec is a 3×3 grid of the shipped dual stream on the new stimuli:
// 6 configs finish, the 3 with a huge slow learning rate diverge.
const sweepSpec = `name = "demo"
template = %q
[fixed]
num_runs = 2
num_blocks = 30
[grid]
fast_config.lr_nn = [0.001, 0.005, 0.025]
slow_config.lr_dnn = [0.05, 0.1, 1e100]
`

// demoSweep returns the demo sweep, its configs in dir/sweep.
func demoSweep(t *testing.T, dir string) *sweep.Sweep {
	t.Helper()
	tmpl, err := filepath.Abs("../../../configs/dualstream/config_dlMU_dnn_1.toml")
	require.NoError(t, err)
	spec, err := sweepspec.ParseSpec(filepath.Join(dir, "spec.toml"), fmt.Appendf(nil, sweepSpec, tmpl))
	require.NoError(t, err)
	m, err := models.Get(spec.Model)
	require.NoError(t, err)
	sw, err := spec.Sweep(m, nil)
	require.NoError(t, err)
	return sw
}

// runSweep runs the configs begin..end (0: no bound) of the demo sweep
// into dir/sweep and returns that folder.
func runSweep(t *testing.T, dir string, begin, end int) string {
	t.Helper()
	out := filepath.Join(dir, "sweep")
	sum, err := sweep.Run(context.Background(), demoSweep(t, dir), sweep.RunOptions{Out: out, Workers: 2, Begin: begin, End: end})
	require.NoError(t, err)
	require.False(t, sum.Unfinished(), "%v", sum.Failed)
	return out
}

// runFit fits the clustering model's specificity and Phi to Nosofsky et
// al. (1994) with a few evaluations (testdata/fit.toml) into dir/fit.
func runFit(t *testing.T, dir string) string {
	t.Helper()
	spec, err := fitspec.ReadSpec("testdata/fit.toml")
	require.NoError(t, err)
	m, err := models.Get(spec.Model)
	require.NoError(t, err)
	p, err := fitspec.New(spec, m)
	require.NoError(t, err)
	trace := filepath.Join(dir, "fit.trace.csv")
	tr, err := fitspec.OpenTrace(trace, p)
	require.NoError(t, err)
	r, err := fitspec.Fit(context.Background(), p, tr, estimate.Options{Workers: 2})
	require.NoError(t, tr.Close())
	require.NoError(t, err)
	out := filepath.Join(dir, "fit")
	require.NoError(t, fitspec.Write(out, p, r, trace, provenance.New("fitdata")))
	return out
}

// folders makes one results folder of each kind, once for the package's
// tests.
type folders struct {
	run, dual, sweep, fit string
}

var made *folders

func makeFolders(t *testing.T) *folders {
	t.Helper()
	if made != nil {
		return made
	}
	dir, err := os.MkdirTemp("", "explorer-test-")
	require.NoError(t, err)
	cfg, err := filepath.Abs("../../../configs/dualstream/config1_multi.toml")
	require.NoError(t, err)
	made = &folders{
		run:   runModel(t, dir, "clustering", "-runs", "4"),
		dual:  runModel(t, dir, "dualstream", "-config", cfg, "-runs", "3", "-blocks", "24"),
		sweep: runSweep(t, dir, 0, 0),
		fit:   runFit(t, dir),
	}
	return made
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	if made != nil {
		os.RemoveAll(filepath.Dir(made.run))
	}
	os.Exit(code)
}
