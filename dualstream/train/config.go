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
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Config is a dual-stream config: the original's top-level YAML keys as
// TOML, with the fast and slow streams' keys in their own tables.
type Config struct {
	config.Loop
	Fast       string         `toml:"fast"`        // clustering, multiunit_clustering, distr_learner or distr_learner_mu
	Slow       string         `toml:"slow"`        // dnn
	FastConfig toml.Primitive `toml:"fast_config"` // the fast stream's keys
	SlowConfig toml.Primitive `toml:"slow_config"` // the slow stream's keys
}

// Parsed is a checked dual-stream config, ready to build streams.
type Parsed struct {
	Loop       config.Loop
	Fast, Slow string
	fastKind   Kind
	slowKind   Kind
	fastKeys   any
	slowKeys   any
	Ignored    []string       // ignored keys present, as key paths
	Raw        map[string]any // the config as written, for summary.json
}

// DefaultTask is the task of a config without a task key: the original's
// dual stream trains on the new stimuli.
const DefaultTask = "new-stimuli"

// Parse decodes a dual-stream config (path names it in errors) strictly:
// unknown keys, wrong types, a missing key the original needs and values
// a stream cannot run with are errors naming the file and the key path;
// keys the original ignores are accepted and listed in Parsed.Ignored.
func Parse(path string, data []byte) (*Parsed, error) {
	var c Config
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, config.Wrap(path, err)
	}
	p := &Parsed{Loop: c.Loop, Fast: c.Fast, Slow: c.Slow}
	if !md.IsDefined("fast") || !md.IsDefined("slow") {
		return nil, fmt.Errorf("%s: missing key \"fast\" or \"slow\": a dual-stream config names its fast stream (%s) and its slow stream (%s)",
			path, strings.Join(Names(Fast), ", "), strings.Join(Names(Slow), ", "))
	}
	if p.fastKind, err = Lookup(c.Fast, Fast); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.slowKind, err = Lookup(c.Slow, Slow); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var ignored []string
	for _, part := range []struct {
		table string
		kind  Kind
		prim  toml.Primitive
		keys  *any
	}{{"fast_config", p.fastKind, c.FastConfig, &p.fastKeys}, {"slow_config", p.slowKind, c.SlowConfig, &p.slowKeys}} {
		if !md.IsDefined(part.table) {
			return nil, fmt.Errorf("%s: missing table [%s]", path, part.table)
		}
		keys := part.kind.Keys()
		if err := md.PrimitiveDecode(part.prim, keys); err != nil {
			return nil, fmt.Errorf("%s: [%s]: %w", path, part.table, err)
		}
		if err := config.MissingError(path, config.Missing(md, part.kind.Required, part.table),
			fmt.Sprintf("the original's %s needs it", part.kind.Role)); err != nil {
			return nil, err
		}
		if err := part.kind.Check(keys); err != nil {
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
	fast, err := p.fastKind.New(p.fastKeys, t, r, src.Sub("fast"))
	if err != nil {
		return nil, fmt.Errorf("fast stream %s: %w", p.Fast, err)
	}
	slow, err := p.slowKind.New(p.slowKeys, t, r, src.Sub("slow"))
	if err != nil {
		return nil, fmt.Errorf("slow stream %s: %w", p.Slow, err)
	}
	return dual.New(fast, slow), nil
}

// Setup returns the shared fit command's setup of p.
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
		keys  any
	}{{"fast_config", p.fastKeys}, {"slow_config", p.slowKeys}} {
		s, ok := part.keys.(cli.Sizer)
		if !ok {
			continue
		}
		pe := s.Memory(t)
		e.Bytes = e.Bytes.Plus(pe.Bytes)
		if pe.Keys != "" {
			keys = append(keys, part.table+"."+strings.ReplaceAll(pe.Keys, ", ", ", "+part.table+"."))
		}
	}
	e.Keys = strings.Join(keys, ", ")
	return e
}
