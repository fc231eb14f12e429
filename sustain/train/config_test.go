package train

import (
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/sustain/model"
	"github.com/stretchr/testify/require"
)

const config1Path = "../../configs/sustain/config1.toml"

// TestConfig1File: the shipped config1.toml decodes to exactly the
// built-in default, and its key supervised SUSTAIN ignores is reported.
func TestConfig1File(t *testing.T) {
	c, ignored := fixture.LoadFile(t, config1Path, Load)
	require.Equal(t, Default(), *c)
	require.Equal(t, []string{"tau"}, ignored)
	require.Equal(t, 2, c.Passes, "catlearn's 16-trial blocks")
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, key, repl string
		want            []string
	}{
		{"unknown key", "lamda", "lamda = 1.0", []string{"my.toml", `unknown key "lamda"`}},
		{"catlearn's dims is not a key", "dims", "dims = [2, 2, 2]", []string{"my.toml", `unknown key "dims"`}},
		{"wrong type", "r", `r = "nine"`, []string{"my.toml", "r"}},
		{"syntax error", "d", "d = = 1", []string{"my.toml", "line"}},
		{"missing key", "eta", "", []string{"my.toml", `missing key "eta"`}},
		{"missing lambda", "lambda", "", []string{"my.toml", `missing key "lambda"`}},
		{"missing loop key", "num_runs", "", []string{"my.toml", `missing key "num_runs"`}},
		{"negative r", "r", "r = -9.0", []string{"my.toml", "r = -9"}},
		{"negative eta", "eta", "eta = -0.1", []string{"my.toml", "eta = -0.1"}},
		{"NaN beta", "beta", "beta = nan", []string{"my.toml", "beta = NaN"}},
		{"infinite d", "d", "d = inf", []string{"my.toml", "d = +Inf"}},
		{"zero lambda", "lambda", "lambda = 0.0", []string{"my.toml", "lambda[0] = 0"}},
		{"negative lambda in a list", "lambda", "lambda = [1.0, -1.0, 1.0]", []string{"my.toml", "lambda[1] = -1"}},
		{"empty lambda", "lambda", "lambda = []", []string{"my.toml", "lambda is empty"}},
		{"lambda of words", "lambda", `lambda = ["one"]`, []string{"my.toml", "lambda[0] = one: want a number"}},
		{"lambda table", "lambda", "lambda = {x = 1}", []string{"my.toml", "want a number or a list of numbers"}},
		{"bad ties", "ties", `ties = "last"`, []string{"my.toml", `ties = "last": want "first" or "random"`}},
		{"unknown loss", "loss_fn", `loss_fn = "mse"`, []string{"my.toml", `loss_fn = "mse"`}},
		{"no runs", "num_runs", "num_runs = 0", []string{"my.toml", "num_runs = 0"}},
		{"negative passes", "passes", "passes = -2", []string{"my.toml", "passes = -2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Load("my.toml", fixture.EditKey(t, config1Path, c.key, c.repl))
			fixture.ErrorContains(t, err, c.want...)
		})
	}
}

func TestLoadVariants(t *testing.T) {
	cases := []struct {
		name, key, repl string
		check           func(*testing.T, *Config, []string)
	}{
		{"ties is optional", "ties", "", func(t *testing.T, c *Config, _ []string) {
			p, err := c.Params(3, 2)
			require.NoError(t, err)
			require.Equal(t, model.TiesFirst, p.Ties)
		}},
		{"random ties", "ties", `ties = "random"`, func(t *testing.T, c *Config, _ []string) {
			p, err := c.Params(3, 2)
			require.NoError(t, err)
			require.Equal(t, model.TiesRandom, p.Ties)
		}},
		{"lambda per dimension", "lambda", "lambda = [1, 2.5, 3]", func(t *testing.T, c *Config, _ []string) {
			require.Equal(t, Lambda{1, 2.5, 3}, c.Lambda)
		}},
		{"integer lambda", "lambda", "lambda = 2", func(t *testing.T, c *Config, _ []string) {
			p, err := c.Params(4, 2)
			require.NoError(t, err)
			require.Equal(t, []float64{2, 2, 2, 2}, p.Lambda, "one value for every dimension")
		}},
		{"ignored keys", "k", "k = 0.19\nmaxcat = 0\ncolskip = 4", func(t *testing.T, _ *Config, ignored []string) {
			require.Equal(t, []string{"colskip", "k", "maxcat", "tau"}, ignored)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, ignored, err := Load("v.toml", fixture.EditKey(t, config1Path, c.key, c.repl))
			require.NoError(t, err)
			c.check(t, cfg, ignored)
		})
	}
}

// TestKeys: what the dual stream's registry uses: a table decoded into
// Keys, checked, then a model per task.
func TestKeys(t *testing.T) {
	var zero Keys
	require.ErrorContains(t, zero.Check(), "lambda is empty")
	k := Default().Keys
	require.NoError(t, k.Check())

	shj, _ := task.SHJ(2)
	m, err := k.New(shj, seed.Source{})
	require.NoError(t, err)
	require.Equal(t, 3, m.(*model.Model).Params().Dims)
	ns := task.NewStimuli()
	m, err = k.New(ns, seed.Source{})
	require.NoError(t, err, "one lambda fits any task")
	require.Equal(t, []float64{1, 1}, m.(*model.Model).Params().Lambda)

	k.Lambda = Lambda{1, 1, 1}
	_, err = k.New(ns, seed.Source{})
	require.ErrorContains(t, err, "task new-stimuli: lambda has 3 values, but the task has 2 dimensions")
	_, err = k.New(&task.Task{Name: "one", Dims: 3, Classes: 1}, seed.Source{})
	require.ErrorContains(t, err, "task one: 1 classes")
}
