package train

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	config1Path  = "../../configs/alcove/config1.toml"
	exalcovePath = "../../configs/alcove/exalcove.toml"
)

// TestConfig1File: the shipped config1.toml decodes to exactly the
// built-in default.
func TestConfig1File(t *testing.T) {
	c, ignored := fixture.LoadFile(t, config1Path, Load)
	require.Equal(t, Default(), *c)
	require.Empty(t, ignored)
}

// TestShippedSettings: the two shipped configs give the model catlearn's
// settings of its nosof94bnalcove() and nosof94exalcove() on an SHJ task:
// hidden nodes on the 8 stimuli in catlearn's order, α, the rules.
func TestShippedSettings(t *testing.T) {
	shj := task.Repeat(mustSHJ(t, 4), 2)
	nodes := []float64{0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1}
	cases := []struct {
		path string
		want model.Params
	}{
		{config1Path, model.Params{Nodes: nodes, Hidden: 8, Dims: 3, Outputs: 2, C: 6.33, Phi: 0.011, LA: 0.409, LW: 0.179, R: 1, Q: 1,
			Alpha: []float64{.33, .33, .33}, Rule: model.BackgroundNoise, Humble: true, AttCon: true, AbsVal: 0}},
		{exalcovePath, model.Params{Nodes: nodes, Hidden: 8, Dims: 3, Outputs: 2, C: 5.8219, Phi: 1.9539, LA: 0.9856, LW: 0.0754, R: 1, Q: 1,
			Alpha: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, Rule: model.ExpRatio, Humble: true, AbsVal: -1}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			cfg, _ := fixture.LoadFile(t, c.path, Load)
			require.Equal(t, 2, cfg.Passes)
			require.Equal(t, 16, cfg.NumBlocks)
			require.Equal(t, 100, cfg.NumRuns)
			p, err := cfg.Params(shj)
			require.NoError(t, err)
			require.Equal(t, c.want, p)
		})
	}
}

func mustSHJ(t testing.TB, typ int) *task.Task {
	tk, err := task.SHJ(typ)
	require.NoError(t, err)
	return tk
}

// TestLoadErrors: configs that cannot run are errors naming the file, the
// key and what is expected.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		key  string
		repl string
		want []string
	}{
		{"unknown key", "lr", "lr = 0.1", []string{"my.toml", `unknown key "lr"`}},
		{"wrong type", "c", `c = "six"`, []string{"my.toml", "c"}},
		{"syntax error", "q", "q = = 1", []string{"my.toml", "line"}},
		{"missing key", "phi", "", []string{"my.toml", `missing key "phi"`}},
		{"missing option", "humble", "", []string{"my.toml", `missing key "humble"`}},
		{"missing loop key", "num_runs", "", []string{"my.toml", `missing key "num_runs"`}},
		{"bad decision rule", "dec", `dec = "softmax"`, []string{"my.toml", `dec = "softmax": want "ER"`}},
		{"bad attention rule", "attention_rule", `attention_rule = "exact"`, []string{"my.toml", `attention_rule = "exact"`}},
		{"zero c", "c", "c = 0", []string{"my.toml", "c = 0: want a positive finite number"}},
		{"negative phi", "phi", "phi = -0.5", []string{"my.toml", "phi = -0.5"}},
		{"zero la", "la", "la = 0", []string{"my.toml", "la = 0: want 0 < la ≤ 1"}},
		{"lw above 1", "lw", "lw = 1.2", []string{"my.toml", "lw = 1.2: want 0 < lw ≤ 1"}},
		{"zero r", "r", "r = 0", []string{"my.toml", "r = 0"}},
		{"absval 1", "absval", "absval = 1", []string{"my.toml", "absval = 1: want a finite number below 1"}},
		{"negative alpha", "alpha", "alpha = -0.1", []string{"my.toml", "alpha = -0.1: want a finite number ≥ 0"}},
		{"negative alpha in a list", "alpha", "alpha = [0.3, -0.1, 0.3]", []string{"my.toml", "alpha[2] = -0.1"}},
		{"empty alpha", "alpha", "alpha = []", []string{"my.toml", "alpha = []"}},
		{"zero alpha with the constraint", "alpha", "alpha = 0", []string{"my.toml", "alpha: all 0, but attcon"}},
		{"alpha a word", "alpha", `alpha = "equal"`, []string{"my.toml", "alpha", "want a number"}},
		{"empty h", "h", `h = ""`, []string{"my.toml", `h = ""`}},
		{"missing nodes file", "h", `h = "no/such/nodes.csv"`, []string{"my.toml", "h: open no/such/nodes.csv"}},
		{"ragged nodes", "h", "h = [[0, 1], [0]]", []string{"my.toml", "h: node 2 has 1 coordinates, node 1 has 2"}},
		{"node not numbers", "h", `h = [[0, "a"]]`, []string{"my.toml", "h: node 1 coordinate 2"}},
		{"no nodes", "h", "h = []", []string{"my.toml", "h: no nodes"}},
		{"negative passes", "passes", "passes = -1", []string{"my.toml", "passes = -1"}},
		{"no runs", "num_runs", "num_runs = 0", []string{"my.toml", "num_runs = 0"}},
		{"unknown loss", "loss_fn", `loss_fn = "mse"`, []string{"my.toml", `loss_fn = "mse"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Load("my.toml", fixture.EditKey(t, config1Path, c.key, c.repl))
			fixture.ErrorContains(t, err, c.want...)
		})
	}
}

// TestLoadForms: the accepted forms of alpha and h, the extension key and
// catlearn's colskip (accepted, reported as ignored).
func TestLoadForms(t *testing.T) {
	shj := mustSHJ(t, 2)
	cases := []struct {
		name, key, repl string
		check           func(t *testing.T, c *Config, p model.Params, ignored []string)
	}{
		{"alpha list", "alpha", "alpha = [0.5, 0.25, 0.25]", func(t *testing.T, c *Config, p model.Params, _ []string) {
			require.Equal(t, []float64{0.5, 0.25, 0.25}, p.Alpha)
		}},
		{"alpha integer", "alpha", "alpha = 1", func(t *testing.T, c *Config, p model.Params, _ []string) {
			require.Equal(t, []float64{1, 1, 1}, p.Alpha)
		}},
		{"inline nodes", "h", "h = [[0, 0, 0], [1, 1, 1]]", func(t *testing.T, c *Config, p model.Params, _ []string) {
			require.Equal(t, 2, p.Hidden)
			require.Equal(t, []float64{0, 0, 0, 1, 1, 1}, p.Nodes)
		}},
		{"gradient rule", "attention_rule", `attention_rule = "gradient"`, func(t *testing.T, c *Config, p model.Params, _ []string) {
			require.Equal(t, 1, int(p.Attention))
		}},
		{"colskip", "colskip", "colskip = 4", func(t *testing.T, c *Config, p model.Params, ignored []string) {
			require.Equal(t, []string{"colskip"}, ignored)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, ignored, err := Load("my.toml", fixture.EditKey(t, config1Path, c.key, c.repl))
			require.NoError(t, err)
			p, err := cfg.Params(shj)
			require.NoError(t, err)
			c.check(t, cfg, p, ignored)
		})
	}
}

// TestTaskMismatch: settings that do not fit the task are refused when
// the model is made.
func TestTaskMismatch(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		task *task.Task
		want string
	}{
		{"alpha per dimension", func(c *Config) { c.Alpha = Alpha{List: []float64{0.3, 0.3, 0.4}} }, task.NewStimuli(),
			"alpha has 3 values, but task new-stimuli has 2 dimensions"},
		{"node positions", func(c *Config) { c.H = Nodes{Rows: [][]float64{{0, 0, 0}}} }, task.NewStimuli(),
			"h: node 1 has 3 coordinates, but task new-stimuli has 2 dimensions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.edit(&cfg)
			require.NoError(t, cfg.Keys.Check())
			_, err := cfg.Keys.New(c.task, seed.Source{})
			require.ErrorContains(t, err, c.want)
		})
	}
}

// TestItemNodes: h = "items" puts one node on each distinct stimulus:
// 8 on an SHJ task whatever the passes, 97 on the 100 new stimuli (two
// points of category B occur three times and twice: the original rounded
// them to 2 decimals); a third class gets a third output node.
func TestItemNodes(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		task           *task.Task
		nodes, outputs int
	}{
		{task.Repeat(mustSHJ(t, 6), 2), 8, 2},
		{task.NewStimuli(), 97, 2},
		{&task.Task{Name: "abc", Dims: 1, Classes: 3, Items: []task.Item{{X: []float64{0}}, {X: []float64{1}, Label: 2}, {X: []float64{0}}}}, 2, 3},
	} {
		m, err := c.Keys.New(tc.task, seed.Source{})
		require.NoError(t, err, tc.task.Name)
		require.Equal(t, tc.nodes, m.Active(), tc.task.Name)
		require.Equal(t, tc.outputs, m.(*model.Model).Params().Outputs, tc.task.Name)
	}
}

// TestReadNodes: the nodes file of catlearn's shin92 test, and files that
// are not node positions.
func TestReadNodes(t *testing.T) {
	rows, err := ReadNodes("../testdata/catlearn_alcove_shin92_nodes.csv")
	require.NoError(t, err)
	require.Len(t, rows, 16)
	require.Equal(t, []float64{0.6511, -1.5177, 0.407, -0.9353}, rows[0])

	dir := t.TempDir()
	cases := []struct{ name, text, want string }{
		{"empty", "", "empty file"},
		{"header only", "node,h1\n", "no nodes after the header"},
		{"not a number", "h1,h2\n0,x\n", `line 2: column "h2": "x" is not a finite number`},
		{"ragged", "h1,h2\n0,1\n2\n", "wrong number of fields"},
		{"only labels", "node\n1\n", "no coordinate columns"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".csv")
			require.NoError(t, os.WriteFile(p, []byte(c.text), 0o644))
			_, err := ReadNodes(p)
			require.ErrorContains(t, err, p)
			require.ErrorContains(t, err, c.want)
		})
	}
}

// TestFastConfigTable: the keys as a dual-stream config's [fast_config]
// table, decoded as the dual stream's registry decodes a table (into a
// zero Keys), checked, and built on the new stimuli; the model runs as a
// fast stream and learns by its own rule whatever gradient it is given.
func TestFastConfigTable(t *testing.T) {
	const text = `
fast = "alcove"
[fast_config]
c = 2.0
phi = 4.0
la = 0.1
lw = 0.2
r = 1
q = 1
alpha = 0.5
h = "items"
dec = "ER"
humble = true
attcon = false
absval = -1
`
	var top struct {
		Fast       string         `toml:"fast"`
		FastConfig toml.Primitive `toml:"fast_config"`
	}
	md, err := toml.Decode(text, &top)
	require.NoError(t, err)
	keys := new(Keys)
	require.NoError(t, md.PrimitiveDecode(top.FastConfig, keys))
	for _, k := range RequiredKeys {
		require.True(t, md.IsDefined("fast_config", k), k)
	}
	require.NoError(t, keys.Check())
	tk := task.NewStimuli()
	m, err := keys.New(tk, seed.Source{})
	require.NoError(t, err)
	var s stream.Stream = m
	dz := []float64{0.3, -0.3}
	for i, it := range tk.Items {
		tr := &stream.Trial{Index: i, X: it.X, Target: it.Target, Label: it.Label}
		z := s.Forward(tr)
		require.Len(t, z, 2)
		s.Learn(tr, dz)
	}
	require.Equal(t, 97, s.Active())
	require.False(t, s.Recruited())
	require.Len(t, s.State(), 3)
}

// TestDistinct: the hidden nodes of "items" are the distinct stimuli in
// item order, alike for a small task (compared row by row) and a large
// one (a map); -0 and 0 are told apart, as before by their printed form.
func TestDistinct(t *testing.T) {
	for _, c := range []struct {
		name  string
		items [][]float64
		want  []float64
	}{
		{"repeats", [][]float64{{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 1}}, []float64{1, 0, 0, 1, 1, 1}},
		{"signed zero", [][]float64{{0, 1}, {math.Copysign(0, -1), 1}}, []float64{0, 1, math.Copysign(0, -1), 1}},
	} {
		for _, copies := range []int{1, 40} { // 40 copies: over 64 items, the map
			t.Run(fmt.Sprint(c.name, copies), func(t *testing.T) {
				tk := &task.Task{Name: c.name, Dims: 2, Classes: 2}
				for range copies {
					for _, x := range c.items {
						tk.Items = append(tk.Items, task.Item{X: x})
					}
				}
				got := distinct(tk)
				require.Len(t, got, len(c.want))
				for i := range got {
					assert.Equal(t, math.Float64bits(c.want[i]), math.Float64bits(got[i]), "value %d", i)
				}
			})
		}
	}
}
