package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type model struct {
	Loop
	R    float64 `toml:"r"`
	Fast struct {
		LR float64 `toml:"lr_nn"`
	} `toml:"fast_config"`
}

func TestDecode(t *testing.T) {
	var m model
	present, err := Decode("c.toml", []byte("num_runs = 3\nloss_fn = 'bcelogits'\nr = 2\nnoise = 'None'\n[fast_config]\nlr_nn = 0.1\nlesion = 0\n"),
		&m, "noise", "fast_config.lesion")
	require.NoError(t, err)
	assert.Equal(t, []string{"fast_config.lesion", "noise"}, present)
	assert.Equal(t, 3, m.NumRuns)
	assert.Equal(t, 2.0, m.R)
	assert.Equal(t, 0.1, m.Fast.LR)
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"rr = 1\n", `c.toml: unknown key "rr"`},
		{"[fast_config]\nlr = 1\n", `c.toml: unknown key "fast_config.lr"`},
		{"r = 'two'\n", `c.toml: toml: line 1 (last key "r"): incompatible types`},
		{"r = \n", "c.toml: line 1: expected value"},
		{"num_runs = 1.5\n", `(last key "num_runs")`},
	} {
		var m model
		_, err := Decode("c.toml", []byte(tc.body), &m)
		assert.ErrorContains(t, err, tc.want, tc.body)
	}
	_, err := Read(filepath.Join(t.TempDir(), "none.toml"), &model{})
	assert.ErrorContains(t, err, "none.toml")
}

// TestRequire: the keys a file lacks are named in want's order, by their
// whole key path in a table, with the caller's advice.
func TestRequire(t *testing.T) {
	var m model
	md, present, err := DecodeMeta("c.toml", []byte("num_runs = 3\nr = 2\nnoise = 1\n[fast_config]\nlr_nn = 0.1\n"), &m, "noise")
	require.NoError(t, err)
	assert.Equal(t, []string{"noise"}, present)
	assert.Equal(t, []string{"num_blocks", "random_seed", "loss_fn"}, Missing(md, RequiredLoopKeys))
	assert.Empty(t, Missing(md, []string{"r", "num_runs"}))
	assert.Equal(t, []string{"fast_config.n_units"}, Missing(md, []string{"lr_nn", "n_units"}, "fast_config"))
	assert.Equal(t, []string{"fast_config.r"}, Missing(md, []string{"r"}, "fast_config"), "a top-level key is not the table's")

	err = Require("c.toml", md, append([]string{"r", "q"}, RequiredLoopKeys...), "the model needs it; see config1.toml")
	assert.EqualError(t, err, `c.toml: missing key "q", "num_blocks", "random_seed", "loss_fn" (the model needs it; see config1.toml)`)
	assert.NoError(t, Require("c.toml", md, []string{"r", "num_runs"}, "unused"))
	assert.EqualError(t, MissingError("c.toml", []string{"fast_config.k"}, ""), `c.toml: missing key "fast_config.k"`)
	assert.NoError(t, MissingError("c.toml", nil, "unused"))
}

// TestCheck: the loop's errors first, then the model's, prefixed with the
// file.
func TestCheck(t *testing.T) {
	l := Loop{NumBlocks: 1, NumRuns: 1, LossFn: "bcelogits"}
	bad := func() error { return errors.New("r = -1: want r > 0") }
	assert.NoError(t, Check("c.toml", &l, func() error { return nil }))
	assert.EqualError(t, Check("c.toml", &l, bad), "c.toml: r = -1: want r > 0")
	l.NumRuns = 0
	assert.ErrorContains(t, Check("c.toml", &l, bad), "c.toml: num_runs = 0")
}

func TestLoopCheck(t *testing.T) {
	ok := Loop{NumBlocks: 1, NumRuns: 1, LossFn: "bcelogits", Optim: "sgd"}
	assert.NoError(t, ok.Check("c.toml"))
	for _, tc := range []struct {
		mod  func(*Loop)
		want string
	}{
		{func(l *Loop) { l.NumBlocks = 0 }, "num_blocks = 0"},
		{func(l *Loop) { l.NumRuns = -1 }, "num_runs = -1"},
		{func(l *Loop) { l.Optim = "adam" }, `optim = "adam"`},
		{func(l *Loop) { l.LossFn = "mse" }, `loss_fn = "mse"`},
		{func(l *Loop) { l.RandomSeed = -2 }, "random_seed = -2"},
	} {
		l := ok
		tc.mod(&l)
		assert.ErrorContains(t, l.Check("c.toml"), "c.toml: "+tc.want)
	}
}

// FuzzDecode: strict decoding never panics and errors name the file.
func FuzzDecode(f *testing.F) {
	f.Add("num_runs = 3\nr = 2\n[fast_config]\nlr_nn = 0.1\n")
	f.Add("r = 'x'\n")
	f.Add("[[fast_config]]\n")
	f.Fuzz(func(t *testing.T, body string) {
		var m model
		_, err := Decode("fuzz.toml", []byte(body), &m, "noise")
		if err != nil && !containsFile(err.Error()) {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

func containsFile(s string) bool { return len(s) >= 9 && s[:9] == "fuzz.toml" }

// TestReadFile: a config is read within MaxFile, and the original's YAML
// is told apart from TOML (a colon inside a TOML string is not YAML).
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, body, want string
	}{
		{"ok.toml", "task = \"a: b\"\nnum_runs = 2\n", ""},
		{"c.yaml", "num_runs = 2\n", "c.yaml: this is a YAML config of the original; convert it with `configs import`"},
		{"c.toml", "# the original's\n\nnum_runs: 2\n", "c.toml: this is a YAML config of the original"},
		{"bad.toml", "num_runs = = 2\n", ""},
		{"big.toml", "# " + strings.Repeat("x", MaxFile) + "\n", "big.toml: larger than 1 MiB"},
	} {
		p := filepath.Join(dir, c.name)
		require.NoError(t, os.WriteFile(p, []byte(c.body), 0o644))
		_, err := ReadFile(p)
		if c.want == "" {
			assert.NoError(t, err, c.name)
		} else {
			assert.ErrorContains(t, err, c.want, c.name)
		}
	}
}
