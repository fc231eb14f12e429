package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastslow/stream/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := command(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

const small = "testdata/small.toml"

func TestCheck(t *testing.T) {
	code, out, errs := runCmd("-spec", small, "-check")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "fit small: model clustering")
	assert.Contains(t, out, "6 conditions, 96 cells, blocks of 16 trials")
	assert.Contains(t, out, "16 model blocks, 1 per data block; 4 subjects per condition, seed 3; 6144 trials per evaluation")
	assert.Contains(t, out, "a grid of 2 points per parameter (4 points)")
	assert.Contains(t, out, filepath.Join("results", "fits", "small"))
}

func TestUsage(t *testing.T) {
	code, _, _ := runCmd("-help")
	assert.Equal(t, 0, code)
	for _, args := range [][]string{{}, {"-spec", small, "extra"}, {"-spec", small, "-seeds", "3"}, {"-nope"}} {
		code, _, errs := runCmd(args...)
		assert.Equal(t, 2, code, "%v: %s", args, errs)
	}
}

// TestBadSpecBeforeRunning checks that a bad spec fails with a message
// naming the spec and the fault, and leaves nothing behind.
func TestBadSpecBeforeRunning(t *testing.T) {
	data, err := os.ReadFile(small)
	require.NoError(t, err)
	cases := []struct{ old, new, want string }{
		{`key = "Phi"`, `key = "Phii"`, `param "Phii": unknown parameter`},
		{"min = 1\n", "min = 50\n", `param "Phi": inverted bounds: min 50 > max 40`},
		{"min = 1\n", "min = 40\n", `param "Phi": empty bounds [40, 40]`},
		{`data = "nosofsky1994"`, "data = \"d.csv\"\nblock_trials = 16", `the conditions do not match the task (no data for 3, 4, 5, 6)`},
		{`model = "clustering"`, `model = "sustainn"`, `unknown model "sustainn"`},
	}
	for _, c := range cases {
		dir := t.TempDir()
		spec := filepath.Join(dir, "s.toml")
		cfg, _ := filepath.Abs("testdata/clustering_config1.toml")
		text := strings.Replace(strings.Replace(string(data), c.old, c.new, 1), "clustering_config1.toml", filepath.ToSlash(cfg), 1)
		require.NoError(t, os.WriteFile(spec, []byte(text), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "d.csv"), []byte("condition,block,p_error\n1,1,0.2\n2,1,0.3\n"), 0o644))
		out := filepath.Join(dir, "res")
		code, _, errs := runCmd("-spec", spec, "-out", out)
		assert.Equal(t, 1, code)
		assert.Contains(t, errs, c.want)
		assert.Contains(t, errs, spec)
		assert.NoFileExists(t, out+".trace.csv", "nothing ran")
	}
}

func TestFitWritesResults(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	code, stdout, errs := runCmd("-spec", small, "-out", out, "-workers", "2")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "specificity")
	assert.Contains(t, stdout, "SHJ ordinal adequacy")
	assert.Contains(t, errs, "eval 1 grid: loss")
	for _, f := range []string{"fit.json", "best.toml", "curves.csv", "fit.png", "trace.csv"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	assert.FileExists(t, out+".trace.csv")
	// Run again: everything comes from the trace.
	code, stdout2, errs := runCmd("-spec", small, "-out", out, "-quiet")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "resuming from")
	assert.Contains(t, stdout2, "(0 new, 0 trials)")
	first := strings.Split(stdout, "\n")
	assert.Equal(t, first[:5], strings.Split(stdout2, "\n")[:5], "the same best parameters and loss")
	code, _, errs = runCmd("-spec", small, "-out", out, "-quiet", "-fresh")
	require.Equal(t, 0, code, errs)
	assert.NotContains(t, errs, "resuming")

	png := filepath.Join(t.TempDir(), "fits.png")
	code, _, errs = runCmd("-plot", png, out, out)
	require.Equal(t, 0, code, errs)
	assert.FileExists(t, png)
	code, _, _ = runCmd("-plot", png)
	assert.Equal(t, 2, code, "-plot needs results folders")
	code, _, errs = runCmd("-plot", png, t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "curves.csv")
}

func TestAt(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim.csv")
	code, out, errs := runCmd("-spec", small, "-at", "specificity=0.3,Phi=12", "-vs", "Phi=14", "-seeds", "3", "-runs", "2,4", "-simulate", sim)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "small at specificity=0.3 Phi=12")
	assert.Contains(t, out, "vs specificity=0.25 Phi=14")
	assert.Contains(t, out, "difference mean")
	assert.Contains(t, out, "simulated data (2 subjects, seed 3)")
	data, err := os.ReadFile(sim)
	require.NoError(t, err)
	assert.Contains(t, string(data), "condition,block,p_error\n1,1,")
	assert.Equal(t, 2+96, strings.Count(string(data), "\n"))

	for _, c := range []struct{ at, want string }{
		{"phi=3", `"phi" is not a free parameter`},
		{"Phi", `want key=value`},
		{"Phi=x", `"x" is not a number`},
	} {
		code, _, errs := runCmd("-spec", small, "-at", c.at)
		assert.Equal(t, 1, code)
		assert.Contains(t, errs, c.want)
	}
}

// TestMemoryLimitSaid checks that a fit says when the memory limit holds
// fewer points at once than its workers could take, and is silent when it
// does not.
func TestMemoryLimitSaid(t *testing.T) {
	lim, err := budget.Default()
	require.NoError(t, err)
	p, err := prepare(small, lim)
	require.NoError(t, err)
	_, need, _, err := p.InFlight()
	require.NoError(t, err)
	cases := []struct {
		memory string
		want   string
	}{
		{fmt.Sprint(int64(need) * 3 / 2), "holds 1 point at once"},
		{fmt.Sprint(int64(need) * 2), "holds 2 points at once"},
		{fmt.Sprint(int64(need) * 4), ""},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "res")
		code, _, errs := runCmd("-spec", small, "-out", out, "-workers", "4", "-memory", c.memory)
		require.Equal(t, 0, code, errs)
		if c.want == "" {
			assert.NotContains(t, errs, "memory limit", c.memory)
			continue
		}
		assert.Contains(t, errs, c.want, c.memory)
		assert.Contains(t, errs, "fewer than the 4 workers may be busy", c.memory)
	}
}
