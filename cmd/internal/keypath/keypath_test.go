package keypath

import (
	"bytes"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/dualstream/models"
)

const cfg = `
name = "x"
n = 3
[fast_config]
lr = 0.1
Phi = 10
`

func TestGetSet(t *testing.T) {
	m, err := Decode("c.toml", []byte(cfg))
	require.NoError(t, err)
	v, ok := Get(m, "fast_config.lr")
	assert.True(t, ok)
	assert.Equal(t, 0.1, v)
	_, ok = Get(m, "fast_config.nope")
	assert.False(t, ok)
	_, ok = Get(m, "n.deeper")
	assert.False(t, ok)

	c := Clone(m)
	require.NoError(t, Set(c, "fast_config.lr", 0.5))
	require.NoError(t, Set(c, "n", 2.5), "integers and floats are both numbers")
	require.NoError(t, Set(c, "slow_config.depth", int64(3)), "missing tables are made")
	v, _ = Get(m, "fast_config.lr")
	assert.Equal(t, 0.1, v, "a clone's tables are its own")
	v, _ = Get(c, "slow_config.depth")
	assert.Equal(t, int64(3), v)

	assert.ErrorContains(t, Set(c, "name", 1.0), `value 1.0 is a number where the config has a string ("x")`)
	assert.ErrorContains(t, Set(c, "n.deeper", 1.0), `"n" is a value in the config, not a table`)

	k, ok := Fold(m, "FAST_CONFIG.phi")
	assert.True(t, ok)
	assert.Equal(t, "fast_config.Phi", k)
	_, ok = Fold(m, "fast_config.psi")
	assert.False(t, ok)

	a, err := Encode(c)
	require.NoError(t, err)
	b, err := Encode(Clone(c))
	require.NoError(t, err)
	assert.Equal(t, a, b, "the canonical text does not depend on map order")
	_, err = Decode("bad.toml", []byte("x = "))
	assert.ErrorContains(t, err, "bad.toml: line 1")
}

func TestSetCaseAndShow(t *testing.T) {
	m, err := Decode("c.toml", []byte(cfg))
	require.NoError(t, err)
	assert.ErrorContains(t, Set(m, "fast_config.phi", 1.0), `the config has "fast_config.Phi" (keys are case-sensitive)`)
	assert.ErrorContains(t, Set(m, "FAST_CONFIG.new", 1.0), `the config has "fast_config" (keys are case-sensitive)`)
	require.NoError(t, Set(m, "fast_config.Phi", 1.0))
	assert.Equal(t, "{…}", Show(m["fast_config"]))
	assert.ErrorContains(t, Set(m, "fast_config", 1.0), "value 1.0 is a number where the config has a table ({…})")
	m["a.b"] = 2.0
	v, ok := Lookup(m, []string{"a.b"})
	assert.True(t, ok)
	assert.Equal(t, 2.0, v)
}

func TestLoad(t *testing.T) {
	_, _, err := Load(clustering.Model(), "empty", map[string]any{})
	assert.ErrorContains(t, err, "empty: missing key")
	c := map[string]any{"num_blocks": int64(2), "num_runs": int64(1), "random_seed": int64(1), "loss_fn": "bcelogits",
		"max_num_clusters": int64(8), "in_features": int64(3), "r": int64(2), "q": int64(1), "specificity": 0.25,
		"high_attn_constraint": "sumtoone", "temp_competition": "equivalent", "beta": 3.0, "temp_softwta": 0.012,
		"Phi": 10.0, "thr": -0.4, "lr_clustering": 0.1, "center_lr_multiplier": 1.0, "high_attn_lr_multiplier": 1.0,
		"asso_lr_multiplier": 1.0}
	s, text, err := Load(clustering.Model(), "ok", c)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Loop.NumBlocks)
	assert.Contains(t, string(text), "specificity = 0.25")
	require.NoError(t, Set(c, "specificity", -1.0))
	_, _, err = Load(clustering.Model(), "neg", c)
	assert.ErrorContains(t, err, "neg: specificity = -1")
}

// TestSetShape sets the shape keys a config has, at the top and in a dual
// stream's tables, and leaves the others alone.
func TestSetShape(t *testing.T) {
	m, err := Decode("c.toml", []byte("in_features = 3\nmax_num_clusters = 8\nlr = 0.1\n[fast_config]\nn_dims = 2\n[slow_config]\ninput_size = 2\noutput_size = 2\n"))
	require.NoError(t, err)
	set, err := SetShape(m, 6, 4, 30)
	require.NoError(t, err)
	require.Equal(t, []string{"in_features=6", "max_num_clusters=30", "fast_config.n_dims=6", "slow_config.input_size=6", "slow_config.output_size=4"}, set)
	v, _ := Get(m, "slow_config.output_size")
	require.Equal(t, int64(4), v)
	v, _ = Get(m, "lr")
	require.Equal(t, 0.1, v)
	set, err = SetShape(m, 2, 2, 3)
	require.NoError(t, err)
	require.Contains(t, set, "max_num_clusters=30", "never lowered")
}

func encode(t *testing.T, v any) string {
	var buf bytes.Buffer
	require.NoError(t, toml.NewEncoder(&buf).Encode(v))
	return buf.String()
}

// TestBuiltin: every model's built-in config, as a key tree, loads back to
// the same config.
func TestBuiltin(t *testing.T) {
	for _, e := range models.Entries() {
		t.Run(e.Name, func(t *testing.T) {
			m := e.Model()
			tree, err := Builtin(m)
			require.NoError(t, err)
			s, _, err := Load(m, e.Name, tree)
			require.NoError(t, err)
			want, err := m.Default()
			require.NoError(t, err)
			// Compared as TOML: the keys a file can set (the network's
			// built-in sizes follow the task, a file's do not).
			assert.Equal(t, encode(t, want.Config), encode(t, s.Config))
			assert.Equal(t, want.Loop, s.Loop)
		})
	}
}
