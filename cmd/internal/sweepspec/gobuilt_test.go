package sweepspec

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/sweep"
)

// TestGoBuiltSweep: a sweep whose configs are a model's config values
// (no TOML written by the caller) runs, records the config each ran as
// the model loads it, and resumes with nothing to do.
func TestGoBuiltSweep(t *testing.T) {
	sw := &sweep.Sweep{Name: "spec", Model: clustering.Model(), Source: "TestGoBuiltSweep", Keys: []string{"specificity"}}
	for i, c := range []float64{0.25, 1} {
		cfg := clustering.Default()
		cfg.NumRuns, cfg.NumBlocks, cfg.Task = 2, 2, "shj1"
		cfg.Specificity = c
		sw.Configs = append(sw.Configs, sweep.Config{Number: i + 1, Name: "spec_" + string(rune('1'+i)), Value: cfg,
			Grid: []sweep.Value{{Key: "specificity", Value: c}}})
	}
	out := filepath.Join(t.TempDir(), "out")
	sum, err := sweep.Run(context.Background(), sw, sweep.RunOptions{Out: out, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Done)
	data, err := os.ReadFile(filepath.Join(out, "spec_2", "config.toml"))
	require.NoError(t, err)
	back, _, err := clustering.Load("config.toml", data)
	require.NoError(t, err)
	assert.Equal(t, 1.0, back.Specificity)
	assert.Equal(t, sw.Configs[1].Value, *back, "the folder's config loads as the value that ran")
	sum, err = sweep.Run(context.Background(), sw, sweep.RunOptions{Out: out, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Skipped)
	assert.Zero(t, sum.Done)
}
