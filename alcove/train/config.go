// Package train holds ALCOVE's config (catlearn's names for its settings,
// as TOML keys), its default (Nosofsky et al.'s 1994 fit of ALCOVE to the
// six SHJ problems, as catlearn's nosof94bnalcove), its validation, and
// its wiring into the command line and the dual stream.
package train

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/fastslow/alcove/layers"
	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/csvtable"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are ALCOVE's settings under catlearn's names (the entries of
// slpALCOVE's st list and its arguments): a single-stream config has them
// at the top level, a dual-stream config under fast_config.
type Keys struct {
	C      float64 `toml:"c"`      // specificity of the hidden nodes
	Phi    float64 `toml:"phi"`    // decision constant (ER) or background noise (BN)
	LA     float64 `toml:"la"`     // attention learning rate, 0 < la ≤ 1
	LW     float64 `toml:"lw"`     // association weight learning rate, 0 < lw ≤ 1
	R      float64 `toml:"r"`      // distance metric: 1 city block, 2 Euclidean
	Q      float64 `toml:"q"`      // similarity gradient: 1 exponential, 2 Gaussian
	Alpha  Alpha   `toml:"alpha"`  // initial attention: one number for every dimension, or a list
	H      Nodes   `toml:"h"`      // hidden nodes: "items", a CSV file, or a list of positions
	Dec    string  `toml:"dec"`    // decision rule: "ER" (exponential ratio) or "BN" (background noise)
	Humble bool    `toml:"humble"` // humble teacher (else strict)
	AttCon bool    `toml:"attcon"` // attention changes centred and strengths renormalised to sum 1
	AbsVal float64 `toml:"absval"` // teacher of an absent category: −1 (standard) or 0 (with BN)
	// AttentionRule is our extension: "kruschke" (default; catlearn's
	// rule, the r = q = 1 derivative whatever r and q) or "gradient" (the
	// exact gradient of the error for any r and q).
	AttentionRule string `toml:"attention_rule,omitempty"`
}

// Config is a single-stream ALCOVE config.
type Config struct {
	config.Loop
	Keys
}

// RequiredKeys are the keys a config must set: every setting of
// catlearn's slpALCOVE (st's entries, and the arguments dec, humble,
// attcon and absval, whose catlearn defaults are ER, true, false and −1).
var RequiredKeys = []string{"c", "phi", "la", "lw", "r", "q", "alpha", "h", "dec", "humble", "attcon", "absval"}

// Ignored lists keys a config may carry but the model does not read:
// colskip, the number of leading columns of catlearn's training matrix
// (the toolkit's trials have no such columns).
var Ignored = []string{"colskip"}

// Default returns the built-in config: ALCOVE as Nosofsky, Gluck,
// Palmeri, McKinley & Glauthier (1994) fitted it to their replication of
// the six SHJ problems, as catlearn's nosof94bnalcove() simulates it
// (background-noise rule, teacher 1/0, attention constraint, α = .33,
// c 6.33, phi 0.011, la 0.409, lw 0.179), with catlearn's design: 100
// simulated subjects per type, 16 blocks of 16 trials (each stimulus
// twice per block), hidden nodes on the 8 stimuli.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", NumBlocks: 16, NumRuns: 100, RandomSeed: 7624,
			LossFn: "crossentropy", Optim: "sgd", Task: "shj", Passes: 2},
		Keys: Keys{
			C: 6.33, Phi: 0.011, LA: 0.409, LW: 0.179, R: 1, Q: 1,
			Alpha: Alpha{Value: 0.33}, H: Nodes{Items: true},
			Dec: "BN", Humble: true, AttCon: true, AbsVal: 0,
		},
	}
}

// Required returns the keys a config must set: RequiredKeys.
func (k *Keys) Required() []string { return slices.Clone(RequiredKeys) }

// Check reports settings that cannot run, naming the key. It reads the
// file h names (once: New then uses what it read).
func (k *Keys) Check() error {
	rule, attn, err := k.rules()
	if err != nil {
		return err
	}
	if err := k.Alpha.check(); err != nil {
		return err
	}
	if err := k.H.load(); err != nil {
		return err
	}
	// The other settings, checked by the model on a one-node,
	// one-dimension stand-in whose strength is the sum of alpha's.
	var sum float64
	for _, v := range append([]float64{k.Alpha.Value}, k.Alpha.List...) {
		sum += v
	}
	p := k.params(rule, attn)
	p.Nodes, p.Hidden, p.Dims, p.Outputs, p.Alpha = []float64{0}, 1, 1, 2, []float64{sum}
	return p.Check()
}

func (k *Keys) rules() (model.Rule, layers.AttentionRule, error) {
	var rule model.Rule
	switch k.Dec {
	case "ER":
		rule = model.ExpRatio
	case "BN":
		rule = model.BackgroundNoise
	default:
		return 0, 0, fmt.Errorf("dec = %q: want \"ER\" (exponential ratio) or \"BN\" (background noise)", k.Dec)
	}
	var attn layers.AttentionRule
	switch k.AttentionRule {
	case "", "kruschke":
		attn = layers.Kruschke
	case "gradient":
		attn = layers.Gradient
	default:
		return 0, 0, fmt.Errorf("attention_rule = %q: want \"kruschke\" (catlearn's) or \"gradient\"", k.AttentionRule)
	}
	return rule, attn, nil
}

func (k *Keys) params(rule model.Rule, attn layers.AttentionRule) model.Params {
	return model.Params{C: k.C, Phi: k.Phi, LA: k.LA, LW: k.LW, R: k.R, Q: k.Q,
		Rule: rule, Humble: k.Humble, AttCon: k.AttCon, AbsVal: k.AbsVal, Attention: attn}
}

// Params returns the model's settings for task t: the hidden nodes (for
// "items", one per distinct stimulus of t, in item order), α for t's
// dimensions and one output node per class of t.
func (k *Keys) Params(t *task.Task) (model.Params, error) {
	rule, attn, err := k.rules()
	if err != nil {
		return model.Params{}, err
	}
	p := k.params(rule, attn)
	p.Dims, p.Outputs = t.Dims, t.Classes
	if p.Nodes, err = k.H.positions(t); err != nil {
		return p, err
	}
	p.Hidden = len(p.Nodes) / t.Dims
	if p.Alpha, err = k.Alpha.values(t); err != nil {
		return p, err
	}
	return p, p.Check()
}

// New returns a fresh model for task t; it draws no random numbers.
func (k *Keys) New(t *task.Task, _ seed.Source) (stream.Stream, error) {
	p, err := k.Params(t)
	if err != nil {
		return nil, err
	}
	return learner.Stream(model.New(p))
}

// Alpha is the initial attention: one number for every dimension of the
// task, or one number per dimension.
type Alpha struct {
	Value float64   // every dimension's strength, when List is nil
	List  []float64 // one strength per dimension (non-nil for a list)
}

// UnmarshalTOML implements toml.Unmarshaler: a number or a list of numbers.
func (a *Alpha) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case float64:
		*a = Alpha{Value: x}
	case int64:
		*a = Alpha{Value: float64(x)}
	case []any:
		l := make([]float64, len(x))
		for i, e := range x {
			switch n := e.(type) {
			case float64:
				l[i] = n
			case int64:
				l[i] = float64(n)
			default:
				return fmt.Errorf("alpha[%d] = %v: want a number", i+1, e)
			}
		}
		*a = Alpha{List: l}
	default:
		return fmt.Errorf("alpha = %v: want a number (every dimension) or a list of numbers (one per dimension)", v)
	}
	return nil
}

// MarshalTOML implements toml.Marshaler.
func (a Alpha) MarshalTOML() ([]byte, error) {
	if a.List == nil {
		return []byte(strconv.FormatFloat(a.Value, 'g', -1, 64)), nil
	}
	return floatList(a.List), nil
}

// MarshalJSON implements json.Marshaler, as MarshalTOML.
func (a Alpha) MarshalJSON() ([]byte, error) { return a.MarshalTOML() }

func floatList(v []float64) []byte {
	b := []byte{'['}
	for i, x := range v {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	return append(b, ']')
}

func (a *Alpha) check() error {
	if a.List != nil && len(a.List) == 0 {
		return errors.New("alpha = []: want a number or one number per dimension")
	}
	vals := a.List
	if vals == nil {
		vals = []float64{a.Value}
	}
	for i, v := range vals {
		if !(v >= 0) || math.IsInf(v, 0) {
			if a.List == nil {
				return fmt.Errorf("alpha = %v: want a finite number ≥ 0", v)
			}
			return fmt.Errorf("alpha[%d] = %v: want a finite number ≥ 0", i+1, v)
		}
	}
	return nil
}

func (a *Alpha) values(t *task.Task) ([]float64, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if a.List == nil {
		v := make([]float64, t.Dims)
		for i := range v {
			v[i] = a.Value
		}
		return v, nil
	}
	if len(a.List) != t.Dims {
		return nil, fmt.Errorf("alpha has %d values, but task %s has %d dimensions", len(a.List), t.Name, t.Dims)
	}
	return slices.Clone(a.List), nil
}

// Nodes are the positions of the hidden nodes: "items" (one node on each
// distinct stimulus of the task: exemplar ALCOVE, as catlearn's SHJ
// simulations place them), the path of a CSV file (a header, then one
// node per row; every column but an optional "node" column is a
// coordinate, in the task's dimension order; the path is relative to the
// working directory, as a task's is), or an inline list of positions.
type Nodes struct {
	Items bool        // one node per distinct stimulus of the task
	File  string      // a CSV file of positions
	Rows  [][]float64 // positions, one row per node (read from File when File is set)
}

// UnmarshalTOML implements toml.Unmarshaler.
func (n *Nodes) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		if x == "items" {
			*n = Nodes{Items: true}
			return nil
		}
		if x == "" {
			return errors.New(`h = "": want "items", the path of a CSV file of node positions, or a list of positions`)
		}
		*n = Nodes{File: x}
	case []any:
		rows := make([][]float64, len(x))
		for j, r := range x {
			ra, ok := r.([]any)
			if !ok {
				return fmt.Errorf("h: node %d is %v: want a list of coordinates", j+1, r)
			}
			rows[j] = make([]float64, len(ra))
			for i, e := range ra {
				switch c := e.(type) {
				case float64:
					rows[j][i] = c
				case int64:
					rows[j][i] = float64(c)
				default:
					return fmt.Errorf("h: node %d coordinate %d is %v: want a number", j+1, i+1, e)
				}
			}
		}
		*n = Nodes{Rows: rows}
	default:
		return fmt.Errorf("h = %v: want \"items\", the path of a CSV file of node positions, or a list of positions", v)
	}
	return nil
}

// MarshalTOML implements toml.Marshaler: as written in the config.
func (n Nodes) MarshalTOML() ([]byte, error) {
	switch {
	case n.Items:
		return []byte(`"items"`), nil
	case n.File != "":
		return []byte(strconv.Quote(n.File)), nil
	}
	b := []byte{'['}
	for j, r := range n.Rows {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = append(b, floatList(r)...)
	}
	return append(b, ']'), nil
}

// MarshalJSON implements json.Marshaler, as MarshalTOML.
func (n Nodes) MarshalJSON() ([]byte, error) { return n.MarshalTOML() }

// load reads the file of n (once) and checks the positions' shape.
func (n *Nodes) load() error {
	if n.Items {
		return nil
	}
	if n.File != "" && n.Rows == nil {
		rows, err := ReadNodes(n.File)
		if err != nil {
			return fmt.Errorf("h: %w", err)
		}
		n.Rows = rows
	}
	if len(n.Rows) == 0 {
		return errors.New("h: no nodes: want at least one position")
	}
	if len(n.Rows) > model.MaxNodes {
		return fmt.Errorf("h: %d nodes: want at most %d", len(n.Rows), model.MaxNodes)
	}
	for j, r := range n.Rows {
		if len(r) != len(n.Rows[0]) {
			return fmt.Errorf("h: node %d has %d coordinates, node 1 has %d", j+1, len(r), len(n.Rows[0]))
		}
		for i, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("h: node %d coordinate %d is %v: want a finite number", j+1, i+1, v)
			}
		}
	}
	return nil
}

// positions returns the node positions for task t, row-major.
func (n *Nodes) positions(t *task.Task) ([]float64, error) {
	if n.Items {
		return distinct(t), nil
	}
	m := *n // a copy: New may run on many goroutines, and only Check loads into n
	if err := m.load(); err != nil {
		return nil, err
	}
	out := make([]float64, 0, len(m.Rows)*t.Dims)
	for j, r := range m.Rows {
		if len(r) != t.Dims {
			return nil, fmt.Errorf("h: node %d has %d coordinates, but task %s has %d dimensions", j+1, len(r), t.Name, t.Dims)
		}
		out = append(out, r...)
	}
	return out, nil
}

// ReadNodes reads a CSV file of hidden-node positions: a header, then one
// node per row; every column but an optional "node" column (a label,
// skipped) is a coordinate. Errors name the file, the line and the column.
func ReadNodes(path string) ([][]float64, error) {
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.TrimLeadingSpace = true
	header, table, err := csvtable.Read(cr, path, "a header (e.g. node,h1,h2,…) and one node per row")
	if err != nil {
		return nil, err
	}
	skip := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), "node") {
			skip = i
		}
	}
	if len(header)-btoi(skip >= 0) < 1 {
		return nil, fmt.Errorf("%s: line 1: no coordinate columns", path)
	}
	var rows [][]float64
	for line, rec := range table.All() {
		var r []float64
		for i, s := range rec {
			if i == skip {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: line %d: column %q: %q is not a finite number", path, line, header[i], s)
			}
			r = append(r, v)
		}
		rows = append(rows, r)
		if len(rows) > model.MaxNodes {
			return nil, fmt.Errorf("%s: more than %d nodes", path, model.MaxNodes)
		}
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no nodes after the header", path)
	}
	return rows, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Memory implements cli.Sizer: the hidden nodes (one per item, or h's
// rows) with their positions and association weights, the gradients,
// and a checkpoint's copy.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	h := len(k.H.Rows)
	if k.H.Items || h == 0 {
		h = len(t.Items)
	}
	return budget.Estimate{Bytes: budget.Floats(max(h, 1), t.Dims+2*t.Classes+2).Times(4)}
}

// distinct returns the distinct stimuli of t's items, in item order,
// row-major: items are the same stimulus when their values are the same
// bits. Every run works this out, so a small task is compared row by row
// and only a large one pays for a map.
func distinct(t *task.Task) []float64 {
	var out []float64
	if len(t.Items) <= 64 {
		for _, it := range t.Items {
			dup := false
			for j := 0; j < len(out) && !dup; j += t.Dims {
				dup = slices.EqualFunc(out[j:j+t.Dims], it.X, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })
			}
			if !dup {
				out = append(out, it.X...)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(t.Items))
	key := make([]byte, 0, 8*t.Dims)
	for _, it := range t.Items {
		key = key[:0]
		for _, v := range it.X {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(v))
		}
		if !seen[string(key)] {
			seen[string(key)] = true
			out = append(out, it.X...)
		}
	}
	return out
}
