package sweepspec

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// Axis is one key of a grid and the values it takes, in order.
type Axis struct {
	Key    string
	Values []any
}

// Spec is a sweep spec: a template config, fixed overrides and one or more
// grids, whose configs are numbered in turn from Offset.
type Spec struct {
	Path     string         // the spec file, named in errors
	Name     string         // config n is called Name_n (its config_version)
	Model    string         // the model the configs are for (default "dualstream")
	Offset   int            // the number of the first config (default 1)
	Template map[string]any // the template config, decoded
	Fixed    []sweep.Value  // set in every config before the grid's keys
	// Grids are the spec's grids in file order; within a grid the first
	// key varies slowest, as the nested loops of config_generator.py.
	Grids [][]Axis
}

// specKeys are the keys a spec file may have at its top level.
var specKeys = map[string]bool{"name": true, "model": true, "offset": true, "template": true,
	"fixed": true, "grid": true, "description": true}

// ReadSpec reads the sweep spec at path. The template, when given as a
// file name, is read relative to the spec's folder.
func ReadSpec(path string) (*Spec, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sweep spec: %w", err)
	}
	return ParseSpec(path, data)
}

// ParseSpec decodes a sweep spec (path names it in errors and locates a
// template file).
func ParseSpec(path string, data []byte) (*Spec, error) {
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, config.Wrap(path, err)
	}
	s := &Spec{Path: path, Model: "dualstream", Offset: 1}
	for k := range raw {
		if !specKeys[k] {
			return nil, fmt.Errorf("%s: unknown key %q (a sweep spec has name, model, offset, description, template, [fixed] and [grid] or [[grid]])", path, k)
		}
	}
	if v, ok := raw["name"]; ok {
		name, ok := v.(string)
		if !ok || output.CheckName(name) != nil || strings.Contains(name, " ") {
			return nil, fmt.Errorf("%s: name = %v: want a plain folder name without spaces, slashes or a leading dot (config n is called <name>_n)", path, v)
		}
		s.Name = name
	} else {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if v, ok := raw["model"]; ok {
		m, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: model = %v: want a string naming the model", path, v)
		}
		s.Model = m
	}
	if v, ok := raw["offset"]; ok {
		n, ok := v.(int64)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%s: offset = %v: want a non-negative integer (the number of the first config)", path, v)
		}
		s.Offset = int(n)
	}
	switch t := raw["template"].(type) {
	case nil:
		return nil, fmt.Errorf("%s: missing key \"template\": a config file (relative to the spec) or an inline [template] table", path)
	case string:
		tp := t
		if !filepath.IsAbs(tp) {
			tp = filepath.Join(filepath.Dir(path), tp)
		}
		tdata, err := config.ReadFile(tp)
		if err != nil {
			return nil, fmt.Errorf("%s: template: %w", path, err)
		}
		if s.Template, err = keypath.Decode(tp, tdata); err != nil {
			return nil, fmt.Errorf("%s: template: %w", path, err)
		}
	case map[string]any:
		s.Template = t
	default:
		return nil, fmt.Errorf("%s: template = %v: want a config file name or a [template] table", path, t)
	}
	if s.Fixed, err = leaves(path, md, raw, "fixed"); err != nil {
		return nil, err
	}
	if s.Grids, err = grids(path, md, raw); err != nil {
		return nil, err
	}
	return s, nil
}

// leaves returns the values under the table called table, as key paths in
// file order.
func leaves(path string, md toml.MetaData, raw map[string]any, table string) ([]sweep.Value, error) {
	t, ok := raw[table]
	if !ok {
		return nil, nil
	}
	tm, ok := t.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s: want a table of key paths and values", path, table)
	}
	var out []sweep.Value
	for _, k := range md.Keys() {
		if len(k) < 2 || k[0] != table || isTable(md, k) {
			continue
		}
		v, _ := keypath.Lookup(tm, k[1:])
		out = append(out, sweep.Value{Key: strings.Join(k[1:], "."), Value: v})
	}
	return out, nil
}

// grids returns the spec's grids: one for a [grid] table, one per element
// of a [[grid]] array, each key's values in file order.
func grids(path string, md toml.MetaData, raw map[string]any) ([][]Axis, error) {
	var tables []map[string]any
	switch g := raw["grid"].(type) {
	case nil:
		return nil, fmt.Errorf("%s: empty grid: no [grid] table (want at least one key path with a list of values)", path)
	case map[string]any:
		tables = []map[string]any{g}
	case []map[string]any:
		tables = g
	default:
		return nil, fmt.Errorf("%s: grid: want a [grid] table or [[grid]] tables of key paths and value lists", path)
	}
	out := make([][]Axis, len(tables))
	i := -1 // a [[grid]] element's header moves i to it
	if _, single := raw["grid"].(map[string]any); single {
		i = 0
	}
	for _, k := range md.Keys() {
		if k[0] != "grid" {
			continue
		}
		if len(k) == 1 {
			if md.Type(k...) == "ArrayHash" {
				i++ // the next [[grid]] element starts
			}
			continue
		}
		if isTable(md, k) {
			continue
		}
		key := strings.Join(k[1:], ".")
		v, _ := keypath.Lookup(tables[i], k[1:])
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: grid key %q = %v: want a list of values, e.g. [0.001, 0.002]", path, key, v)
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("%s: grid key %q: empty list of values", path, key)
		}
		out[i] = append(out[i], Axis{Key: key, Values: list})
	}
	for gi, axes := range out {
		if len(axes) == 0 {
			return nil, fmt.Errorf("%s: empty grid (grid %d of %d has no key paths)", path, gi+1, len(out))
		}
		seen := map[string]bool{}
		for _, a := range axes {
			if seen[a.Key] {
				return nil, fmt.Errorf("%s: grid key %q appears twice in grid %d", path, a.Key, gi+1)
			}
			seen[a.Key] = true
		}
	}
	return out, nil
}

func isTable(md toml.MetaData, k toml.Key) bool {
	t := md.Type(k...)
	return t == "Hash" || t == "ArrayHash"
}

// ParseSet parses a command-line override key=value, the value in TOML
// (strings quoted), e.g. num_runs=2 or fast_config.lr_nn=0.001.
func ParseSet(s string) (sweep.Value, error) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return sweep.Value{}, fmt.Errorf("-set %q: want key.path=value", s)
	}
	var m map[string]any
	if _, err := toml.Decode("v = "+v, &m); err != nil {
		return sweep.Value{}, fmt.Errorf("-set %q: the value must be a TOML value (quote strings): %v", s, err)
	}
	return sweep.Value{Key: k, Value: m["v"]}, nil
}

// set is keypath.Set, refusing as well a float (1.5, or 2.0) where the
// config has an integer.
func set(m map[string]any, key string, v any) error {
	if old, ok := keypath.Get(m, key); ok {
		_, oldInt := old.(int64)
		if _, isFloat := v.(float64); oldInt && isFloat {
			return fmt.Errorf("value %s is not an integer where the config has one (%s)", keypath.Show(v), keypath.Show(old))
		}
	}
	return keypath.Set(m, key, v)
}
