package train

import (
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/dual"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Config is a dual-stream config: the original's top-level YAML keys as
// TOML, with the fast and slow streams' keys in their own tables.
type Config struct {
	config.Loop
	Fast       string         `toml:"fast"`        // a fast kind of stream, e.g. clustering (the registry's, models.Kinds, lists them all)
	Slow       string         `toml:"slow"`        // a slow kind of stream, e.g. dnn
	FastConfig toml.Primitive `toml:"fast_config"` // the fast stream's keys
	SlowConfig toml.Primitive `toml:"slow_config"` // the slow stream's keys
}

// Parsed is a checked dual-stream config, ready to build streams.
type Parsed struct {
	Loop       config.Loop
	Fast, Slow string
	fastKeys   learner.Keys
	slowKeys   learner.Keys
	Ignored    []string       // ignored keys present, as key paths
	Raw        map[string]any // the config as written, for summary.json
}

// DefaultTask is the task of a config without a task key: the original's
// dual stream trains on the new stimuli.
const DefaultTask = "new-stimuli"

// loopKeys are keys of a whole config that the original's sub-configs
// repeat and its dual stream ignores (the top-level loss_fn, optim and
// random_seed are the ones used).
var loopKeys = []string{"loss_fn", "optim", "random_seed", "num_blocks", "num_runs", "config_version"}

// Parse decodes a dual-stream config (path names it in errors) strictly:
// its fast and slow keys name two of kinds; unknown keys, wrong types, a
// missing key the stream needs and values a stream cannot run with are
// errors naming the file and the key path; keys the original ignores are
// accepted and listed in Parsed.Ignored.
func Parse(path string, data []byte, kinds learner.Kinds) (*Parsed, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, config.Wrap(path, err)
	}
	p := &Parsed{Loop: c.Loop, Fast: c.Fast, Slow: c.Slow}
	if !md.IsDefined("fast") || !md.IsDefined("slow") {
		return nil, fmt.Errorf("%s: missing key \"fast\" or \"slow\": a dual-stream config names its fast stream (%s) and its slow stream (%s)",
			path, strings.Join(kinds.Names(learner.Fast), ", "), strings.Join(kinds.Names(learner.Slow), ", "))
	}
	fast, err := kinds.Lookup(c.Fast, learner.Fast)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	slow, err := kinds.Lookup(c.Slow, learner.Slow)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ignored []string
	for _, part := range []struct {
		table string
		kind  learner.Kind
		prim  toml.Primitive
		keys  *learner.Keys
	}{{"fast_config", fast, c.FastConfig, &p.fastKeys}, {"slow_config", slow, c.SlowConfig, &p.slowKeys}} {
		if !md.IsDefined(part.table) {
			return nil, fmt.Errorf("%s: missing table [%s]", path, part.table)
		}
		keys := part.kind.Keys()
		if err := md.PrimitiveDecode(part.prim, keys); err != nil {
			return nil, fmt.Errorf("%s: [%s]: %w", path, part.table, err)
		}
		// The keys a table must set can depend on its values (a clustering
		// stream needs beta with the equivalent temperature), as in a
		// single-stream config.
		if err := config.MissingError(path, config.Missing(md, keys.Required(), part.table),
			fmt.Sprintf("the %s stream %s needs it", part.kind.Role, part.kind.Name)); err != nil {
			return nil, err
		}
		if f, ok := keys.(learner.Filler); ok {
			f.Fill()
		}
		if err := keys.Check(); err != nil {
			return nil, fmt.Errorf("%s: [%s]: %w", path, part.table, err)
		}
		*part.keys = keys
		for _, k := range append(slices.Clone(part.kind.Ignored), loopKeys...) {
			ignored = append(ignored, part.table+"."+k)
		}
	}
	if p.Ignored, err = config.Strict(path, md, ignored...); err != nil {
		return nil, err
	}
	if p.Loop.Optim == "" {
		p.Loop.Optim = "sgd"
	}
	if p.Loop.Task == "" {
		p.Loop.Task = DefaultTask
	}
	if err := config.Require(path, md, config.RequiredLoopKeys, ""); err != nil {
		return nil, err
	}
	if err := p.Loop.Check(path); err != nil {
		return nil, err
	}
	if _, err := toml.Decode(string(data), &p.Raw); err != nil {
		return nil, config.Wrap(path, err)
	}
	return p, nil
}

// New returns run r's dual stream on task t: its fast and slow streams
// draw from their own generators (src.Sub("fast"), src.Sub("slow")).
func (p *Parsed) New(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
	fast, err := p.fastKeys.New(t, src.Sub("fast"))
	if err != nil {
		return nil, fmt.Errorf("fast stream %s: %w", p.Fast, err)
	}
	slow, err := p.slowKeys.New(t, src.Sub("slow"))
	if err != nil {
		return nil, fmt.Errorf("slow stream %s: %w", p.Slow, err)
	}
	return dual.New(fast, slow), nil
}

// Setup returns the command line's setup of p.
func (p *Parsed) Setup() *cli.Setup {
	return &cli.Setup{Loop: p.Loop, Config: p.Raw, Ignored: p.Ignored, New: p.New, Memory: p.Memory}
}

var _ cli.Sizer = (*Parsed)(nil)

// Memory is the fast and the slow stream's estimates (cli.Sizer), their
// keys named under fast_config and slow_config.
func (p *Parsed) Memory(t *task.Task) budget.Estimate {
	var (
		e    budget.Estimate
		keys []string
	)
	for _, part := range []struct {
		table string
		keys  learner.Keys
	}{{"fast_config", p.fastKeys}, {"slow_config", p.slowKeys}} {
		pe := part.keys.Memory(t)
		e.Bytes = e.Bytes.Plus(pe.Bytes)
		if pe.Keys != "" {
			keys = append(keys, part.table+"."+strings.ReplaceAll(pe.Keys, ", ", ", "+part.table+"."))
		}
	}
	e.Keys = strings.Join(keys, ", ")
	return e
}
