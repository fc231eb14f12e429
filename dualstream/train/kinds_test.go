package train_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/dualstream/train"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
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

// tables are a table of keys of every fast kind of stream.
var tables = map[string]string{
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
	"exit": "c = 2.87\nP = 2.48\nphi = 4.42\nl_gain = 4.42\nl_weight = 0.222\nl_ex = 1.13\nsigma = [1.0, 1.0, 1.0]\niterations = 10\nabsval = 0\n",
}

// TestEveryFastKind runs every fast stream of the registry with the deep
// network on SHJ type II for a few blocks: the registry builds each from
// its table and the dual stream composes them through the contract only.
func TestEveryFastKind(t *testing.T) {
	require.ElementsMatch(t, models.Kinds().Names(learner.Fast), keys(tables), "a fast kind without a test table")
	// EXIT's inputs are cue presences, and a stimulus with none present
	// (SHJ's first) leaves its attention nothing to normalise.
	tasks := map[string]string{"exit": "testdata/cues.csv"}
	dir := t.TempDir()
	for name, table := range tables {
		t.Run(name, func(t *testing.T) {
			cfg := "config_version = 'k'\nfast = '" + name + "'\nslow = 'dnn'\nloss_fn = 'crossentropy'\nrandom_seed = 3\nnum_blocks = 4\nnum_runs = 2\n" +
				"task = '" + cmp.Or(tasks[name], "shj2") + "'\n\n[fast_config]\n" + table + "\n" + slowSHJ
			p := filepath.Join(dir, name+".toml")
			require.NoError(t, os.WriteFile(p, []byte(cfg), 0o644))
			plan, err := cli.Prepare(models.Dual(), cli.Options{Config: p})
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
	kinds := models.Kinds()
	for _, role := range []learner.Role{learner.Fast, learner.Slow} {
		for _, name := range kinds.Names(role) {
			k, err := kinds.Lookup(name, role)
			require.NoError(t, err)
			e := k.Keys().Memory(task.NewStimuli())
			assert.Positive(t, e.Bytes, "%s: its keys estimate no memory", name)
		}
	}
}

// TestMissingKey drops each key a table needs, one at a time, from every
// kind's table: the error names the key under its table, as a
// single-stream config names it at the top level, however the key's need
// depends on the others (a clustering stream needs beta with the
// equivalent temperature).
func TestMissingKey(t *testing.T) {
	kinds := models.Kinds()
	const top = "config_version = 'k'\nloss_fn = 'crossentropy'\nrandom_seed = 3\nnum_blocks = 4\nnum_runs = 2\n"
	fastDNN := "fast = 'distr_learner_mu'\nslow = 'dnn'\n[fast_config]\n" + tables["distr_learner_mu"]
	for _, c := range []struct {
		role       learner.Role
		name, body string
	}{
		{learner.Fast, "clustering", ""}, {learner.Fast, "multiunit_clustering", ""}, {learner.Fast, "distr_learner", ""},
		{learner.Fast, "distr_learner_mu", ""}, {learner.Fast, "sustain", ""}, {learner.Fast, "alcove", ""},
		{learner.Fast, "exit", ""}, {learner.Slow, "dnn", strings.TrimPrefix(slowSHJ, "[slow_config]\n")},
	} {
		kind, err := kinds.Lookup(c.name, c.role)
		require.NoError(t, err)
		body := cmp.Or(c.body, tables[c.name])
		keys := kind.Keys()
		require.NoError(t, toml.Unmarshal([]byte(body), keys), c.name)
		required := keys.Required()
		require.NotEmpty(t, required)
		if c.name == "clustering" {
			require.Contains(t, required, "beta", "the equivalent temperature needs beta")
		}
		for _, key := range required {
			t.Run(c.name+"/"+key, func(t *testing.T) {
				var kept []string
				for _, line := range strings.Split(body, "\n") {
					if !strings.HasPrefix(line, key+" = ") {
						kept = append(kept, line)
					}
				}
				require.Less(t, len(kept), len(strings.Split(body, "\n")), "the table sets %s", key)
				table := strings.Join(kept, "\n")
				cfg := top + fastDNN + "\n" + slowSHJ
				if c.role == learner.Fast {
					cfg = top + "fast = '" + c.name + "'\nslow = 'dnn'\n[fast_config]\n" + table + "\n" + slowSHJ
				} else {
					cfg = top + fastDNN + "\n[slow_config]\n" + table
				}
				_, err := train.Parse("d.toml", []byte(cfg), kinds)
				require.Error(t, err)
				assert.Contains(t, err.Error(), fmt.Sprintf("d.toml: missing key \"%s_config.%s\"", c.role, key))
			})
		}
	}
}

// TestMissingKeySingle drops the same keys from a single-stream config of
// each kind's model: the message names the key as the dual stream's does
// under its table, "missing key" both ways.
func TestMissingKeySingle(t *testing.T) {
	const loop = "config_version = 'k'\nloss_fn = 'crossentropy'\nrandom_seed = 3\nnum_blocks = 4\nnum_runs = 2\noptim = 'sgd'\n"
	for _, e := range models.Entries() {
		if e.Kinds == nil {
			continue
		}
		for _, kind := range e.Kinds() {
			body, ok := tables[kind.Name]
			if kind.Role == learner.Slow {
				body, ok = strings.TrimPrefix(slowSHJ, "[slow_config]\n"), true
			}
			require.True(t, ok, kind.Name)
			if e.Name == "distrlearner" {
				body += "model = '" + kind.Name + "'\n"
			}
			keys := kind.Keys()
			require.NoError(t, toml.Unmarshal([]byte(body), keys), kind.Name)
			for _, key := range []string{keys.Required()[0], keys.Required()[len(keys.Required())-1]} {
				t.Run(e.Name+"/"+kind.Name+"/"+key, func(t *testing.T) {
					var kept []string
					for _, line := range strings.Split(body, "\n") {
						if !strings.HasPrefix(line, key+" = ") {
							kept = append(kept, line)
						}
					}
					_, err := e.Model().Load("s.toml", []byte(loop+strings.Join(kept, "\n")))
					require.Error(t, err)
					assert.Contains(t, err.Error(), fmt.Sprintf("s.toml: missing key \"%s\"", key))
				})
			}
		}
	}
}
