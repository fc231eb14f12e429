// Package keypath reads and sets values at dotted key paths
// ("fast_config.lr_nn") of a decoded TOML config, and checks a config so
// made with its model's Load, so that tools that generate configs (fits,
// sweeps) report a bad key or value before anything runs.
package keypath

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
)

// Decode decodes TOML data (read from path, which errors name) into a tree
// of tables.
func Decode(path string, data []byte) (map[string]any, error) {
	m := map[string]any{}
	if _, err := toml.Decode(string(data), &m); err != nil {
		return nil, config.Wrap(path, err)
	}
	return m, nil
}

// Get returns the value at the dotted key path in m.
func Get(m map[string]any, key string) (any, bool) {
	return Lookup(m, strings.Split(key, "."))
}

// Lookup returns the value at the key path in m, one key per table (a key
// may itself hold a dot, as a quoted TOML key does).
func Lookup(m map[string]any, path []string) (any, bool) {
	var cur any = m
	for _, p := range path {
		t, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = t[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Set puts v at the dotted key path in m, making missing tables. It
// refuses a value whose kind differs from the one already there (a string
// where the config has a number, say), a path through a value, and a key
// that m has but for case (see Fold).
func Set(m map[string]any, key string, v any) error {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		next, ok := m[p]
		if !ok {
			if k, found := foldKey(m, p); found {
				return fmt.Errorf("the config has %q (keys are case-sensitive)", strings.Join(append(parts[:i:i], k), "."))
			}
		}
		if i == len(parts)-1 {
			if ok {
				if ko, kv := Kind(next), Kind(v); ko != kv {
					return fmt.Errorf("value %s is a %s where the config has a %s (%s)", Show(v), kv, ko, Show(next))
				}
			}
			m[p] = v
			break
		}
		if !ok {
			t := map[string]any{}
			m[p] = t
			m = t
			continue
		}
		t, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%q is a value in the config, not a table", strings.Join(parts[:i+1], "."))
		}
		m = t
	}
	return nil
}

// Kind names what a decoded TOML value is: "number" (integers and floats
// alike), "string", "boolean", "table", "list" or "date or time".
func Kind(v any) string {
	switch v.(type) {
	case int64, float64, int:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "table"
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array:
		return "list"
	}
	return "date or time"
}

// Show prints a value as TOML writes it, a table as {…}.
func Show(v any) string {
	if _, ok := v.(map[string]any); ok {
		return "{…}"
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(map[string]any{"v": v}); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(strings.TrimPrefix(buf.String(), "v = "))
}

// Clone copies the tables of m deeply (values are shared: they are never
// changed in place).
func Clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if t, ok := v.(map[string]any); ok {
			v = Clone(t)
		}
		out[k] = v
	}
	return out
}

// Encode returns the canonical TOML text of a config: keys sorted, values
// before tables, as BurntSushi/toml writes a map (with its default
// indentation), so that comments and layout do not count when texts are
// compared or hashed. It is the one form both fitdata's trace checksum and
// the sweep's config checksums are taken of.
func Encode(m map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load encodes m and checks it with the model's Load (name names it in
// errors), as cli.Prepare would; it returns the setup and the text.
func Load(model cli.Model, name string, m map[string]any) (*cli.Setup, []byte, error) {
	data, err := Encode(m)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	s, err := model.Load(name, data)
	if err != nil {
		return nil, nil, err
	}
	if err := s.Loop.Check(name); err != nil {
		return nil, nil, err
	}
	return s, data, nil
}

// Fold returns the key path of m that equals key but for case, if there
// is one: the TOML decoder matches keys to struct fields regardless of
// case, so such a key and key would set the same field.
func Fold(m map[string]any, key string) (string, bool) {
	var cur any = m
	var path []string
	for _, p := range strings.Split(key, ".") {
		t, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		k, found := foldKey(t, p)
		if !found {
			return "", false
		}
		path, cur = append(path, k), t[k]
	}
	return strings.Join(path, "."), true
}

// foldKey returns the key of t that equals key but for case, if there is
// one (key itself first).
func foldKey(t map[string]any, key string) (string, bool) {
	if _, ok := t[key]; ok {
		return key, true
	}
	for k := range t {
		if strings.EqualFold(k, key) {
			return k, true
		}
	}
	return "", false
}

// ShapeKeys are the config keys that fix the shape of a task: its
// dimensions (in_features, n_dims, input_size), its classes (n_classes,
// output_size) and the units a signature may take (max_num_clusters), at
// the top level or in a dual stream's fast_config and slow_config tables.
var ShapeKeys = []struct{ Key, What string }{
	{"in_features", "dims"}, {"n_dims", "dims"}, {"input_size", "dims"},
	{"n_classes", "classes"}, {"output_size", "classes"},
	{"max_num_clusters", "items"},
}

// SetShape sets the shape keys that m has to a task of dims dimensions,
// classes classes and items items (max_num_clusters is raised to items
// at least), so that a config written for one task takes another; it
// returns the settings made, as key=value.
func SetShape(m map[string]any, dims, classes, items int) ([]string, error) {
	var set []string
	for _, prefix := range []string{"", "fast_config.", "slow_config."} {
		for _, k := range ShapeKeys {
			key := prefix + k.Key
			old, ok := Get(m, key)
			if !ok {
				continue
			}
			var v int64
			switch k.What {
			case "dims":
				v = int64(dims)
			case "classes":
				v = int64(classes)
			default:
				n, _ := old.(int64)
				v = max(n, int64(items))
			}
			if err := Set(m, key, v); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			set = append(set, fmt.Sprintf("%s=%d", key, v))
		}
	}
	return set, nil
}

// Builtin returns the key tree of model's built-in default config (its
// config value written as TOML), so that a tool can start from it where
// no config file is given, whatever the working folder.
func Builtin(model cli.Model) (map[string]any, error) {
	s, err := model.Default()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model.Name, err) // the error names the built-in config
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(s.Config); err != nil {
		return nil, fmt.Errorf("%s: built-in config: %w", model.Name, err)
	}
	return Decode(model.Name+" built-in config", buf.Bytes())
}
