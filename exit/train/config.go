// Package train holds EXIT's config (catlearn's names for its settings,
// as TOML keys), its default (catlearn's krus96exit parameters on the
// training design of Kruschke 1996), its validation and its wiring into
// the command line and the dual stream.
package train

import (
	"errors"
	"fmt"
	"slices"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are EXIT's settings under catlearn's names (slpEXIT's st list).
// The exemplars are the task's distinct items that have a category, in
// item order (catlearn's krus96exit: the four training compounds).
type Keys struct {
	C          float64   `toml:"c"`          // specificity of the exemplars
	P          float64   `toml:"P"`          // attention normalisation exponent
	Phi        float64   `toml:"phi"`        // decision consistency
	LGain      float64   `toml:"l_gain"`     // gain shift rate
	LWeight    float64   `toml:"l_weight"`   // association weight learning rate
	LEx        float64   `toml:"l_ex"`       // exemplar-to-gain weight learning rate
	Sigma      []float64 `toml:"sigma"`      // the cues' saliences, one per feature of the task
	Iterations int       `toml:"iterations"` // gain-shift steps per learning trial
	AbsVal     float64   `toml:"absval"`     // teacher of an absent category (0 as catlearn's lists code it)
}

// Config is a single-stream EXIT config.
type Config struct {
	config.Loop
	Keys
}

// RequiredKeys are the model keys a config must set.
var RequiredKeys = []string{"c", "P", "phi", "l_gain", "l_weight", "l_ex", "sigma", "iterations", "absval"}

// DefaultTask is the default task: the training design of Kruschke's
// (1996) inverse base-rate experiment, built into the task package so that
// the command runs from any folder.
const DefaultTask = "krus96-training"

// Default returns catlearn's krus96exit: c 2.87, P 2.48, phi 4.42, l_gain
// 4.42, l_weight 0.222, l_ex 1.13, saliences 1 and 0.401 for the context
// cue, 10 gain-shift steps, on the training design (DefaultTask), 56
// simulated subjects × 15 blocks of 8 trials.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", NumBlocks: 15, NumRuns: 56, RandomSeed: 1,
			LossFn: "crossentropy", Optim: "sgd", Task: DefaultTask},
		Keys: Keys{C: 2.87, P: 2.48, Phi: 4.42, LGain: 4.42, LWeight: 0.222, LEx: 1.13,
			Sigma: []float64{1, 1, 1, 1, 1, 1, 0.401}, Iterations: 10, AbsVal: 0},
	}
}

// Required returns the model keys a config must set: RequiredKeys.
func (k *Keys) Required() []string { return slices.Clone(RequiredKeys) }

// Check reports settings that cannot run, naming the key: the model's own
// checks, on a one-exemplar stand-in with the config's cues.
func (k *Keys) Check() error {
	if len(k.Sigma) == 0 {
		return errors.New("sigma = []: want one salience per cue")
	}
	p := k.params(len(k.Sigma), 2)
	p.Exemplars, p.E = make([]float64, len(k.Sigma)), 1
	return p.Check()
}

func (k *Keys) params(dims, classes int) model.Params {
	return model.Params{Dims: dims, Outputs: classes, C: k.C, P: k.P, Phi: k.Phi, LGain: k.LGain,
		LWeight: k.LWeight, LEx: k.LEx, Sigma: slices.Clone(k.Sigma), Iterations: k.Iterations, AbsVal: k.AbsVal}
}

// Params returns the model's settings for task t: one exemplar per
// distinct item that has a category. EXIT's inputs are cue presences, so every feature
// of t must be 0 or 1, and sigma must give each a salience.
func (k *Keys) Params(t *task.Task) (model.Params, error) {
	if len(k.Sigma) != t.Dims {
		return model.Params{}, fmt.Errorf("sigma has %d saliences, but task %s has %d cues", len(k.Sigma), t.Name, t.Dims)
	}
	p := k.params(t.Dims, t.Classes)
	for i, it := range t.Items {
		for d, v := range it.X {
			if v != 0 && v != 1 {
				return p, fmt.Errorf("task %s: item %d feature %d is %v: EXIT's inputs are cue presences, 0 (absent) or 1 (present)", t.Name, i+1, d+1, v)
			}
		}
		if !slices.Contains(it.Target, 1) {
			continue // a test item without a category is no exemplar
		}
		seen := false
		for j := 0; j < p.E && !seen; j++ {
			seen = slices.Equal(p.Exemplars[j*t.Dims:(j+1)*t.Dims], it.X)
		}
		if !seen {
			p.Exemplars = append(p.Exemplars, it.X...)
			p.E++
		}
	}
	if p.E == 0 {
		return p, fmt.Errorf("task %s: no item with a category to be an exemplar", t.Name)
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

// Memory implements cli.Sizer: at most one exemplar per item of the task,
// each with its position and gain weights, the association weights and
// the per-trial vectors.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	e, d := max(len(t.Items), 1), max(t.Dims, 1)
	c := max(t.Classes, 1)
	return budget.Estimate{Bytes: budget.Sum(budget.Floats(e, d).Times(2), budget.Floats(c, d),
		budget.Floats(e+4*d+4*c)), Keys: fmt.Sprintf("the task's %d items × %d features", len(t.Items), t.Dims)}
}
