package sweepspec

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// Sweep generates the spec's configs with the overrides set (applied after
// the spec's [fixed] table) and checks every one with m's Load before
// anything runs: a key path the model does not accept, a value of the
// wrong type or one the model refuses is an error naming the spec and the
// key.
func (s *Spec) Sweep(m cli.Model, overrides []sweep.Value) (*sweep.Sweep, error) {
	if s.Model != m.Name {
		return nil, fmt.Errorf("%s: model = %q, not %q", s.Path, s.Model, m.Name)
	}
	base := keypath.Clone(s.Template)
	fixed := append(slices.Clone(s.Fixed), overrides...)
	for _, v := range fixed {
		if v.Key == "config_version" {
			return nil, fmt.Errorf("%s: fixed key \"config_version\": the sweep names its configs <name>_n", s.Path)
		}
		if err := set(base, v.Key, v.Value); err != nil {
			return nil, fmt.Errorf("%s: fixed key %q: %w", s.Path, v.Key, err)
		}
	}
	base["config_version"] = s.Name + "_" + strconv.Itoa(s.Offset)
	baseName := s.Path + ": the template with the fixed keys"
	if _, _, err := keypath.Load(m, baseName, base); err != nil {
		return nil, err
	}
	sw := &sweep.Sweep{Name: s.Name, Model: m, Source: s.Path}
	// Each key alone, so that an error names the key that causes it.
	for _, axes := range s.Grids {
		for _, a := range axes {
			if a.Key == "config_version" {
				return nil, fmt.Errorf("%s: grid key \"config_version\": the sweep names its configs <name>_n", s.Path)
			}
			if slices.ContainsFunc(fixed, func(v sweep.Value) bool { return v.Key == a.Key }) {
				return nil, fmt.Errorf("%s: grid key %q is also fixed (in [fixed] or -set)", s.Path, a.Key)
			}
			for _, v := range a.Values {
				c := keypath.Clone(base)
				if err := set(c, a.Key, v); err != nil {
					return nil, fmt.Errorf("%s: grid key %q: %w", s.Path, a.Key, err)
				}
				setup, _, err := keypath.Load(m, fmt.Sprintf("%s: grid key %q = %s", s.Path, a.Key, keypath.Show(v)), c)
				if err != nil {
					return nil, err
				}
				if slices.Contains(setup.Ignored, a.Key) {
					return nil, fmt.Errorf("%s: grid key %q: the %s model ignores this key (as the original does), so the grid would change nothing", s.Path, a.Key, m.Name)
				}
			}
			if !slices.Contains(sw.Keys, a.Key) {
				sw.Keys = append(sw.Keys, a.Key)
			}
		}
	}
	// Every config is held (its TOML and grid values, a few kilobytes):
	// a grid too large to hold is refused before it is made.
	var count budget.Bytes
	for _, axes := range s.Grids {
		p := budget.Bytes(1)
		for _, a := range axes {
			p = p.Times(len(a.Values))
		}
		count = count.Plus(p)
	}
	lim, err := budget.Default()
	if err != nil {
		return nil, err
	}
	if err := lim.Check(fmt.Sprintf("%s: the grid makes %d configs", s.Path, count), count.Times(configBytes)); err != nil {
		return nil, err
	}
	n := s.Offset
	for _, axes := range s.Grids {
		idx := make([]int, len(axes))
		for {
			c := keypath.Clone(base)
			var own []sweep.Value // the values this grid sets
			for i, a := range axes {
				set(c, a.Key, a.Values[idx[i]]) // checked above
				own = append(own, sweep.Value{Key: a.Key, Value: a.Values[idx[i]]})
			}
			name := s.Name + "_" + strconv.Itoa(n)
			c["config_version"] = name
			_, data, err := keypath.Load(m, s.Path+": "+name+" ("+gridString(own)+")", c)
			if err != nil {
				return nil, err
			}
			// Every key of every grid, so that a report can compare configs
			// of different grids (a key another grid sets has the
			// template's value here).
			grid := make([]sweep.Value, len(sw.Keys))
			for i, k := range sw.Keys {
				v, _ := keypath.Get(c, k)
				grid[i] = sweep.Value{Key: k, Value: v}
			}
			sw.Configs = append(sw.Configs, sweep.Config{Number: n, Name: name, Data: data, Grid: grid})
			n++
			// The last key varies fastest, as the innermost loop.
			i := len(axes) - 1
			for ; i >= 0; i-- {
				if idx[i]++; idx[i] < len(axes[i].Values) {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				break
			}
		}
	}
	return sw, nil
}

// configBytes bounds what a generated config holds (its TOML, its grid
// values and the parsed maps while it is made), for the grid's budget.
const configBytes = 16 << 10

func gridString(g []sweep.Value) string {
	parts := make([]string, len(g))
	for i, v := range g {
		parts[i] = v.Key + " = " + keypath.Show(v.Value)
	}
	return strings.Join(parts, ", ")
}

// ReadDir returns the sweep of the TOML configs in dir (a sweep generate
// output, or the original's configs converted), with the overrides set.
// A config's name is its file's name without .toml; its number is the
// name's trailing integer (config_dlMU_dnn_57 → 57), so that -begin/-end
// select by the number in the name even when the folder mixes prefixes
// (config_dl_dnn_5 and config_dlMU_dnn_5 are both number 5) or holds
// names without one (numbered 0: selected only without -begin/-end).
// When no name has a number, configs are numbered by their position from
// 1 in name order. The grid keys are the key paths
// whose values differ between the configs.
func ReadDir(dir string, m cli.Model, overrides []sweep.Value) (*sweep.Sweep, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no .toml configs", dir)
	}
	sw := &sweep.Sweep{Name: filepath.Base(filepath.Clean(dir)), Model: m, Source: dir}
	numbered := false
	maps := make([]map[string]any, len(paths))
	for i, p := range paths {
		data, err := config.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if maps[i], err = keypath.Decode(p, data); err != nil {
			return nil, err
		}
		for _, v := range overrides {
			if err := set(maps[i], v.Key, v.Value); err != nil {
				return nil, fmt.Errorf("%s: -set %s: %w", p, v.Key, err)
			}
		}
		_, data, err = keypath.Load(m, p, maps[i])
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(filepath.Base(p), ".toml")
		c := sweep.Config{Name: name}
		if j := strings.LastIndexFunc(name, func(r rune) bool { return r < '0' || r > '9' }); j < len(name)-1 {
			if c.Number, err = strconv.Atoi(name[j+1:]); err != nil {
				return nil, fmt.Errorf("%s: the number at the end of the name: %w", p, err)
			}
			numbered = true
		}
		c.Data = data
		sw.Configs = append(sw.Configs, c)
	}
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ca, cb := &sw.Configs[order[a]], &sw.Configs[order[b]]
		if numbered && ca.Number != cb.Number {
			return ca.Number < cb.Number
		}
		return ca.Name < cb.Name
	})
	cs := make([]sweep.Config, len(order))
	ms := make([]map[string]any, len(order))
	for i, k := range order {
		cs[i], ms[i] = sw.Configs[k], maps[k]
		if !numbered {
			cs[i].Number = i + 1
		}
	}
	sw.Configs = cs
	sw.Keys = varying(ms)
	for i := range sw.Configs {
		for _, k := range sw.Keys {
			v, _ := keypath.Get(ms[i], k)
			sw.Configs[i].Grid = append(sw.Configs[i].Grid, sweep.Value{Key: k, Value: v})
		}
	}
	return sw, nil
}

// varying returns the sorted key paths (of values, not tables) whose
// values differ between the configs, config_version aside.
func varying(ms []map[string]any) []string {
	flat := make([]map[string]any, len(ms))
	keys := map[string]bool{}
	for i, m := range ms {
		flat[i] = map[string]any{}
		flatten(m, "", flat[i])
		for k := range flat[i] {
			keys[k] = true
		}
	}
	var out []string
	for k := range keys {
		if k == "config_version" {
			continue
		}
		for _, f := range flat[1:] {
			a, oka := flat[0][k]
			b, okb := f[k]
			if oka != okb || !reflect.DeepEqual(a, b) {
				out = append(out, k)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

func flatten(m map[string]any, prefix string, out map[string]any) {
	for k, v := range m {
		if t, ok := v.(map[string]any); ok {
			flatten(t, prefix+k+".", out)
			continue
		}
		out[prefix+k] = v
	}
}

// generatedMark is in the first line of every config Generate writes: it
// replaces only such files.
const generatedMark = "generated by `sweep generate`"

// Generate writes every config of the sweep into dir as <name>.toml,
// headed by a comment with its grid values, and returns how many. A file
// of that name that Generate did not write is refused before any is
// written.
func Generate(sw *sweep.Sweep, dir string) (int, error) {
	for _, c := range sw.Configs {
		if err := output.Replaceable(filepath.Join(dir, c.Name+".toml"), generatedMark); err != nil {
			return 0, err
		}
	}
	for _, c := range sw.Configs {
		head := fmt.Sprintf("# %s: "+generatedMark+" from %s\n# grid: %s\n",
			c.Name, filepath.Base(sw.Source), gridString(c.Grid))
		if err := sweep.WriteFile(filepath.Join(dir, c.Name+".toml"), append([]byte(head), c.Data...)); err != nil {
			return 0, err
		}
	}
	return len(sw.Configs), nil
}

// FormatValue prints a config value as TOML writes it.
func FormatValue(v any) string { return keypath.Show(v) }
