package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/provenance"
)

// TestHostileOutput runs sweeps into places that are not for results and
// requires a refusal before anything runs, naming the path or flag and
// what is expected, with the user's files byte-identical.
func TestHostileOutput(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, "[fixed]\nnum_runs = 1\nnum_blocks = 2\n[grid]\nslow_config.lr_dnn = [0.1]\n")
	dotName := filepath.Join(dir, "dots.toml")
	data, err := os.ReadFile(spec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dotName, bytes.Replace(data, []byte(`name = "k"`), []byte(`name = ".."`), 1), 0o644))
	for path, body := range map[string]string{"proj/thesis.tex": "x", "some_file": "data", "mine/k_1.toml": "# my own config\n", "run.sbatch": "#!/bin/sh\n"} {
		p := filepath.Join(dir, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	t.Chdir(dir)
	var buf bytes.Buffer
	require.Equal(t, 0, Main(context.Background(), []string{"run", "-spec", spec, "-out", "ours", "-quiet"}, &buf, &buf), buf.String())
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"run", "-spec", spec, "-out", "proj"}, 1, []string{"proj is a folder holding thesis.tex", "not a results folder of this toolkit"}},
		{[]string{"run", "-spec", spec, "-out", "some_file"}, 1, []string{"some_file is a file (4 bytes)"}},
		{[]string{"run", "-spec", spec, "-out", os.DevNull}, 1, []string{os.DevNull + " is a device"}},
		{[]string{"run", "-spec", spec, "-out", "."}, 1, []string{"results folder . is the working directory"}},
		{[]string{"run", "-spec", spec, "-out", ".."}, 1, []string{"which holds the working directory"}},
		{[]string{"run", "-spec", dotName}, 1, []string{"dots.toml: name = ..: want a plain folder name"}},
		{[]string{"report", "-out", "ours", "-csv", "some_file"}, 1, []string{"some_file exists and was not written by this command"}},
		{[]string{"report", "-out", "ours", "-png", "proj/thesis.tex"}, 1, []string{"proj/thesis.tex exists and was not written by this command"}},
		{[]string{"generate", "-spec", spec, "-dir", "mine"}, 1, []string{"mine/k_1.toml exists and was not written by this command", "move it away"}},
		{[]string{"slurm", "-spec", spec, "-out", "slurm", "-bin", "/opt/sweep", "-script", "run.sbatch"}, 1, []string{"run.sbatch exists and was not written by this command"}},
		{[]string{"slurm", "-spec", spec, "-out", "proj", "-bin", "/opt/sweep"}, 1, []string{"proj is a folder holding thesis.tex"}},
		{[]string{"slurm", "-spec", spec, "-out", "slurm", "-bin", filepath.Join(os.TempDir(), "go-build123", "b001", "exe", "sweep")}, 2,
			[]string{"-bin", "lies in the Go build cache", "go build -o sweep ./cmd/sweep"}},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			before := fixture.Tree(t, dir)
			var out bytes.Buffer
			code := Main(context.Background(), c.args, &out, &out)
			assert.Equal(t, c.code, code, out.String())
			for _, w := range c.want {
				assert.Contains(t, out.String(), w)
			}
			fixture.NoRuntimeDump(t, out.String())
			assert.Equal(t, before, fixture.Tree(t, dir), "the user's files changed")
		})
	}
}

// TestSweepRootMarked: a sweep's results folder holds a provenance.json
// from its first run, and so does every config's folder; a resume into
// it is accepted.
func TestSweepRootMarked(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, "[fixed]\nnum_runs = 1\nnum_blocks = 2\n[grid]\nslow_config.lr_dnn = [0.1]\n")
	out := filepath.Join(dir, "out")
	for range 2 {
		var buf bytes.Buffer
		require.Equal(t, 0, Main(context.Background(), []string{"run", "-spec", spec, "-out", out, "-quiet"}, &buf, &buf), buf.String())
	}
	root, err := provenance.Read(out)
	require.NoError(t, err)
	assert.Equal(t, "sweep", root.Tool)
	assert.Equal(t, spec, root.Config)
	// A Slurm script into a new folder marks it, so that its tasks can run there.
	slurm := filepath.Join(dir, "slurm")
	var buf bytes.Buffer
	require.Equal(t, 0, Main(context.Background(), []string{"slurm", "-spec", spec, "-out", slurm, "-bin", "/opt/sweep"}, &buf, &buf), buf.String())
	require.Equal(t, 0, Main(context.Background(), []string{"slurm", "-spec", spec, "-out", slurm, "-bin", "/opt/sweep"}, &buf, &buf), "a rerun replaces its script: %s", buf.String())
	require.Equal(t, 0, Main(context.Background(), []string{"run", "-spec", spec, "-out", slurm, "-quiet"}, &buf, &buf), buf.String())
	cfg, err := provenance.Read(filepath.Join(out, "k_1"))
	require.NoError(t, err)
	assert.Equal(t, "sweep", cfg.Tool)
	assert.Equal(t, "dualstream", cfg.Model)
	assert.Contains(t, cfg.Files, "sweep.json")
}
