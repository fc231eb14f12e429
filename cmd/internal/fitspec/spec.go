package fitspec

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/output"
)

// Spec is a fit spec: what to fit to what, and how to search.
type Spec struct {
	Path string `toml:"-"` // the spec file, named in errors; relative paths are read from its folder
	// Limit bounds the memory of the evaluations in flight together
	// (fitdata's -memory); nil: budget.Default.
	Limit       *budget.Limit `toml:"-"`
	Name        string        `toml:"name"`        // names the results folder (default: the file's base name)
	Description string        `toml:"description"` // free text, echoed in fit.json
	Model       string        `toml:"model"`       // a model the tools know (dualstream/models)
	// Config is the config file that holds the fixed parameters ("" for
	// the model's built-in default); the free parameters' values in it
	// are the default start.
	Config string `toml:"config"`
	// Data is a CSV of condition,block,p_error, or "nosofsky1994".
	Data string `toml:"data"`
	// Phenomenon fits a benchmark phenomenon of stream/cirp instead
	// ("shin92", "nosof88", "krus96", "nosof94"): its human data, its
	// conditions' trial lists (catlearn's simulated subjects, transfer
	// trials included) and its OAT; data, task, order, block_trials and
	// passes are then not given.
	Phenomenon string `toml:"phenomenon"`
	// BlockTrials is the number of trials in one data block; model
	// blocks (items × passes trials) are averaged in groups to match.
	BlockTrials int    `toml:"block_trials"`
	Task        string `toml:"task"`   // "" : the config's task
	Passes      int    `toml:"passes"` // presentations of every item per model block (0: the config's)
	// Order is a fixed trial order table (run,block,i0,…; relative to the
	// spec; {t} expands to the SHJ type), e.g. catlearn's training lists:
	// every evaluation then sees exactly those subjects ("" : orders
	// shuffled from (seed, run)).
	Order string `toml:"order"`
	// Runs is the number of simulated subjects per condition that every
	// evaluation averages (0: the config's num_runs).
	Runs int `toml:"runs"`
	// Seed is the random_seed of every evaluation (common random numbers;
	// nil: the config's).
	Seed          *int64  `toml:"seed"`
	Loss          string  `toml:"loss"`           // "sse" (catlearn's ssecl) or "rmse"
	Ordinal       string  `toml:"ordinal"`        // SHJ ordinal adequacy: "report", "penalty" or "filter"
	OrdinalWeight float64 `toml:"ordinal_weight"` // × the summed ordering violations, for "penalty"
	// NoiseSeeds is the number of further seeds at which the best
	// parameters are evaluated after the search, to measure the noise of
	// the loss.
	NoiseSeeds int             `toml:"noise_seeds"`
	Search     estimate.Search `toml:"search"`
	Params     []Param         `toml:"param"`
}

// Param is a free parameter: a key path of the config and its bounds, or
// the list of values of a discrete one.
type Param struct {
	Key   string   `toml:"key"`   // e.g. "specificity" or "fast_config.lr_nn"
	Min   *float64 `toml:"min"`   // lower bound (required unless values)
	Max   *float64 `toml:"max"`   // upper bound (required unless values)
	Scale string   `toml:"scale"` // "linear" (default) or "log": how the search spaces it
	Start *float64 `toml:"start"` // the first start (default: the config's value)
	// Values makes the key discrete (e.g. n_units = [1000, 10000]): the
	// continuous search over the other keys is repeated at each value.
	Values []any `toml:"values"`
}

// engine returns the param as the search engine takes it.
func (p *Param) engine() estimate.Param {
	if p.Values != nil {
		return estimate.Param{Key: p.Key, Values: p.values()}
	}
	return estimate.Param{Key: p.Key, Min: p.Lo(), Max: p.Hi(), Log: p.Scale == "log"}
}

// values returns a discrete param's values as numbers (checked by
// ParseSpec to be numbers).
func (p *Param) values() []float64 {
	out := make([]float64, len(p.Values))
	for i, v := range p.Values {
		switch v := v.(type) {
		case int64:
			out[i] = float64(v)
		case float64:
			out[i] = v
		}
	}
	return out
}

// Lo and Hi return the bounds.
func (p *Param) Lo() float64 { return *p.Min }

// Hi returns the upper bound.
func (p *Param) Hi() float64 { return *p.Max }

// The losses and ordinal modes a spec may name.
const (
	LossSSE  = "sse"
	LossRMSE = "rmse"

	OrdinalReport  = "report"
	OrdinalPenalty = "penalty"
	OrdinalFilter  = "filter"
)

// ReadSpec reads the fit spec at path.
func ReadSpec(path string) (*Spec, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fit spec: %w", err)
	}
	return ParseSpec(path, data)
}

// ParseSpec decodes a fit spec strictly (path names it in errors and
// locates relative files) and checks everything that does not need the
// model: unknown keys, bounds, search settings.
func ParseSpec(path string, data []byte) (*Spec, error) {
	s := &Spec{Path: path}
	if _, err := config.Decode(path, data, s); err != nil {
		return nil, err
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if err := output.CheckName(s.Name); err != nil || strings.Contains(s.Name, " ") {
		return nil, fmt.Errorf("%s: name = %q: want a plain folder name without spaces, slashes or a leading dot (it names the results folder)", path, s.Name)
	}
	if s.Loss == "" {
		s.Loss = LossSSE
	}
	if s.Ordinal == "" {
		s.Ordinal = OrdinalReport
	}
	s.Search.Defaults()
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func (s *Spec) check() error {
	switch {
	case s.Model == "":
		return fmt.Errorf("missing key \"model\": the model to fit (e.g. \"clustering\")")
	case s.Phenomenon != "" && (s.Data != "" || s.Task != "" || s.Order != "" || s.BlockTrials != 0 || s.Passes != 0):
		return fmt.Errorf("phenomenon = %q brings its data, conditions and trial lists: remove data, task, order, block_trials and passes", s.Phenomenon)
	case s.Phenomenon != "" && s.Ordinal == OrdinalPenalty:
		return fmt.Errorf("ordinal = \"penalty\" is for the SHJ ordering; with phenomenon = %q use \"report\" or \"filter\" (its OAT)", s.Phenomenon)
	case s.Data == "" && s.Phenomenon == "":
		return fmt.Errorf("missing key \"data\": a CSV of condition,block,p_error (relative to the spec) or %q, or \"phenomenon\"", Nosofsky1994)
	case s.BlockTrials < 0:
		return fmt.Errorf("block_trials = %d: want the trials of one data block (e.g. 16)", s.BlockTrials)
	case s.BlockTrials == 0 && s.Data != Nosofsky1994 && s.Phenomenon == "":
		return fmt.Errorf("missing key \"block_trials\": how many trials make one block of %s", s.Data)
	case s.Passes < 0:
		return fmt.Errorf("passes = %d: want 1 or more", s.Passes)
	case s.Runs < 0:
		return fmt.Errorf("runs = %d: want the simulated subjects per condition of every evaluation", s.Runs)
	case s.Seed != nil && *s.Seed < 0:
		return fmt.Errorf("seed = %d: want a non-negative integer", *s.Seed)
	case s.Loss != LossSSE && s.Loss != LossRMSE:
		return fmt.Errorf("loss = %q: want %q (sum of squared errors, catlearn's ssecl) or %q", s.Loss, LossSSE, LossRMSE)
	case s.Ordinal != OrdinalReport && s.Ordinal != OrdinalPenalty && s.Ordinal != OrdinalFilter:
		return fmt.Errorf("ordinal = %q: want %q, %q or %q", s.Ordinal, OrdinalReport, OrdinalPenalty, OrdinalFilter)
	case s.Ordinal == OrdinalPenalty && !(s.OrdinalWeight > 0 && !math.IsInf(s.OrdinalWeight, 0)):
		return fmt.Errorf("ordinal = \"penalty\" needs ordinal_weight > 0 (got %v): the loss adds weight × the summed violations of the ordering", s.OrdinalWeight)
	case s.Ordinal != OrdinalPenalty && s.OrdinalWeight != 0:
		return fmt.Errorf("ordinal_weight = %v is used only with ordinal = \"penalty\"", s.OrdinalWeight)
	case s.NoiseSeeds < 0:
		return fmt.Errorf("noise_seeds = %d: want 0 or more", s.NoiseSeeds)
	}
	if s.Data == Nosofsky1994 && s.BlockTrials == 0 {
		s.BlockTrials = 16
	}
	if len(s.Params) == 0 {
		return fmt.Errorf("no [[param]]: want at least one free parameter, e.g.\n[[param]]\nkey = \"specificity\"\nmin = 0.1\nmax = 10")
	}
	continuous := 0
	for _, p := range s.Params {
		if p.Values == nil {
			continuous++
		}
	}
	if err := s.Search.Check(continuous); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range s.Params {
		p := &s.Params[i]
		if p.Key == "" {
			return fmt.Errorf("param %d: missing key \"key\": the config's key path, e.g. \"specificity\"", i+1)
		}
		if seen[p.Key] {
			return fmt.Errorf("param %q appears twice", p.Key)
		}
		seen[p.Key] = true
		if p.Key == "config_version" || p.Key == "random_seed" || p.Key == "num_runs" || p.Key == "num_blocks" || p.Key == "passes" || p.Key == "task" {
			return fmt.Errorf("param %q: a loop key, not a model parameter (set runs, seed, passes and task in the spec)", p.Key)
		}
		if p.Values != nil {
			if err := p.checkValues(); err != nil {
				return err
			}
			continue
		}
		if p.Min == nil || p.Max == nil {
			return fmt.Errorf("param %q: empty bounds: want both min and max (or a list of values)", p.Key)
		}
		lo, hi := *p.Min, *p.Max
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return fmt.Errorf("param %q: bounds [%v, %v]: want finite numbers", p.Key, lo, hi)
		}
		if lo == hi {
			return fmt.Errorf("param %q: empty bounds [%v, %v]: min must be below max (to fix a parameter, set it in the config)", p.Key, lo, hi)
		}
		if lo > hi {
			return fmt.Errorf("param %q: inverted bounds: min %v > max %v", p.Key, lo, hi)
		}
		switch p.Scale {
		case "", "linear":
			p.Scale = "linear"
		case "log":
			if lo <= 0 {
				return fmt.Errorf("param %q: scale = \"log\" needs min > 0 (got %v)", p.Key, lo)
			}
		default:
			return fmt.Errorf("param %q: scale = %q: want \"linear\" or \"log\"", p.Key, p.Scale)
		}
		if p.Start != nil && !(*p.Start > lo && *p.Start < hi) {
			return fmt.Errorf("param %q: start %v is not strictly inside the bounds [%v, %v]", p.Key, *p.Start, lo, hi)
		}
	}
	return nil
}

// checkValues checks the values of a discrete param: a non-empty list of
// distinct finite numbers, without bounds, scale or start.
func (p *Param) checkValues() error {
	if p.Min != nil || p.Max != nil || p.Scale != "" || p.Start != nil {
		return fmt.Errorf("param %q: values and min, max, scale or start: give either a list of values (a discrete parameter) or bounds", p.Key)
	}
	if len(p.Values) == 0 {
		return fmt.Errorf("param %q: empty list of values: want at least one value, e.g. values = [1000, 10000]", p.Key)
	}
	for i, v := range p.Values {
		var f float64
		switch v := v.(type) {
		case int64:
			f = float64(v)
		case float64:
			f = v
		default:
			return fmt.Errorf("param %q: value %v: want numbers", p.Key, v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("param %q: value %v: want finite numbers", p.Key, f)
		}
		if slices.Contains(p.values()[:i], f) {
			return fmt.Errorf("param %q: value %v is listed twice", p.Key, v)
		}
	}
	return nil
}

// resolve returns a path of the spec relative to its folder.
func (s *Spec) resolve(p string) string {
	if p == "" || p == Nosofsky1994 || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(s.Path), p)
}

// Keys returns the free parameters' key paths.
func (s *Spec) Keys() []string {
	out := make([]string, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Key
	}
	return out
}
