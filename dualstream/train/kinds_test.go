package train

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

const slowSHJ = `[slow_config]
act_func = "relu"
lr_dnn = 0.0075
n_units = 25
mom = 0.0
dropout = 0
networks_depth = 3
input_size = 3
output_size = 2
`

// TestEveryFastKind runs every fast stream of the registry with the deep
// network on SHJ type II for a few blocks: the registry builds each from
// its table and the dual stream composes them through the contract only.
func TestEveryFastKind(t *testing.T) {
	tables := map[string]string{
		"clustering": "max_num_clusters = 8\nin_features = 3\nr = 2\nq = 1\nspecificity = 0.25\nhigh_attn_constraint = 'sumtoone'\nbeta = 3.0\n" +
			"temp_competition = 'equivalent'\ntemp_softwta = 0.012\nPhi = 10\nthr = -0.4\nlr_clustering = 0.1\ncenter_lr_multiplier = 1.0\n" +
			"high_attn_lr_multiplier = 1.0\nasso_lr_multiplier = 1.0\n",
		"multiunit_clustering": "n_units = 1000\nn_dims = 3\nn_classes = 2\nr = 1\nc = 0.2\nphi = 7.0\nk = 0.05\nlr_nn = 0.0035\nlr_attn = 3.0\n" +
			"lr_clusters = 0.15\nattn_type = 'dimensional_local'\n",
		"distr_learner": "max_nunits = 50\nn_dims = 3\nunit_recruit_type = 'feedback'\nPhi = 1\nattn_weighting = 0.02\nlr_attn = 0.002\n" +
			"lr_units = 0.002\nlr_nn = 0.025\nmomentum = 0\n",
		"distr_learner_mu": "max_nunits = 500\nn_dims = 3\nunit_recruit_type = 'feedback'\nPhi = 1\nattn_weighting = 0.02\nlr_attn = 0.002\n" +
			"lr_units = 0.002\nlr_nn = 0.025\nmomentum = 0\nk = 0.01\n",
		"sustain": "r = 9.01245\nbeta = 1.252233\nd = 16.924073\neta = 0.092327\nlambda = 1.0\n",
		"alcove": "c = 6.33\nphi = 0.011\nla = 0.409\nlw = 0.179\nr = 1\nq = 1\nalpha = 0.33\nh = 'items'\ndec = 'BN'\nhumble = true\n" +
			"attcon = true\nabsval = 0\n",
	}
	require.ElementsMatch(t, Names(Fast), keys(tables), "a fast kind without a test table")
	dir := t.TempDir()
	for name, table := range tables {
		t.Run(name, func(t *testing.T) {
			cfg := "config_version = 'k'\nfast = '" + name + "'\nslow = 'dnn'\nloss_fn = 'crossentropy'\nrandom_seed = 3\nnum_blocks = 4\nnum_runs = 2\n" +
				"task = 'shj2'\n\n[fast_config]\n" + table + "\n" + slowSHJ
			p := filepath.Join(dir, name+".toml")
			require.NoError(t, os.WriteFile(p, []byte(cfg), 0o644))
			plan, err := cli.Prepare(Model(), cli.Options{Config: p})
			require.NoError(t, err)
			res := run.Do(context.Background(), plan.Jobs, run.Options{})
			require.NoError(t, res[0].Err)
			assert.Equal(t, []string{"fast", "slow", "total"}, res[0].Parts)
			st := res[0].Runs[0].Model.State()
			require.NotEmpty(t, st)
			assert.Contains(t, st[0].Name, "FastModel.")
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestEveryKindSizes: every kind's keys estimate their model's memory, so
// that the dual stream's budget counts both parts.
func TestEveryKindSizes(t *testing.T) {
	for _, role := range []Role{Fast, Slow} {
		for _, name := range Names(role) {
			k, err := Lookup(name, role)
			require.NoError(t, err)
			_, ok := k.Keys().(cli.Sizer)
			assert.True(t, ok, "%s: its keys do not implement cli.Sizer", name)
		}
	}
}
