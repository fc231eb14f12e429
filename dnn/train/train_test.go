package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"

	"github.com/fastslow/dnn/model"
)

// TestDefaultFile checks that the shipped config1.toml decodes to exactly
// the built-in default.
func TestDefaultFile(t *testing.T) {
	path := filepath.Join("..", "..", "configs", "dnn", "config1.toml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	c, ignored, err := Decode(path, data)
	require.NoError(t, err)
	assert.Empty(t, ignored)
	want := Default()
	want.followTask = false // a file's sizes must match the task
	assert.Equal(t, want, *c)
	require.NoError(t, single().Check(path, c))
	loaded, _, err := Load(path, data)
	require.NoError(t, err)
	assert.Equal(t, 50, loaded.NumRuns, "Load puts n_sims in num_runs")
	assert.Zero(t, loaded.NSims)
}

const config1 = `
config_version = "config1"
act_func = "relu"
lr_dnn = 0.0075
n_units = 25
mom = 0.3
dropout = 0
networks_depth = 3
n_sims = 50
n_epochs = 350
input_size = 3
output_size = 2
random_seed = 999
optim = "sgd"
loss_fn = "bcelogits"
`

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(string) string
		want    string   // an error fragment, or "" for success
		ignored []string // when it succeeds
	}{
		{"config1", func(s string) string { return s }, "", nil},
		{"toolkit spelling", func(s string) string {
			return strings.NewReplacer("n_sims", "num_runs", "n_epochs", "num_blocks").Replace(s)
		}, "", nil},
		{"both spellings", func(s string) string { return s + "num_runs = 50\n" }, `keys "n_sims" and "num_runs" both given`, nil},
		{"config2's lr", func(s string) string { return strings.Replace(s, "lr_dnn", "lr", 1) },
			`key "lr": the network's learning rate is lr_dnn, not lr`, nil},
		{"lr beside lr_dnn", func(s string) string { return s + "lr = 0.1\n" }, "", []string{"lr"}},
		{"slow_config keys", func(s string) string { return s + "bias = true\nn_classes = 2\n" }, "", []string{"bias", "n_classes"}},
		{"missing", func(s string) string {
			return strings.NewReplacer("mom = 0.3\n", "", "n_epochs = 350\n", "").Replace(s)
		}, `missing key "mom", "n_epochs"`, nil},
		{"unknown", func(s string) string { return s + "n_unit = 3\n" }, `unknown key "n_unit"`, nil},
		{"type", func(s string) string { return strings.Replace(s, "n_units = 25", `n_units = "25"`, 1) }, "n_units", nil},
		{"syntax", func(s string) string { return s + "x = = 1\n" }, "line 16", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ignored, err := Decode("my.toml", []byte(tc.edit(config1)))
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.Contains(t, err.Error(), "my.toml")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.ignored, ignored)
			n := c.Normalize()
			assert.Equal(t, 50, n.NumRuns)
			assert.Equal(t, 350, n.NumBlocks)
			assert.Equal(t, Default().NUnits, c.NUnits)
			assert.Equal(t, Default().Keys.Params(), c.Keys.Params())
		})
	}
}

func TestConfigVersionFromFileName(t *testing.T) {
	c, _, err := Decode("dir/config9.toml", []byte(strings.Replace(config1, `config_version = "config1"`, "", 1)))
	require.NoError(t, err)
	assert.Equal(t, "config9", c.ConfigVersion)
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"ok", func(*Config) {}, ""},
		{"runs", func(c *Config) { c.NSims = 0 }, "num_runs = 0"},
		{"loss", func(c *Config) { c.LossFn = "mse" }, `loss_fn = "mse"`},
		{"optim", func(c *Config) { c.Optim = "adam" }, `optim = "adam"`},
		{"act", func(c *Config) { c.ActFunc = "sigmoid" }, `act_func = "sigmoid"`},
		{"dropout", func(c *Config) { c.Dropout = -0.1 }, "dropout = -0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			err := single().Check("my.toml", &c)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "my.toml")
		})
	}
}

func TestNetworkMatchesTask(t *testing.T) {
	shj, err := task.SHJ(1)
	require.NoError(t, err)
	ns := task.NewStimuli()
	n := Default().Keys
	n.followTask = false
	_, err = n.New(shj, seed.For(1, 0))
	require.NoError(t, err)
	_, err = n.New(ns, seed.For(1, 0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "input_size = 3, but task new-stimuli has 2 features per item")
	n.followTask = true
	net, err := n.New(ns, seed.For(1, 0))
	require.NoError(t, err)
	assert.Equal(t, []int{2, 25, 25, 25, 2}, net.(*model.Model).Params().Sizes())
	n.DType, n.followTask = "float32", false
	net, err = n.New(shj, seed.For(1, 0))
	require.NoError(t, err)
	assert.IsType(t, (*model.Model32)(nil), net, `dtype = "float32" builds the float32 network`)
	n.DType = "float16"
	_, err = n.New(shj, seed.For(1, 0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `dtype = "float16": want "float64" (the default) or "float32"`)
}

// TestSlowConfigBlock decodes a dual-stream slow_config block into a
// Keys, as the dual stream does, and checks its missing keys.
func TestSlowConfigBlock(t *testing.T) {
	data := `
fast = "clustering"
[slow_config]
act_func = "relu"
lr_dnn = 1.5
n_units = 25
mom = 0.0
dropout = 0
networks_depth = 3
input_size = 2
bias = true
n_classes = 2
`
	var file struct {
		Fast string `toml:"fast"`
		Slow Keys   `toml:"slow_config"`
	}
	md, err := toml.Decode(data, &file)
	require.NoError(t, err)
	assert.Equal(t, []string{"slow_config.output_size"}, config.Missing(md, RequiredKeys, "slow_config"))
	assert.Equal(t, RequiredKeys, config.Missing(md, RequiredKeys))
	assert.Equal(t, Keys{ActFunc: "relu", LRDNN: 1.5, NUnits: 25, NetworksDepth: 3, InputSize: 2}, file.Slow)
}
