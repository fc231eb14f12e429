package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// originals extracts the original's 380 YAML configs (testdata holds them
// as one archive) and returns their folder.
func originals(t *testing.T) string {
	t.Helper()
	f, err := os.Open("testdata/original-configs.tar.gz")
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	dir := t.TempDir()
	tr := tar.NewReader(z)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			require.NoError(t, os.MkdirAll(p, 0o755))
			continue
		}
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	return filepath.Join(dir, "original-configs")
}

// refusals are the original configs the toolkit refuses, each with the
// reason a user can act on; every other one must convert and run.
var refusals = map[string]string{
	"dnn_model/configs/config2.yaml": `rename lr to lr_dnn`,
	"dnn_model/configs/config3.yaml": `rename lr to lr_dnn`,
	"dl_model/configs/config1.yaml":  `missing key "attn_weighting", "k"`,
}

// TestImportAll converts every one of the original's 380 configs and runs
// each converted one for one run of one block (a smoke run: it builds the
// streams on the config's task and takes every learning step once).
func TestImportAll(t *testing.T) {
	dir := originals(t)
	files, err := yamlFiles([]string{dir})
	require.NoError(t, err)
	require.Len(t, files, 380)
	keys := Keys()
	out := t.TempDir()
	var jobs []run.Job
	converted := 0
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		rel = filepath.ToSlash(rel)
		res, err := Import(f, keys)
		if want, refused := refusals[rel]; refused {
			require.Error(t, err, rel)
			assert.Contains(t, err.Error(), want, rel)
			continue
		}
		require.NoError(t, err, rel)
		converted++
		p := filepath.Join(out, res.Kind, res.Name+".toml")
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, res.TOML, 0o644))
		m, err := models.Get(res.Kind)
		require.NoError(t, err)
		plan, err := cli.Prepare(m, cli.Options{Config: p, Runs: 1, Blocks: 1, Quiet: true})
		require.NoError(t, err, rel)
		jobs = append(jobs, plan.Jobs...)
	}
	assert.Equal(t, 380-len(refusals), converted)
	for _, r := range run.Do(context.Background(), jobs, run.Options{Release: true}) {
		assert.NoError(t, r.Err)
	}
}

// TestShippedConfigs: the configs shipped in configs/ are the importer's
// output for the original's files.
func TestShippedConfigs(t *testing.T) {
	dir := originals(t)
	keys := Keys()
	for src, dst := range map[string]string{
		"configs/config_dlMU_dnn_1.yaml":            "../../configs/dualstream/config_dlMU_dnn_1.toml",
		"configs/config_n1.yaml":                    "../../configs/dualstream/config_n1.toml",
		"configs/config1_multi.yaml":                "../../configs/dualstream/config1_multi.toml",
		"multiunit_clustering/configs/config1.yaml": "../../configs/multiunit/config1.toml",
		"dl_model/configs/config_dlMU_1.yaml":       "../../configs/distrlearner/config_dlMU_1.toml",
	} {
		res, err := Import(filepath.Join(dir, src), keys)
		require.NoError(t, err, src)
		want, err := os.ReadFile(dst)
		require.NoError(t, err, dst)
		assert.Equal(t, string(want), string(res.TOML), "%s is not the import of %s: run go run ./cmd/configs import", dst, src)
	}
}

func TestFlatSHJConfig(t *testing.T) {
	dir := originals(t)
	res, err := Import(filepath.Join(dir, "configs/config2.yaml"), Keys())
	require.NoError(t, err)
	s := string(res.TOML)
	for _, want := range []string{"fast = \"clustering\"", "slow = \"dnn\"", "task = \"shj\"", "\n[fast_config]\nmax_num_clusters = 8\n",
		"\n[slow_config]\nact_func = \"relu\"\n", "inferred fast"} {
		assert.Contains(t, s, want)
	}
	res, err = Import(filepath.Join(dir, "configs/config10.yaml"), Keys())
	require.NoError(t, err)
	assert.Contains(t, string(res.TOML), `config_version = "config10"`, "the original's config10 says config3: renamed so results do not collide")
}

func TestCommand(t *testing.T) {
	tmp := t.TempDir()
	good := filepath.Join(tmp, "configs", "config_x.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(good), 0o755))
	require.NoError(t, os.WriteFile(good, []byte(strings.Replace(dlmu, "NAME", "config_x", 1)), 0o644))
	bad := filepath.Join(tmp, "configs", "config_bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("fast: distr_learner_mu\nslow: dnn\nfast_config:\n  max_nunits: [1, 2]\n"), 0o644))
	var out, errb bytes.Buffer
	code := command([]string{"import", "-out", filepath.Join(tmp, "out"), filepath.Join(tmp, "configs")}, &out, &errb)
	assert.Equal(t, 1, code, "a refused config makes the exit status 1")
	assert.Contains(t, out.String(), "1 converted, 1 refused, 0 kept (existing files not overwritten)\n")
	assert.Contains(t, out.String(), `key "max_nunits": lists and other structures are not config values`)
	assert.FileExists(t, filepath.Join(tmp, "out", "dualstream", "config_x.toml"))
	code = command([]string{"import", "-n", bad}, &out, &errb)
	assert.Equal(t, 1, code)
	assert.Equal(t, 2, command(nil, &out, &errb))

	// An existing file is never overwritten without -force; the same
	// conversion again is no change.
	dst := filepath.Join(tmp, "out", "dualstream", "config_x.toml")
	out.Reset()
	assert.Equal(t, 0, command([]string{"import", "-out", filepath.Join(tmp, "out"), good}, &out, &errb), out.String())
	assert.Contains(t, out.String(), "unchanged")
	mine := []byte("# my commented config\n")
	require.NoError(t, os.WriteFile(dst, mine, 0o644))
	out.Reset()
	assert.Equal(t, 1, command([]string{"import", "-out", filepath.Join(tmp, "out"), good}, &out, &errb))
	assert.Contains(t, out.String(), "exists and differs from the conversion; -force overwrites it")
	assert.Contains(t, out.String(), "0 converted, 0 refused, 1 kept")
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Equal(t, mine, got, "the user's file is untouched")
	out.Reset()
	assert.Equal(t, 0, command([]string{"import", "-force", "-out", filepath.Join(tmp, "out"), good}, &out, &errb), out.String())
	got, err = os.ReadFile(dst)
	require.NoError(t, err)
	assert.NotEqual(t, mine, got, "-force overwrites")
}

const dlmu = `config_version: NAME
optim: sgd
loss_fn: bcelogits
fast: distr_learner_mu
slow: dnn
random_seed: 999
num_blocks: 2
num_runs: 1
fast_config:
  attn_weighting: 0.02
  k: 0.01
  max_nunits: 500
  n_dims: 2
  unit_recruit_type: 'feedback'
  Phi: 1
  lr_attn: 0.002
  lr_nn: 0.025
  lr_units: 0.002
  momentum: 0
slow_config:
  act_func: relu
  lr_dnn: 0.1
  n_units: 25
  mom: 0.0
  dropout: 0
  networks_depth: 3
  input_size: 2
  output_size: 2
`
