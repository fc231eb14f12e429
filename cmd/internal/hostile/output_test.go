package hostile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/provenance"
)

// quick makes a model command's run short: one SHJ type, one run, two
// blocks.
var quick = []string{"-task", "shj1", "-runs", "1", "-blocks", "2", "-quiet"}

// command runs model m's command line in-process, as its main does.
func command(m cli.Model, args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.Run(context.Background(), m, args, &out, &out)
	return code, out.String()
}

// user makes what a user has in dir: a project with a thesis and sources,
// a file, a results folder of ours with their notes added, and a link.
func user(t *testing.T, dir string) {
	t.Helper()
	for path, body := range map[string]string{
		"proj/thesis.tex":   "\\documentclass{article}",
		"proj/src/main.go":  "package main",
		"some_file":         "data",
		"P/inside/keep.txt": "keep",
	} {
		p := filepath.Join(dir, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	m, err := models.Get("clustering")
	require.NoError(t, err)
	code, out := command(m, append([]string{"-out", filepath.Join(dir, "ours")}, quick...)...)
	require.Equal(t, 0, code, out)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ours", "my_notes.txt"), []byte("mine"), 0o644))
	require.NoError(t, os.Symlink("proj", filepath.Join(dir, "link")))
}

// TestHostileOutput runs a model command at every kind of -out that is not
// a place for new results, and requires a refusal before any computing:
// exit 1, a message naming the path and what is expected, no runtime dump,
// under 100 MB allocated, and every file the user had byte-identical
// afterwards.
func TestHostileOutput(t *testing.T) {
	dir := t.TempDir()
	user(t, dir)
	t.Chdir(filepath.Join(dir, "P", "inside"))
	m, err := models.Get("clustering")
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		out  string
		want []string
	}{
		{"a foreign folder", filepath.Join(dir, "proj"), []string{"proj is a folder holding src/, thesis.tex", "not a results folder of this toolkit", "choose a new or empty folder"}},
		{"a file", filepath.Join(dir, "some_file"), []string{"some_file is a file (4 bytes)", "choose another name"}},
		{"a device", os.DevNull, []string{os.DevNull + " is a device"}},
		{"under a file", filepath.Join(dir, "some_file", "res"), []string{"some_file is a file, not a folder"}},
		{"a link", filepath.Join(dir, "link"), []string{"link is a symbolic link to proj"}},
		{"our folder with a user's file", filepath.Join(dir, "ours"), []string{"ours holds results of clustering, but also my_notes.txt, which it did not write", "move them out"}},
		{"the working directory", ".", []string{"results folder . is the working directory"}},
		{"an ancestor of it", "../../P", []string{"results folder ../../P is", "which holds the working directory"}},
		{"the parent", "..", []string{"which holds the working directory"}},
		{"the root", "/", []string{"results folder / is the root folder"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := fixture.Tree(t, dir)
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			code, out := command(m, append([]string{"-out", c.out}, quick...)...)
			runtime.ReadMemStats(&ms1)
			assert.Less(t, ms1.TotalAlloc-ms0.TotalAlloc, uint64(100<<20), "a refusal allocates under 100 MB")
			assert.Equal(t, 1, code, out)
			for _, w := range c.want {
				assert.Contains(t, out, w)
			}
			assert.Contains(t, out, "nothing was run")
			assert.NotContains(t, out, "results in", "it ran")
			fixture.NoRuntimeDump(t, out)
			assert.Equal(t, before, fixture.Tree(t, dir), "the user's files changed")
		})
	}
}

// TestConfigVersionCannotSteer gives every model command a config whose
// config_version would put the default results folder elsewhere.
func TestConfigVersionCannotSteer(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.MkdirAll(filepath.Join(victim, "data"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(victim, "data", "precious.csv"), []byte("1,2\n"), 0o644))
	work := filepath.Join(dir, "a", "b")
	require.NoError(t, os.MkdirAll(work, 0o755))
	t.Chdir(work)
	line := regexp.MustCompile(`(?m)^config_version = .*$`)
	for _, name := range models.Names() {
		m, err := models.Get(name)
		require.NoError(t, err)
		s, err := m.Default()
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, toml.NewEncoder(&buf).Encode(s.Config))
		require.Regexp(t, line, buf.String(), name)
		for _, v := range []string{"../../victim", "../../../victim", "a/b", ".", "..", ".hidden"} {
			cfg := filepath.Join(dir, name+".toml")
			text := line.ReplaceAllLiteralString(buf.String(), "config_version = "+strings.ReplaceAll(`"`+v+`"`, `\`, `\\`))
			require.NoError(t, os.WriteFile(cfg, []byte(text), 0o644))
			before := fixture.Tree(t, dir)
			code, out := command(m, "-config", cfg, "-quiet", "-runs", "1", "-blocks", "1")
			assert.Equal(t, 1, code, "%s %q: %s", name, v, out)
			assert.Contains(t, out, "config_version = ", name)
			assert.Contains(t, out, "want a plain folder name", name)
			fixture.NoRuntimeDump(t, out)
			assert.Equal(t, before, fixture.Tree(t, dir), "%s %q changed files", name, v)
		}
	}
}

// TestReplaceOurs reruns into a results folder of ours: it is replaced,
// and its provenance.json records what made it.
func TestReplaceOurs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	m, err := models.Get("clustering")
	require.NoError(t, err)
	for range 2 {
		code, text := command(m, append([]string{"-out", out, "-seed", "3"}, quick...)...)
		require.Equal(t, 0, code, text)
	}
	rec, err := provenance.Read(out)
	require.NoError(t, err)
	assert.Equal(t, "clustering", rec.Tool)
	require.NotNil(t, rec.Seed)
	assert.Equal(t, int64(3), *rec.Seed)
	assert.Len(t, rec.ConfigSHA256, 64)
	assert.Contains(t, rec.Files, "summary.json")
	ents, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, ents, 1, "no temporary or old folders left beside the results")
}

// TestSeedFlag refuses negative seeds other than -1, naming the flag.
func TestSeedFlag(t *testing.T) {
	m, err := models.Get("clustering")
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "res")
	code, text := command(m, append([]string{"-out", out, "-seed", "-7"}, quick...)...)
	assert.Equal(t, 2, code, text)
	assert.Contains(t, text, "-seed -7: want a seed ≥ 0, or -1 for the config's random_seed")
	assert.NoDirExists(t, out)
}
