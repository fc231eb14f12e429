// Package convert turns the original project's YAML configs into the
// toolkit's TOML configs: the same keys, with a dual stream's fast and slow
// keys in their own tables, and a task key saying what the config trains
// on. A config the toolkit cannot run is refused with the reason.
package convert

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Entry is one key and value, in the order of the source file.
type Entry struct {
	Key   string
	Value any // bool, int64, float64, string, or []Entry for a table
}

// Result is a converted config.
type Result struct {
	Kind  string // the model: "dualstream", "clustering", "dnn", "multiunit", "distrlearner"
	Name  string // the config's name (its file name without extension)
	TOML  []byte
	Notes []string // what the conversion changed or inferred
}

// Keys tells the converter which keys each model reads, to recognise a
// single-stream config and to split a flat dual-stream config.
type Keys struct {
	// Fast and Slow map a stream kind ("clustering", "dnn", …) to the
	// keys its config table may hold.
	Fast, Slow map[string][]string
}

// loopKeys stay at the top of a dual-stream config.
var loopKeys = []string{"config_version", "optim", "loss_fn", "fast", "slow", "random_seed", "num_blocks", "num_runs", "task"}

// singleDirs maps the original's module folders to the toolkit's modules
// and their default tasks.
var singleDirs = map[string]struct{ kind, task string }{
	"clustering_model":     {"clustering", "shj"},
	"dnn_model":            {"dnn", "shj"},
	"multiunit_clustering": {"multiunit", "shj"},
	"dl_model":             {"distrlearner", "new-stimuli"},
}

// Convert converts the YAML config data read from path. The kind of
// config follows from its keys (fast/slow tables: a dual stream) or, for a
// single stream, from the original's folder it sits in
// (clustering_model/configs/…) or its keys.
func Convert(path string, data []byte, keys Keys) (*Result, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not YAML: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a mapping of keys to values at the top", path)
	}
	entries, err := mapping(path, doc.Content[0])
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	r := &Result{Name: name}
	if v, ok := get(entries, "config_version"); ok && v != name {
		r.Notes = append(r.Notes, fmt.Sprintf("config_version was %q; set to the file's name %q so results do not collide", v, name))
	}
	entries = set(entries, "config_version", name)

	_, hasFast := get(entries, "fast_config")
	_, hasSlow := get(entries, "slow_config")
	_, namesFast := get(entries, "fast")
	_, inModule := singleDirs[filepath.Base(filepath.Dir(filepath.Dir(path)))]
	switch {
	case inModule && !hasFast && !hasSlow && !namesFast:
		entries, err = single(path, entries, keys, r)
	case hasFast || hasSlow:
		r.Kind = "dualstream"
		entries, err = dual(path, entries, r)
	case namesFast || splits(entries, keys):
		r.Kind = "dualstream"
		entries, err = flat(path, entries, keys, r)
	default:
		entries, err = single(path, entries, keys, r)
	}
	if err != nil {
		return nil, err
	}
	r.TOML = encode(entries, r.Notes)
	return r, nil
}

// dual completes a dual-stream config that has its tables.
func dual(path string, e []Entry, r *Result) ([]Entry, error) {
	for _, k := range []string{"fast", "slow"} {
		if _, ok := get(e, k); !ok {
			return nil, fmt.Errorf("%s: a dual-stream config needs key %q (the stream in the %s_config table)", path, k, k)
		}
	}
	return withTask(e, r), nil
}

// withTask adds the task: the SHJ problems for the SHJ-era configs, whose
// streams take 3-D inputs, else the new stimuli (the original's dual
// stream trains on them whatever the config says).
func withTask(e []Entry, r *Result) []Entry {
	if _, ok := get(e, "task"); ok {
		return e
	}
	task := "new-stimuli"
	if slow, ok := get(e, "slow_config"); ok {
		if n, ok := get(slow.([]Entry), "input_size"); ok && n == int64(3) {
			task = "shj"
			r.Notes = append(r.Notes, "SHJ-era config (3-D inputs): task = \"shj\" (the original's current code would train it on the 2-D new stimuli and fail)")
		}
	}
	return insertAfter(e, "num_runs", Entry{"task", task})
}

// splits reports whether a flat config holds the keys of a fast and a
// slow stream.
func splits(e []Entry, keys Keys) bool {
	return owner(e, keys.Fast) != "" && owner(e, keys.Slow) != ""
}

// owner returns the kind in kinds that reads the most keys of e ("" if
// none reads any).
func owner(e []Entry, kinds map[string][]string) string {
	best, bestN := "", 0
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		n := 0
		for _, key := range kinds[k] {
			if _, ok := get(e, key); ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = k, n
		}
	}
	return best
}

// flat splits an SHJ-era config that lists both streams' keys at the top
// level into the fast_config and slow_config tables (the original's
// current code reads the tables and fails on these files).
func flat(path string, e []Entry, keys Keys, r *Result) ([]Entry, error) {
	fast, _ := get(e, "fast")
	slow, _ := get(e, "slow")
	if fast == nil {
		fast = owner(e, keys.Fast)
		r.Notes = append(r.Notes, fmt.Sprintf("no key fast: inferred fast = %q from its keys", fast))
		e = insertAfter(e, "config_version", Entry{"fast", fast})
	}
	if slow == nil {
		slow = owner(e, keys.Slow)
		r.Notes = append(r.Notes, fmt.Sprintf("no key slow: inferred slow = %q from its keys", slow))
		e = insertAfter(e, "fast", Entry{"slow", slow})
	}
	fk, ok1 := keys.Fast[fmt.Sprint(fast)]
	sk, ok2 := keys.Slow[fmt.Sprint(slow)]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: fast = %v, slow = %v: not streams the toolkit has", path, fast, slow)
	}
	in := func(list []string, k string) bool {
		for _, v := range list {
			if v == k {
				return true
			}
		}
		return false
	}
	var top, ft, st []Entry
	var unknown []string
	for _, en := range e {
		switch {
		case in(loopKeys, en.Key):
			top = append(top, en)
		case in(fk, en.Key):
			ft = append(ft, en)
		case in(sk, en.Key):
			st = append(st, en)
		default:
			unknown = append(unknown, en.Key)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%s: keys %v belong to neither the fast stream %v nor the slow stream %v; move them into fast_config or slow_config tables by hand", path, unknown, fast, slow)
	}
	for _, k := range []struct {
		key string
		def any
	}{{"optim", "sgd"}, {"loss_fn", "bcelogits"}} {
		if _, ok := get(top, k.key); !ok {
			top = append(top, Entry{k.key, k.def})
			r.Notes = append(r.Notes, fmt.Sprintf("no key %s: set to %q, what the original's SHJ-era configs use", k.key, k.def))
		}
	}
	r.Notes = append(r.Notes, "flat SHJ-era config: the streams' keys moved into [fast_config] and [slow_config]")
	top = append(top, Entry{"fast_config", ft}, Entry{"slow_config", st})
	return withTask(top, r), nil
}

// single recognises a single-stream config by its folder or keys.
func single(path string, e []Entry, keys Keys, r *Result) ([]Entry, error) {
	dir := filepath.Base(filepath.Dir(filepath.Dir(path)))
	d, ok := singleDirs[dir]
	if !ok {
		all := map[string][]string{}
		for k, v := range keys.Fast {
			all[k] = v
		}
		for k, v := range keys.Slow {
			all[k] = v
		}
		kind := owner(e, all)
		if kind == "" {
			return nil, fmt.Errorf("%s: no model reads these keys: not a config of the original (put it in clustering_model/configs/, dnn_model/configs/, multiunit_clustering/configs/ or dl_model/configs/ to name its model)", path)
		}
		d = byKind(kind)
		r.Notes = append(r.Notes, fmt.Sprintf("model %s recognised from its keys", d.kind))
	}
	r.Kind = d.kind
	if _, ok := get(e, "task"); !ok {
		e = append(e, Entry{"task", d.task})
	}
	if d.kind == "distrlearner" {
		if _, ok := get(e, "model"); !ok {
			e = append(e, Entry{"model", "distr_learner_mu"})
			r.Notes = append(r.Notes, "model = \"distr_learner_mu\": the original's dl_model/main.py always builds that learner")
		}
	}
	return e, nil
}

func byKind(kind string) struct{ kind, task string } {
	switch kind {
	case "clustering":
		return singleDirs["clustering_model"]
	case "dnn":
		return singleDirs["dnn_model"]
	case "multiunit_clustering":
		return singleDirs["multiunit_clustering"]
	}
	return singleDirs["dl_model"]
}

// mapping reads a YAML mapping into entries, in order.
func mapping(path string, n *yaml.Node) ([]Entry, error) {
	var out []Entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return nil, fmt.Errorf("%s: line %d: key %q given twice", path, k.Line, k.Value)
		}
		seen[k.Value] = true
		val, err := scalar(path, k.Value, v)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{k.Value, val})
	}
	return out, nil
}

func scalar(path, key string, v *yaml.Node) (any, error) {
	switch v.Kind {
	case yaml.MappingNode:
		return mapping(path, v)
	case yaml.ScalarNode:
		var x any
		if err := v.Decode(&x); err != nil {
			return nil, fmt.Errorf("%s: line %d: key %q: %w", path, v.Line, key, err)
		}
		switch t := x.(type) {
		case int:
			return int64(t), nil
		case nil:
			return nil, fmt.Errorf("%s: line %d: key %q has no value (TOML has no null); give it one or remove it", path, v.Line, key)
		case bool, string, float64, int64:
			return t, nil
		}
		return nil, fmt.Errorf("%s: line %d: key %q: value of type %s is not supported", path, v.Line, key, reflect.TypeOf(x))
	}
	return nil, fmt.Errorf("%s: line %d: key %q: lists and other structures are not config values", path, v.Line, key)
}

func get(e []Entry, key string) (any, bool) {
	for _, en := range e {
		if en.Key == key {
			return en.Value, true
		}
	}
	return nil, false
}

func set(e []Entry, key string, v any) []Entry {
	for i := range e {
		if e[i].Key == key {
			e[i].Value = v
			return e
		}
	}
	return append([]Entry{{key, v}}, e...)
}

func insertAfter(e []Entry, after string, en Entry) []Entry {
	for i := range e {
		if e[i].Key == after {
			return append(e[:i+1], append([]Entry{en}, e[i+1:]...)...)
		}
	}
	// After the last scalar, before the tables.
	for i := range e {
		if _, table := e[i].Value.([]Entry); table {
			return append(e[:i], append([]Entry{en}, e[i:]...)...)
		}
	}
	return append(e, en)
}

// encode writes entries as TOML: scalars first, in order, then tables.
func encode(e []Entry, notes []string) []byte {
	var b bytes.Buffer
	b.WriteString("# Converted from the original's YAML by `go run ./cmd/configs import`.\n")
	for _, n := range notes {
		b.WriteString("# Note: " + n + "\n")
	}
	var tables []Entry
	for _, en := range e {
		if t, ok := en.Value.([]Entry); ok {
			tables = append(tables, Entry{en.Key, t})
			continue
		}
		b.WriteString(key(en.Key) + " = " + value(en.Value) + "\n")
	}
	for _, t := range tables {
		b.WriteString("\n[" + key(t.Key) + "]\n")
		for _, en := range t.Value.([]Entry) {
			b.WriteString(key(en.Key) + " = " + value(en.Value) + "\n")
		}
	}
	return b.Bytes()
}

func key(k string) string {
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return strconv.Quote(k)
		}
	}
	return k
}

func value(v any) string {
	switch t := v.(type) {
	case bool:
		return strconv.FormatBool(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		switch {
		case math.IsInf(t, 1):
			return "inf"
		case math.IsInf(t, -1):
			return "-inf"
		case math.IsNaN(t):
			return "nan"
		}
		s := strconv.FormatFloat(t, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	case string:
		return strconv.Quote(t)
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}
