package train

import (
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

const config1Path = "../../configs/exit/config1.toml"

// TestConfig1File: the shipped config1.toml decodes to exactly the
// built-in default.
func TestConfig1File(t *testing.T) {
	c, ignored := fixture.LoadFile(t, config1Path, Load)
	require.Equal(t, Default(), *c)
	require.Empty(t, ignored)
}

// TestLoadErrors: bad configs are refused, naming the file and the key.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, key, repl string
		want            []string
	}{
		{"unknown key", "c", "c = 2.87\nexemplars = \"items\"", []string{"my.toml", `unknown key "exemplars"`}},
		{"missing key", "l_ex", "", []string{"my.toml", `missing key "l_ex"`}},
		{"wrong type", "phi", `phi = "high"`, []string{"my.toml", "phi"}},
		{"negative c", "c", "c = -1.0", []string{"my.toml", "c = -1"}},
		{"zero P", "P", "P = 0.0", []string{"my.toml", "P = 0"}},
		{"negative rate", "l_gain", "l_gain = -0.5", []string{"my.toml", "l_gain = -0.5"}},
		{"empty sigma", "sigma", "sigma = []", []string{"my.toml", "sigma = []"}},
		{"negative sigma", "sigma", "sigma = [1.0, -1.0]", []string{"my.toml", "sigma[2] = -1"}},
		{"negative iterations", "iterations", "iterations = -3", []string{"my.toml", "iterations = -3"}},
		{"absval 1", "absval", "absval = 1.0", []string{"my.toml", "absval = 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Load("my.toml", fixture.EditKey(t, config1Path, c.key, c.repl))
			fixture.ErrorContains(t, err, c.want...)
		})
	}
}

// TestParams: exemplars are the distinct items with a category; tasks
// whose features are not cue presences, or whose cues sigma does not
// cover, are refused with the reason.
func TestParams(t *testing.T) {
	k := Default().Keys
	item := func(x []float64, label int) task.Item {
		y := make([]float64, 4)
		if label >= 0 {
			y[label] = 1
		}
		return task.Item{X: x, Label: max(label, 0), Target: y}
	}
	a := []float64{1, 1, 0, 0, 0, 0, 1}
	b := []float64{0, 0, 0, 1, 0, 1, 1}
	tk := &task.Task{Name: "t", Dims: 7, Classes: 4, Items: []task.Item{item(a, 0), item(a, 0), item(b, 3), item([]float64{1, 0, 0, 0, 0, 1, 1}, -1)}}
	p, err := k.Params(tk)
	require.NoError(t, err)
	require.Equal(t, 2, p.E)
	require.Equal(t, append(append([]float64(nil), a...), b...), p.Exemplars)

	shj, err := task.SHJ(1)
	require.NoError(t, err)
	_, err = k.Params(shj)
	require.ErrorContains(t, err, "sigma has 7 saliences, but task shj1 has 3 cues")
	k3 := k
	k3.Sigma = []float64{1, 1, 1}
	p, err = k3.Params(shj)
	require.NoError(t, err, "binary SHJ features are cue presences")
	require.Equal(t, 8, p.E)

	cont := &task.Task{Name: "mds", Dims: 7, Classes: 4, Items: []task.Item{item([]float64{0.5, 1, 0, 0, 0, 0, 1}, 0)}}
	_, err = k.Params(cont)
	require.ErrorContains(t, err, "item 1 feature 1 is 0.5: EXIT's inputs are cue presences")
	none := &task.Task{Name: "none", Dims: 7, Classes: 4, Items: []task.Item{item(a, -1)}}
	_, err = k.Params(none)
	require.ErrorContains(t, err, "no item with a category")
}

// The memory estimate grows with the task's items and features, so that
// the fit's budget refuses a design no machine holds.
func TestMemory(t *testing.T) {
	k := Default().Keys
	small := &task.Task{Dims: 7, Classes: 4, Items: make([]task.Item, 8)}
	large := &task.Task{Dims: 7, Classes: 4, Items: make([]task.Item, 8000)}
	s, l := k.Memory(small), k.Memory(large)
	require.Positive(t, int64(s.Bytes))
	require.Greater(t, int64(l.Bytes), 500*int64(s.Bytes))
	require.Contains(t, l.Keys, "8000 items")
}
