package train_test

import (
	"os"
	"testing"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/dualstream/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The built-in default is the shipped config_dlMU_dnn_1.
func TestDefaultIsShippedConfig(t *testing.T) {
	want, err := os.ReadFile("../../configs/dualstream/config_dlMU_dnn_1.toml")
	require.NoError(t, err)
	got, err := os.ReadFile("default.toml")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "train/default.toml must be a copy of configs/dualstream/config_dlMU_dnn_1.toml")
}

func TestParse(t *testing.T) {
	data, err := os.ReadFile("default.toml")
	require.NoError(t, err)
	p, err := train.Parse("d.toml", data, models.Kinds())
	require.NoError(t, err)
	assert.Equal(t, "distr_learner_mu", p.Fast)
	assert.Equal(t, 350, p.Loop.NumBlocks)
	assert.Contains(t, p.Ignored, "fast_config.model_type")
	assert.Contains(t, p.Ignored, "slow_config.bias")
}

func TestParseErrors(t *testing.T) {
	base := "loss_fn = 'bcelogits'\nrandom_seed = 1\nnum_blocks = 2\nnum_runs = 1\n"
	dl := "[fast_config]\nattn_weighting = 0.02\nk = 0.01\nmax_nunits = 500\nn_dims = 2\nunit_recruit_type = 'feedback'\nPhi = 1\nlr_attn = 0.002\nlr_nn = 0.025\nlr_units = 0.002\nmomentum = 0\n"
	nn := "[slow_config]\nact_func = 'relu'\nlr_dnn = 0.1\nn_units = 25\nmom = 0.0\ndropout = 0\nnetworks_depth = 3\ninput_size = 2\noutput_size = 2\n"
	ok := base + "fast = 'distr_learner_mu'\nslow = 'dnn'\n" + dl + nn
	_, err := train.Parse("d.toml", []byte(ok), models.Kinds())
	require.NoError(t, err)
	_, err = train.Parse("d.toml", []byte(ok+"dtype = 'float32'\n"), models.Kinds())
	require.NoError(t, err, "slow_config.dtype = \"float32\" is the dnn's opt-in dtype")
	for _, tc := range []struct{ body, want string }{
		{base + dl + nn, `d.toml: missing key "fast" or "slow"`},
		{base + "fast = 'exemplar'\nslow = 'dnn'\n" + dl + nn, `d.toml: fast = "exemplar": want one of`},
		{base + "fast = 'dnn'\nslow = 'dnn'\n" + dl + nn, `fast = "dnn": want one of`},
		{base + "fast = 'distr_learner_mu'\nslow = 'dnn'\n" + nn, "missing table [fast_config]"},
		{ok + "extra = 1\n", `d.toml: unknown key "slow_config.extra"`},
		{"lr = 2\n" + ok, `d.toml: unknown key "lr"`},
		{base + "fast = 'distr_learner_mu'\nslow = 'dnn'\n" + dl + "nose = 1\n" + nn, `unknown key "fast_config.nose"`},
		{base + "fast = 'distr_learner_mu'\nslow = 'dnn'\n" + dl + nn[:len(nn)-len("output_size = 2\n")], `missing key "slow_config.output_size"`},
		{base + "fast = 'distr_learner_mu'\nslow = 'dnn'\n" + dl + nn + "n_units = 'x'\n", "d.toml"},
		{ok + "dtype = 'float16'\n", `dtype = "float16": want "float64" (the default) or "float32"`},
	} {
		_, err := train.Parse("d.toml", []byte(tc.body), models.Kinds())
		assert.ErrorContains(t, err, tc.want, tc.body)
	}
}
