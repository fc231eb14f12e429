package train

import (
	"os"
	"strings"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

const config1Path = "../../configs/clustering/config1.toml"

// TestConfig1File: the shipped config1.toml decodes to exactly the
// built-in default, and its keys the original ignores are reported.
func TestConfig1File(t *testing.T) {
	c, ignored := fixture.LoadFile(t, config1Path, Load)
	require.Equal(t, Default(), *c)
	require.Equal(t, []string{"from_logits", "high_attn_reg_strength", "high_attn_regularizer", "num_clusters", "out_features"}, ignored)
}

// TestShippedOrders: the order table shipped beside the config is the
// original's, as in testdata.
func TestShippedOrders(t *testing.T) {
	a, err := os.ReadFile("../../configs/clustering/shj_run2indices_50.csv")
	require.NoError(t, err)
	b, err := os.ReadFile(orders)
	require.NoError(t, err)
	require.Equal(t, b, a)
}

func TestNewStimuliFile(t *testing.T) {
	const path = "../../configs/clustering/new_stimuli.toml"
	c, _ := fixture.LoadFile(t, path, Load)
	tasks, err := task.Parse(c.Task)
	require.NoError(t, err)
	m, err := c.Keys.New(tasks[0], seed.Source{})
	require.NoError(t, err)
	p := m.(*model.Model).Params()
	require.Equal(t, 100, p.Clusters)
	require.Equal(t, 2, p.Dims)
	require.Equal(t, 0.01, p.LRCentres)
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name     string
		key      string
		repl     string
		want     []string
		wantNone bool
	}{
		{"unknown key", "lr_clustring", "lr_clustring = 0.1", []string{"my.toml", `unknown key "lr_clustring"`}, false},
		{"wrong type", "r", `r = "two"`, []string{"my.toml", "r"}, false},
		{"syntax error", "q", "q = = 1", []string{"my.toml", "line"}, false},
		{"missing key", "thr", "", []string{"my.toml", `missing key "thr"`}, false},
		{"missing loop key", "num_runs", "", []string{"my.toml", `missing key "num_runs"`}, false},
		{"missing beta with the equivalent temperature", "beta", "", []string{"my.toml", `missing key "beta"`}, false},
		{"bad temperature word", "temp_competition", `temp_competition = "equal"`, []string{"my.toml", "temp_competition", `want "equivalent" or a number`}, false},
		{"zero soft WTA temperature", "temp_softwta", "temp_softwta = 0", []string{"my.toml", "temp_softwta = 0"}, false},
		{"bad constraint", "high_attn_constraint", `high_attn_constraint = "l1"`, []string{"my.toml", `high_attn_constraint = "l1"`}, false},
		{"unknown loss", "loss_fn", `loss_fn = "mse"`, []string{"my.toml", `loss_fn = "mse"`}, false},
		{"no runs", "num_runs", "num_runs = 0", []string{"my.toml", "num_runs = 0"}, false},
		{"negative rate", "lr_clustering", "lr_clustering = -0.1", []string{"my.toml", "lr_clustering = -0.1"}, false},
		{"fractional r", "r", "r = 1.5", []string{"my.toml", "r = 1.5"}, false},
		{"numeric temperature without beta is fine", "beta", "", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := fixture.EditKey(t, config1Path, c.key, c.repl)
			if c.wantNone {
				data = fixture.EditKey(t, config1Path, "temp_competition", "temp_competition = 0.5")
				data = []byte(strings.Replace(string(data), "beta = 3.0", "", 1))
			}
			_, _, err := Load("my.toml", data)
			if c.wantNone {
				require.NoError(t, err)
				return
			}
			fixture.ErrorContains(t, err, c.want...)
		})
	}
}

func TestNumericTemperature(t *testing.T) {
	for _, v := range []struct {
		text string
		want float64
	}{{"0.5", 0.5}, {"2", 2}} {
		c, _, err := Load("t.toml", fixture.EditKey(t, config1Path, "temp_competition", "temp_competition = "+v.text))
		require.NoError(t, err)
		require.Equal(t, Temperature{Value: v.want}, c.TempCompetition)
		p, err := c.Params()
		require.NoError(t, err)
		require.False(t, p.Equivalent)
		require.Equal(t, v.want, p.TempCompetition)
	}
}

func TestTaskMismatch(t *testing.T) {
	shj, _ := task.SHJ(3)
	cases := []struct {
		name string
		edit func(*Config)
		task *task.Task
		want string
	}{
		{"dimensions", nil, task.NewStimuli(), "in_features = 3, but task new-stimuli has 2 dimensions"},
		{"signatures beyond the units", func(c *Config) { c.MaxNumClusters = 6 }, shj, "max_num_clusters = 6, but task shj3 has an item of signature 6"},
		{"three classes", nil, &task.Task{Name: "abc", Dims: 3, Classes: 3}, "task abc has 3 classes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			if c.edit != nil {
				c.edit(&cfg)
			}
			_, err := cfg.Keys.New(c.task, seed.Source{})
			require.ErrorContains(t, err, c.want)
		})
	}
}
