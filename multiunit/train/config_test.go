package train

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

const config1Path = "../../configs/multiunit/config1.toml"

// TestConfig1File: the shipped config1.toml decodes to exactly the
// built-in default, and the keys the original ignores are reported.
func TestConfig1File(t *testing.T) {
	c, ignored := fixture.LoadFile(t, config1Path, Load)
	require.Equal(t, Default(), *c)
	require.Equal(t, []string{"beta", "lesion", "lr_clusters_group", "noise", "p"}, ignored)
}

// TestDefaultParams: the default is the original's config1 as the model
// reads it (50 winners among 10,000 units).
func TestDefaultParams(t *testing.T) {
	c := Default()
	p, err := c.Params()
	require.NoError(t, err)
	require.Equal(t, model.Params{Units: 10000, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.005,
		LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}, p)
	require.Equal(t, 50, p.Winners())
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		key  string
		repl string
		want []string // substrings of the error; none: it loads
	}{
		{"unknown key", "n_unit", "n_unit = 5", []string{config1Path, `"n_unit"`}},
		{"missing key", "phi", "", []string{config1Path, `missing key "phi"`}},
		{"missing loop key", "num_runs", "", []string{`missing key "num_runs"`}},
		{"wrong type", "n_units", `n_units = "many"`, []string{config1Path, "n_units"}},
		{"float r", "r", "r = 2.0", nil},
		{"integer c", "c", "c = 1", nil},
		{"no winner", "k", "k = 0.00001", []string{config1Path, "0 winners"}},
		{"k above one", "k", "k = 2", []string{"k = 2"}},
		{"negative c", "c", "c = -0.2", []string{"c = -0.2"}},
		{"bad loss", "loss_fn", `loss_fn = "mse"`, []string{"loss_fn"}},
		{"bad optim", "optim", `optim = "adam"`, []string{"optim", "sgd"}},
		{"stimulus_grad original", "stimulus_grad", `stimulus_grad = "original"`, nil},
		{"stimulus_grad bad", "stimulus_grad", `stimulus_grad = "inf"`, []string{"stimulus_grad"}},
		{"attn_type unknown", "attn_type", `attn_type = "foo"`, []string{`attn_type = "foo": want "dimensional_local"`}},
		{"attn_type without the local rule", "attn_type", `attn_type = "dimensional"`, nil},
		{"init_seed", "init_seed", "init_seed = 7", nil},
		{"init_seed negative", "init_seed", "init_seed = -7", []string{"init_seed = -7"}},
		{"optim may be absent", "optim", "", nil},
		{"ignored keys may be absent", "lesion", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Load(config1Path, fixture.EditKey(t, config1Path, tc.key, tc.repl))
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			fixture.ErrorContains(t, err, tc.want...)
		})
	}
}

// TestStimulusGradOption: the key reaches the model.
func TestStimulusGradOption(t *testing.T) {
	c, _, err := Load(config1Path, fixture.EditKey(t, config1Path, "stimulus_grad", `stimulus_grad = "original"`))
	require.NoError(t, err)
	p, err := c.Params()
	require.NoError(t, err)
	require.True(t, p.LiteralZero)
}

// TestInitialPositions: without init_seed every run draws its own
// positions from (random_seed, run); with it every run gets the same,
// whatever the seed source.
func TestInitialPositions(t *testing.T) {
	tk, _ := task.SHJ(1)
	pos := func(k *Keys, src seed.Source) []float64 {
		m, err := k.New(tk, src)
		require.NoError(t, err)
		return stream.StateMap(m.State())[model.NamePositions].Data
	}
	c := Default()
	a, b := pos(&c.Keys, seed.For(999, 0)), pos(&c.Keys, seed.For(999, 1))
	require.NotEqual(t, a, b)
	require.Equal(t, a, pos(&c.Keys, seed.For(999, 0)), "the same run draws the same positions")
	s := int64(999)
	c.InitSeed = &s
	a, b = pos(&c.Keys, seed.For(999, 0)), pos(&c.Keys, seed.For(1, 7).Sub("fast"))
	require.Equal(t, a, b)
	s2 := int64(1000)
	c.InitSeed = &s2
	require.NotEqual(t, a, pos(&c.Keys, seed.For(999, 0)))
}

// TestTaskMismatch: a task whose dimensions or classes differ from the
// config's is refused with a message naming the key.
func TestTaskMismatch(t *testing.T) {
	c := Default()
	_, err := c.Keys.New(task.NewStimuli(), seed.For(1, 0))
	require.ErrorContains(t, err, "n_dims = 3")
	c.NDims = 2
	c.NClasses = 3
	_, err = c.Keys.New(task.NewStimuli(), seed.For(1, 0))
	require.ErrorContains(t, err, "n_classes = 3")
	c.NClasses = 2
	_, err = c.Keys.New(task.NewStimuli(), seed.For(1, 0))
	require.NoError(t, err)
}
