// Package train holds SUSTAIN's config (catlearn's parameter names, as
// TOML), its default (Love et al.'s published SHJ fit, run as catlearn's
// nosof94sustain), its validation, and its wiring into the command line
// and the dual stream.
package train

import (
	"fmt"
	"slices"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/sustain/model"
)

// Keys are SUSTAIN's keys, named as in catlearn's st list: a
// single-stream config has them at the top level, a dual-stream config
// under fast_config.
type Keys struct {
	R      float64 `toml:"r"`      // attentional focus
	Beta   float64 `toml:"beta"`   // cluster competition
	D      float64 `toml:"d"`      // decision consistency
	Eta    float64 `toml:"eta"`    // learning rate
	Lambda Lambda  `toml:"lambda"` // initial tunings: one value for every dimension, or one per dimension
	// Ties is how the winner is chosen among equally active clusters:
	// "first" (R's which.max; the default, as nosof94sustain) or "random"
	// (from the run's generator; catlearn's slpSUSTAIN default).
	Ties string `toml:"ties,omitempty"`
}

// Config is a single-stream config of SUSTAIN.
type Config struct {
	config.Loop
	Keys
}

// Ignored lists keys of catlearn's st list that supervised SUSTAIN never
// reads: tau and maxcat (unsupervised recruitment), k (the recognition
// threshold, used only by catlearn's endorsement output) and colskip (the
// layout of catlearn's training matrix). A config may have them; they are
// reported, not used.
var Ignored = []string{"tau", "maxcat", "k", "colskip"}

// RequiredKeys are the model keys a config must set (ties is optional).
var RequiredKeys = []string{"r", "beta", "d", "eta", "lambda"}

// Default returns the published SHJ fit of SUSTAIN (Love, Medin &
// Gureckis 2004: r 9.01245, beta 1.252233, d 16.924073, eta 0.092327,
// initial tunings 1, ties "first") run as catlearn's nosof94sustain runs
// it: the six SHJ types, 100 simulated subjects, 16 blocks of 16 trials
// (two shuffled passes through the 8 items), seed 7624.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", NumBlocks: 16, NumRuns: 100, RandomSeed: 7624,
			LossFn: "crossentropy", Optim: "sgd", Task: "shj", Passes: 2},
		Keys: Keys{R: 9.01245, Beta: 1.252233, D: 16.924073, Eta: 0.092327, Lambda: Lambda{1}, Ties: "first"},
	}
}

// Required returns the model keys a config must set: RequiredKeys.
func (k *Keys) Required() []string { return slices.Clone(RequiredKeys) }

// Check reports model keys that cannot run, naming the key.
func (k *Keys) Check() error {
	if len(k.Lambda) == 0 {
		return fmt.Errorf("lambda is empty: want one value for every dimension, or one per dimension")
	}
	_, err := k.Params(len(k.Lambda), 2)
	return err
}

// Params returns the model's parameters for a task of dims stimulus
// dimensions and classes categories, checked.
func (k *Keys) Params(dims, classes int) (model.Params, error) {
	p := model.Params{Dims: dims, Classes: classes, R: k.R, Beta: k.Beta, D: k.D, Eta: k.Eta}
	switch k.Ties {
	case "", "first":
	case "random":
		p.Ties = model.TiesRandom
	default:
		return p, fmt.Errorf("ties = %q: want \"first\" or \"random\"", k.Ties)
	}
	switch len(k.Lambda) {
	case 0:
		return p, fmt.Errorf("lambda is empty: want one value for every dimension, or one per dimension")
	case 1:
		p.Lambda = make([]float64, max(dims, 0))
		for i := range p.Lambda {
			p.Lambda[i] = k.Lambda[0]
		}
	case dims:
		p.Lambda = slices.Clone(k.Lambda)
	default:
		return p, fmt.Errorf("lambda has %d values, but the task has %d dimensions (give one value for all, or one per dimension)", len(k.Lambda), dims)
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return p, nil
}

// New returns a fresh model for task t (any number of dimensions, coded
// as catlearn codes binary ones; two or more classes) whose tie-breaking
// generator (if ties = "random") comes from src.
func (k *Keys) New(t *task.Task, src seed.Source) (stream.Stream, error) {
	p, err := k.Params(t.Dims, t.Classes)
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", t.Name, err)
	}
	return learner.Stream(model.New(p, src.Rand("sustain/ties")))
}

// Lambda is the initial tunings: a number (every dimension) or a list of
// numbers (one per dimension).
type Lambda []float64

// UnmarshalTOML implements toml.Unmarshaler.
func (l *Lambda) UnmarshalTOML(v any) error {
	num := func(x any) (float64, bool) {
		switch n := x.(type) {
		case float64:
			return n, true
		case int64:
			return float64(n), true
		}
		return 0, false
	}
	if n, ok := num(v); ok {
		*l = Lambda{n}
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("lambda = %v: want a number or a list of numbers", v)
	}
	out := make(Lambda, len(list))
	for i, x := range list {
		n, ok := num(x)
		if !ok {
			return fmt.Errorf("lambda[%d] = %v: want a number", i, x)
		}
		out[i] = n
	}
	*l = out
	return nil
}

// Memory implements cli.Sizer: SUSTAIN recruits clusters as it errs, up
// to about one per item (its trials, which passes and num_blocks
// multiply, are counted by the fit), each with a position, weights,
// tunings and activations, twice for growing and a checkpoint's copy.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	per := 4*t.Dims + t.Classes + 3
	return budget.Estimate{Bytes: budget.Floats(max(len(t.Items), 32), per).Times(3)}
}
