package sweepspec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/sweep"
)

// The shipped spec of the original's sweep and its template, relative to
// this package.
const (
	shippedSpec = "../../../configs/sweeps/config_dlMU_dnn.toml"
	template    = "../../../configs/dualstream/config_dlMU_dnn_1.toml"
)

func dualstream(t testing.TB) cli.Model {
	t.Helper()
	m, err := models.Get("dualstream")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writeSpec writes a spec whose template is the shipped config_dlMU_dnn_1
// and returns its path.
func writeSpec(t testing.TB, dir, body string) string {
	t.Helper()
	tp, err := filepath.Abs(template)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "spec.toml")
	text := fmt.Sprintf("template = %q\n%s", tp, body)
	if !strings.Contains(body, "name =") {
		text = "name = \"s\"\n" + text
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sweepOf(t testing.TB, path string, set ...sweep.Value) *sweep.Sweep {
	t.Helper()
	sp, err := ReadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := sp.Sweep(dualstream(t), set)
	if err != nil {
		t.Fatal(err)
	}
	return sw
}

// readYAML reads the original's two-level YAML configs (key: value, and
// tables of two-space indented key: value lines); a value is read as TOML
// when it parses, else as a plain string (sgd, relu, …).
func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]any{}
	var table map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			t.Fatalf("%s: %q: not key: value", path, line)
		}
		v = strings.TrimSpace(v)
		indented := strings.HasPrefix(line, "  ")
		switch {
		case !indented && v == "":
			table = map[string]any{}
			out[k] = table
			continue
		case !indented:
			table = nil
		case table == nil:
			t.Fatalf("%s: %q: indented key outside a table", path, line)
		}
		var m map[string]any
		var val any = v
		if _, err := toml.Decode("v = "+v, &m); err == nil {
			val = m["v"]
		}
		if indented {
			table[k] = val
		} else {
			out[k] = val
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameConfig compares two decoded configs key by key, integers and floats
// by value (the original's YAML writes lr_dnn: 1 where TOML has 1).
func sameConfig(t *testing.T, name string, got, want map[string]any, path string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: %s%s: missing", name, path, k)
			continue
		}
		if wm, ok := w.(map[string]any); ok {
			gm, ok := g.(map[string]any)
			if !ok {
				t.Errorf("%s: %s%s: not a table", name, path, k)
				continue
			}
			sameConfig(t, name, gm, wm, path+k+".")
			continue
		}
		if gf, wf, ok := numbers(g, w); ok {
			if gf != wf {
				t.Errorf("%s: %s%s = %v, want %v", name, path, k, g, w)
			}
		} else if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: %s%s = %#v, want %#v", name, path, k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && !(path == "" && k == "task") {
			t.Errorf("%s: %s%s: a key the original's config does not have", name, path, k)
		}
	}
}

func numbers(a, b any) (float64, float64, bool) {
	f := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	x, ok1 := f(a)
	y, ok2 := f(b)
	return x, y, ok1 && ok2
}

// TestOriginalNumbering regenerates the original's 214 config_dlMU_dnn
// configs from the shipped spec and compares some of them, from each of
// its grids, key by key with the original's own YAML files.
func TestOriginalNumbering(t *testing.T) {
	sw := sweepOf(t, shippedSpec)
	if len(sw.Configs) != 214 {
		t.Fatalf("%d configs, want 214", len(sw.Configs))
	}
	seen := map[string]bool{}
	for i, c := range sw.Configs {
		if c.Number != i+1 || c.Name != fmt.Sprintf("config_dlMU_dnn_%d", i+1) {
			t.Fatalf("config %d is %d %s", i, c.Number, c.Name)
		}
		sum := c.Checksum("dualstream")
		if seen[sum] {
			t.Errorf("%s: the same config as an earlier one", c.Name)
		}
		seen[sum] = true
	}
	// Every config records every key of the sweep, a key its own grid
	// leaves alone at the template's value.
	want := []string{"fast_config.lr_nn", "fast_config.attn_weighting", "slow_config.lr_dnn", "slow_config.n_units", "fast_config.max_nunits"}
	if !reflect.DeepEqual(sw.Keys, want) {
		t.Errorf("keys %v, want %v", sw.Keys, want)
	}
	if g := sw.Configs[0].Grid; len(g) != 5 || g[3].Value != int64(25) || g[4].Value != int64(500) {
		t.Errorf("config 1: grid %v", g)
	}
	files, err := filepath.Glob("testdata/original/config_dlMU_dnn_*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("%d original configs in testdata (%v)", len(files), err)
	}
	for _, f := range files {
		want := readYAML(t, f)
		name := want["config_version"].(string)
		var n int
		fmt.Sscanf(strings.TrimPrefix(name, "config_dlMU_dnn_"), "%d", &n)
		var got map[string]any
		if _, err := toml.Decode(string(sw.Configs[n-1].Data), &got); err != nil {
			t.Fatal(err)
		}
		sameConfig(t, name, got, want, "")
	}
}

// TestGeneratorOffset checks that a spec holding config_generator.py's own
// grid with offset 134 numbers its configs as the script does, the same
// configs as the shipped spec's 134..214.
func TestGeneratorOffset(t *testing.T) {
	dir := t.TempDir()
	path := writeSpec(t, dir, `
name = "config_dlMU_dnn"
offset = 134
[grid]
fast_config.lr_nn = [0.00075, 0.001, 0.0015]
fast_config.attn_weighting = [0.05]
fast_config.max_nunits = [250, 500, 750]
slow_config.lr_dnn = [0.05, 0.075, 0.1]
slow_config.n_units = [16, 64, 128]
`)
	gen := sweepOf(t, path)
	all := sweepOf(t, shippedSpec)
	if len(gen.Configs) != 81 {
		t.Fatalf("%d configs, want 81", len(gen.Configs))
	}
	for i, c := range gen.Configs {
		want := all.Configs[133+i]
		if c.Number != want.Number || !bytes.Equal(c.Data, want.Data) {
			t.Fatalf("config %d (%s) differs from the shipped spec's %s", i, c.Name, want.Name)
		}
	}
	// The innermost loop is the last key: n_units varies fastest.
	if g := gen.Configs[1].Grid; g[4].Value != int64(64) || g[0].Value != 0.00075 {
		t.Errorf("config 135: grid %v", g)
	}
}

// TestReadDir checks that the configs sweep generate writes read back as
// the same sweep: numbers, names and checksums (the header comments do
// not count), with the keys that vary as the grid.
func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	path := writeSpec(t, dir, `
offset = 7
[fixed]
num_runs = 2
[grid]
slow_config.n_units = [16, 64]
fast_config.lr_nn = [0.001, 0.002, 0.003]
`)
	sw := sweepOf(t, path)
	if _, err := Generate(sw, filepath.Join(dir, "configs")); err != nil {
		t.Fatal(err)
	}
	back, err := ReadDir(filepath.Join(dir, "configs"), dualstream(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Keys, []string{"fast_config.lr_nn", "slow_config.n_units"}) {
		t.Errorf("keys %v", back.Keys)
	}
	if len(back.Configs) != 6 {
		t.Fatalf("%d configs", len(back.Configs))
	}
	for i, c := range back.Configs {
		w := sw.Configs[i]
		if c.Number != w.Number || c.Name != w.Name || c.Checksum("dualstream") != w.Checksum("dualstream") {
			t.Errorf("config %d: %d %s, want %d %s (same checksum)", i, c.Number, c.Name, w.Number, w.Name)
		}
	}
	if c := back.Configs[3]; c.Number != 10 || gridValue(c.Grid, "slow_config.n_units") != "64" || gridValue(c.Grid, "fast_config.lr_nn") != "0.001" {
		t.Errorf("config 10: %v", c.Grid)
	}
}

// TestBadSpecs checks that every kind of bad spec is refused before
// anything runs, with an error naming the spec file and the key.
func TestBadSpecs(t *testing.T) {
	cases := []struct {
		name, body string
		set        []sweep.Value
		want       []string // substrings of the error
	}{
		{"unknown key path", "[grid]\nfast_config.lr_nnn = [0.1]\n", nil, []string{"spec.toml", "fast_config.lr_nnn", "unknown key"}},
		{"unknown table", "[grid]\nfast_confg.lr_nn = [0.1]\n", nil, []string{"spec.toml", "fast_confg.lr_nn"}},
		{"no grid", "", nil, []string{"spec.toml", "empty grid"}},
		{"empty list", "[grid]\nfast_config.lr_nn = []\n", nil, []string{"spec.toml", "fast_config.lr_nn", "empty list"}},
		{"empty grid table", "[grid]\n", nil, []string{"spec.toml", "empty grid"}},
		{"empty [[grid]]", "[[grid]]\nfast_config.lr_nn = [0.1]\n[[grid]]\n", nil, []string{"spec.toml", "empty grid", "grid 2 of 2"}},
		{"not a list", "[grid]\nfast_config.lr_nn = 0.1\n", nil, []string{"spec.toml", "fast_config.lr_nn", "want a list"}},
		{"string for a number", "[grid]\nfast_config.lr_nn = [0.1, \"fast\"]\n", nil, []string{"spec.toml", "fast_config.lr_nn", `"fast"`, "a string", "a number"}},
		{"float for an integer", "[grid]\nslow_config.n_units = [16, 1.5]\n", nil, []string{"spec.toml", "slow_config.n_units", "1.5", "not an integer"}},
		{"value the model refuses", "[grid]\nslow_config.act_func = [\"relu\", \"tanh\"]\n", nil, []string{"spec.toml", "slow_config.act_func", "tanh"}},
		{"key the model ignores", "[grid]\nfast_config.noise = [0, 1]\n", nil, []string{"spec.toml", "fast_config.noise", "ignores"}},
		{"key differing by case", "[grid]\nfast_config.LR_NN = [0.1]\n", nil, []string{"spec.toml", "fast_config.LR_NN", `the config has "fast_config.lr_nn"`}},
		{"table for a value", "[grid]\nfast_config = [1, 2]\n", nil, []string{"spec.toml", "fast_config", "a table"}},
		{"config_version", "[grid]\nconfig_version = [\"a\"]\n", nil, []string{"spec.toml", "config_version"}},
		{"key twice", "[grid]\nfast_config.lr_nn = [0.1]\n\"fast_config.lr_nn\" = [0.2]\n", nil, []string{"spec.toml", "fast_config.lr_nn", "twice"}},
		{"grid and fixed", "[fixed]\nfast_config.lr_nn = 0.1\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", "fast_config.lr_nn", "also fixed"}},
		{"grid and -set", "[grid]\nfast_config.lr_nn = [0.1]\n", []sweep.Value{{Key: "fast_config.lr_nn", Value: 0.2}}, []string{"spec.toml", "fast_config.lr_nn", "also fixed"}},
		{"bad fixed value", "[fixed]\nnum_runs = 0\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", "num_runs"}},
		{"unknown fixed key", "[fixed]\nnum_run = 2\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", "num_run"}},
		{"unknown spec key", "grids = 1\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", `"grids"`}},
		{"negative offset", "offset = -1\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", "offset"}},
		{"wrong model", "model = \"dnn\"\n[grid]\nfast_config.lr_nn = [0.1]\n", nil, []string{"spec.toml", "dnn"}},
		{"syntax", "[grid\n", nil, []string{"spec.toml", "line"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeSpec(t, t.TempDir(), c.body)
			sp, err := ReadSpec(path)
			if err == nil {
				_, err = sp.Sweep(dualstream(t), c.set)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if _, err := ReadSpec("testdata/none.toml"); err == nil || !strings.Contains(err.Error(), "none.toml") {
		t.Errorf("missing spec: %v", err)
	}
	path := writeSpec(t, t.TempDir(), "") // a template that is not there
	os.WriteFile(path, []byte("template = \"nothere.toml\"\n[grid]\nnum_runs = [1]\n"), 0o644)
	if _, err := ReadSpec(path); err == nil || !strings.Contains(err.Error(), "nothere.toml") {
		t.Errorf("missing template: %v", err)
	}
}

// TestShards checks the shard and range selection and its errors.
func TestShards(t *testing.T) {
	sw := &sweep.Sweep{Source: "s.toml"}
	for n := 5; n <= 14; n++ {
		sw.Configs = append(sw.Configs, sweep.Config{Number: n})
	}
	for _, c := range []struct {
		begin, end, shard, shards int
		want                      []int
	}{
		{0, 0, 0, 1, []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14}},
		{7, 9, 0, 1, []int{7, 8, 9}},
		{0, 0, 1, 4, []int{6, 10, 14}},
		{0, 0, 3, 4, []int{8, 12}},
		{6, 0, 0, 3, []int{6, 9, 12}},
		{0, 0, 11, 12, nil},
	} {
		got, err := sw.Select(c.begin, c.end, c.shard, c.shards)
		if err != nil {
			t.Fatal(err)
		}
		var nums []int
		for _, g := range got {
			nums = append(nums, g.Number)
		}
		if !reflect.DeepEqual(nums, c.want) {
			t.Errorf("%+v: %v", c, nums)
		}
	}
	for _, c := range []struct{ begin, end, shard, shards int }{{0, 0, 4, 4}, {0, 0, -1, 4}, {0, 0, 0, 0}, {9, 7, 0, 1}, {20, 30, 0, 1}} {
		if _, err := sw.Select(c.begin, c.end, c.shard, c.shards); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	for _, s := range []string{"4/4", "-1/4", "1", "a/b", "0/0"} {
		if _, _, err := ParseShard(s); err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("-shard %s: %v", s, err)
		}
	}
	if i, n, err := ParseShard("3/4"); err != nil || i != 3 || n != 4 {
		t.Errorf("3/4: %d/%d %v", i, n, err)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "7")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "4")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "5")
	if i, n, ok, err := ShardFromEnv(); !ok || err != nil || i != 2 || n != 4 {
		t.Errorf("Slurm task 7 of 5..8: shard %d/%d %v %v", i, n, ok, err)
	}
}

// TestSet checks -set parsing and that overrides reach every config.
func TestSet(t *testing.T) {
	v, err := ParseSet("slow_config.act_func=\"relu\"")
	if err != nil || v.Key != "slow_config.act_func" || v.Value != "relu" {
		t.Errorf("%+v %v", v, err)
	}
	for _, bad := range []string{"num_runs", "=3", "slow_config.act_func=relu"} {
		if _, err := ParseSet(bad); err == nil {
			t.Errorf("-set %s: no error", bad)
		}
	}
	path := writeSpec(t, t.TempDir(), "[grid]\nfast_config.lr_nn = [0.1, 0.2]\n")
	sw := sweepOf(t, path, sweep.Value{Key: "num_runs", Value: int64(3)})
	for _, c := range sw.Configs {
		if !bytes.Contains(c.Data, []byte("num_runs = 3\n")) {
			t.Errorf("%s: -set num_runs=3 not applied:\n%s", c.Name, c.Data)
		}
	}
}

// TestInlineTemplate checks that an inline [template] table makes the same
// configs as the template file it copies.
func TestInlineTemplate(t *testing.T) {
	var tm map[string]any
	if _, err := toml.DecodeFile(template, &tm); err != nil {
		t.Fatal(err)
	}
	spec := map[string]any{"name": "s", "template": tm,
		"grid": map[string]any{"slow_config": map[string]any{"n_units": []any{int64(16), int64(64)}}}}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(spec); err != nil {
		t.Fatal(err)
	}
	sp, err := ParseSpec("inline.toml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	inline, err := sp.Sweep(dualstream(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	file := sweepOf(t, writeSpec(t, t.TempDir(), "[grid]\nslow_config.n_units = [16, 64]\n"))
	for i := range file.Configs {
		if !bytes.Equal(inline.Configs[i].Data, file.Configs[i].Data) {
			t.Errorf("config %d differs:\n%s\nwant\n%s", i, inline.Configs[i].Data, file.Configs[i].Data)
		}
	}
}

// gridValue returns the value of key in g as fmt prints it.
func gridValue(g []sweep.Value, key string) string {
	for _, v := range g {
		if v.Key == key {
			return fmt.Sprint(v.Value)
		}
	}
	return ""
}

// TestOneGridElement checks that a [[grid]] array of one element makes the
// same configs as the [grid] table it spells differently (it once indexed
// past the grids and panicked).
func TestOneGridElement(t *testing.T) {
	dir := t.TempDir()
	table := sweepOf(t, writeSpec(t, dir, "[grid]\nfast_config.lr_nn = [0.1, 0.2]\nslow_config.lr_dnn = [0.5]\n"))
	sub := filepath.Join(dir, "array")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	array := sweepOf(t, writeSpec(t, sub, "[[grid]]\nfast_config.lr_nn = [0.1, 0.2]\nslow_config.lr_dnn = [0.5]\n"))
	if len(table.Configs) != 2 || len(array.Configs) != len(table.Configs) {
		t.Fatalf("%d configs from [grid], %d from one [[grid]] element; want 2 each", len(table.Configs), len(array.Configs))
	}
	for i, c := range array.Configs {
		if c.Name != table.Configs[i].Name || !bytes.Equal(c.Data, table.Configs[i].Data) {
			t.Errorf("config %d: %s from [[grid]] differs from %s from [grid]", i, c.Name, table.Configs[i].Name)
		}
	}
}
