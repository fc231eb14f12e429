package train

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/distrlearner/model"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

const defaultPath = "../../configs/distrlearner/config_dlMU_1.toml"

// TestDefaultFile: the shipped config_dlMU_1.toml decodes to exactly the
// built-in default, and its keys the original ignores are reported.
func TestDefaultFile(t *testing.T) {
	c, ignored := fixture.LoadFile(t, defaultPath, Load)
	require.Equal(t, Default(), *c)
	require.Equal(t, []string{"from_logits", "lesion", "model_type", "noise"}, ignored)
}

// TestDefaultParams checks that the default is the config_dlMU_1.
func TestDefaultParams(t *testing.T) {
	c := Default()
	kind, err := c.Kind()
	require.NoError(t, err)
	p, err := c.Params(kind, 2)
	require.NoError(t, err)
	require.Equal(t, model.Params{Kind: model.Multi, MaxUnits: 500, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
		LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, Momentum: 0, K: 0.01}, p)
	require.Equal(t, 5, p.Batch())
	require.Equal(t, 10, c.NumBlocks)
	require.Equal(t, 1, c.NumRuns)
	require.Equal(t, "new-stimuli", c.Task)
	require.Equal(t, "bcelogits", c.LossFn)
}

// The original's dl_model/configs/config1.yaml as TOML: it has no
// attn_weighting, on which the original fails (KeyError).
const dlConfig1 = `
config_version = "config1"
num_blocks = 10
num_runs = 10
optim = "sgd"
loss_fn = "bcelogits"
model_type = "clustering"
max_nunits = 50
n_dims = 2
unit_recruit_type = 'feedback'
Phi = 1
from_logits = true
lr_attn = 0.002
lr_nn = 0.025
lr_units = 0.002
momentum = 0
random_seed = 999
`

func TestLoad(t *testing.T) {
	single := dlConfig1 + "attn_weighting = 0.02\nmodel = \"distr_learner\"\n"
	for _, c := range []struct {
		name   string
		data   string
		errHas string
		check  func(t *testing.T, c *Config)
	}{
		{"dl_model config1 with attn_weighting, single", single, "", func(t *testing.T, c *Config) {
			k, err := c.Kind()
			require.NoError(t, err)
			require.Equal(t, model.Single, k)
			require.Equal(t, 50, c.MaxNUnits)
			require.Equal(t, "sgd", c.Optim)
		}},
		{"dl_model config1 as is: no attn_weighting", dlConfig1 + "model = \"distr_learner\"\n", `missing key "attn_weighting"`, nil},
		{"distr_learner_mu needs k", dlConfig1 + "attn_weighting = 0.02\n", `missing key "k"`, nil},
		{"unknown key", single + "lr_unit = 0.1\n", `unknown key "lr_unit"`, nil},
		{"wrong type", single + "k = \"five\"\n", `last key "k"`, nil},
		{"unknown model", dlConfig1 + "attn_weighting = 0.02\nmodel = \"distr\"\n", `unknown distribution learner "distr"`, nil},
		{"distr_learner_mu recruiting no unit", dlConfig1 + "attn_weighting = 0.02\nk = 0.01\n", "int(50·0.01) = 0 units", nil},
		{"non-positive attn_weighting", dlConfig1 + "attn_weighting = 0\nmodel = \"distr_learner\"\n", "attn_weighting = 0", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := Load("test.toml", []byte(c.data))
			if c.errHas != "" {
				require.ErrorContains(t, err, c.errHas)
				require.ErrorContains(t, err, "test.toml")
				return
			}
			require.NoError(t, err)
			if c.check != nil {
				c.check(t, got)
			}
		})
	}
}

// TestLoadValues checks errors on values, each naming the key.
func TestLoadValues(t *testing.T) {
	base := dlConfig1 + "attn_weighting = 0.02\nmodel = \"distr_learner\"\n"
	for _, c := range []struct{ from, to, errHas string }{
		{"unit_recruit_type = 'feedback'", "unit_recruit_type = 'threshold'", "unit_recruit_type"},
		{`loss_fn = "bcelogits"`, `loss_fn = "mse"`, "loss_fn"},
		{`optim = "sgd"`, `optim = "adam"`, "optim"},
		{"max_nunits = 50", "max_nunits = 0", "max_nunits"},
		{"momentum = 0", "momentum = -1", "momentum"},
		{"num_runs = 10", "num_runs = 0", "num_runs"},
	} {
		data := replaceOnce(t, base, c.from, c.to)
		_, _, err := Load("test.toml", []byte(data))
		require.ErrorContains(t, err, c.errHas, c.to)
	}
}

func replaceOnce(t *testing.T, s, from, to string) string {
	t.Helper()
	for i := 0; i+len(from) <= len(s); i++ {
		if s[i:i+len(from)] == from {
			return s[:i] + to + s[i+len(from):]
		}
	}
	t.Fatalf("%q not in the config", from)
	return ""
}

// TestNewChecksTask: the learner must have the task's dimensions, and
// gets as many outputs as the task has classes.
func TestNewChecksTask(t *testing.T) {
	c := Default()
	shj, err := task.SHJ(1)
	require.NoError(t, err)
	_, err = c.Keys.New(shj, seed.Source{})
	require.ErrorContains(t, err, "n_dims = 2, but task shj1 has 3 dimensions")
	l, err := c.Keys.New(task.NewStimuli(), seed.Source{})
	require.NoError(t, err)
	require.Equal(t, 2, l.(*model.Model).Params().Classes)
}

// TestFastConfig decodes the fast_config tables of the original's
// configs/config_dlMU_dnn_1.yaml and config_dl_dnn_1.yaml (as TOML) the
// way a dual stream does, and checks the learners they give: the
// configs of the dlmu_new and dl_new fixtures.
func TestFastConfig(t *testing.T) {
	for _, c := range []struct {
		fast, table string
		want        model.Params
	}{
		{"distr_learner_mu", `
[fast_config]
attn_weighting = 0.02
k = 0.01
lesion = 0
noise = 0
optim = "sgd"
loss_fn = "bcelogits"
model_type = "clustering"
max_nunits = 500
n_dims = 2
unit_recruit_type = "feedback"
Phi = 1
from_logits = true
lr_attn = 0.002
lr_nn = 0.025
lr_units = 0.002
momentum = 0
random_seed = 999
`, model.Params{Kind: model.Multi, MaxUnits: 500, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
			LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, K: 0.01}},
		{"distr_learner", `
[fast_config]
attn_weighting = 0.02
optim = "sgd"
loss_fn = "bcelogits"
model_type = "clustering"
max_nunits = 50
n_dims = 2
unit_recruit_type = 'feedback'
Phi = 1
from_logits = true
lr_attn = 0.002
lr_nn = 0.025
lr_units = 0.002 # rob original = 0.005
momentum = 0
random_seed = 999
`, model.Params{Kind: model.Single, MaxUnits: 50, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
			LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025}},
	} {
		var v struct {
			Fast Keys `toml:"fast_config"`
		}
		ignored, err := config.Decode("dual.toml", []byte(c.table), &v, FastIgnored...)
		require.NoError(t, err)
		require.NotEmpty(t, ignored)
		v.Fast.learner = c.fast
		l, err := v.Fast.New(task.NewStimuli(), seed.Source{})
		require.NoError(t, err)
		require.Equal(t, c.want, l.(*model.Model).Params())
	}
}

// TestConfig1File: the shipped config1.toml (the original's dl_model
// config1 with attn_weighting added) is distr_learner with 50 units, and
// otherwise config_dlMU_1's values with 10 runs.
func TestConfig1File(t *testing.T) {
	const path = "../../configs/distrlearner/config1.toml"
	c, ignored := fixture.LoadFile(t, path, Load)
	require.Equal(t, []string{"from_logits", "model_type"}, ignored)
	want := Default()
	want.ConfigVersion, want.NumRuns, want.Model = "config1", 10, model.SingleName
	want.MaxNUnits, want.K, want.learner = 50, 0, model.SingleName
	require.Equal(t, want, *c)
}
