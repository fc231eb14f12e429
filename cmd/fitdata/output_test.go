package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fixture"
)

// TestHostileOutput: a fit refuses an -out that is not for results, and a
// spec name that would steer the default folder, before any evaluation,
// with the user's files byte-identical.
func TestHostileOutput(t *testing.T) {
	dir := t.TempDir()
	for path, body := range map[string]string{"proj/thesis.tex": "x", "some_file": "data", "fit.trace.csv": "my,own\n1,2\n", "data.csv": "condition,block,p_error\n1,1,0.5\n", "fig.tex": "x"} {
		p := filepath.Join(dir, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	spec, err := os.ReadFile(small)
	require.NoError(t, err)
	cfg, err := filepath.Abs("testdata/clustering_config1.toml")
	require.NoError(t, err)
	spec = bytes.Replace(spec, []byte(`config = "clustering_config1.toml"`), []byte(`config = "`+cfg+`"`), 1)
	dots := filepath.Join(dir, "dots.toml")
	require.NoError(t, os.WriteFile(dots, bytes.Replace(spec, []byte(`name = "small"`), []byte(`name = ".."`), 1), 0o644))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-spec", small, "-out", filepath.Join(dir, "proj")}, "proj is a folder holding thesis.tex"},
		{[]string{"-spec", small, "-out", filepath.Join(dir, "some_file")}, "some_file is a file (4 bytes)"},
		{[]string{"-spec", dots}, `name = "..": want a plain folder name`},
		{[]string{"-spec", small, "-out", filepath.Join(dir, "fit"), "-fresh"}, "fit.trace.csv exists and was not written by this command"},
		{[]string{"-spec", small, "-at", "specificity=0.3,Phi=12", "-simulate", filepath.Join(dir, "data.csv")}, "-simulate: " + filepath.Join(dir, "data.csv") + " exists and was not written by this command"},
		{[]string{"-plot", filepath.Join(dir, "fig.tex"), filepath.Join(dir, "proj")}, "-plot: " + filepath.Join(dir, "fig.tex") + " exists and was not written by this command"},
	} {
		before := fixture.Tree(t, dir)
		code, out, errs := runCmd(append(c.args, "-quiet")...)
		assert.Equal(t, 1, code, "%v: %s", c.args, errs)
		assert.Contains(t, errs, c.want)
		fixture.NoRuntimeDump(t, out+errs)
		assert.Equal(t, before, fixture.Tree(t, dir), "%v changed the user's files", c.args)
	}
}
