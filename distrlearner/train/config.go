// Package train holds the distribution learners' config (the original's
// YAML keys, as TOML), its default (the original's dl_model config
// config_dlMU_1), its validation, and its wiring into the command line
// and the dual stream.
package train

import (
	"fmt"

	"github.com/fastslow/distrlearner/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are the keys of a distribution learner, named as in the original's
// YAML: a single-stream config has them at the top level, a dual-stream
// config under fast_config (where fast names the kind).
type Keys struct {
	MaxNUnits       int     `toml:"max_nunits"`        // N, the units
	NDims           int     `toml:"n_dims"`            // D, the stimulus dimensions
	UnitRecruitType string  `toml:"unit_recruit_type"` // "feedback", the only one the original has
	Phi             float64 `toml:"Phi"`               // scale of the logits
	AttnWeighting   float64 `toml:"attn_weighting"`    // w: every scale starts at √w
	LRAttn          float64 `toml:"lr_attn"`           // learning rate of the scales
	LRUnits         float64 `toml:"lr_units"`          // learning rate of the means
	LRNN            float64 `toml:"lr_nn"`             // learning rate of the association weights
	Momentum        float64 `toml:"momentum"`          // SGD momentum of every group
	K               float64 `toml:"k"`                 // distr_learner_mu: fraction of the units recruited at once

	// learner names the learner the keys are for (model.SingleName or
	// model.MultiName; "" is MultiName): a single-stream config's model
	// key, or a dual-stream config's fast key.
	learner string
}

// Config is a single-stream config of a distribution learner.
type Config struct {
	config.Loop
	// Model is our extension: "distr_learner_mu" (the default, as the
	// original's dl_model/main.py hard-codes) or "distr_learner". Load
	// gives it to the keys, whose New builds that learner.
	Model string `toml:"model"`
	Keys
}

// Ignored lists the keys the original's configs carry that change nothing
// in its distribution learners (model_type and, for distr_learner_mu,
// noise and lesion are read but never used; from_logits is not read); a
// config may have them and they are reported, not used.
var Ignored = []string{"model_type", "from_logits", "noise", "lesion"}

// FastIgnored lists the keys of a dual-stream config's fast_config table
// that change nothing: Ignored, and optim, loss_fn and random_seed, which
// the original's dual stream takes from the top level instead.
var FastIgnored = append(append([]string(nil), Ignored...), "optim", "loss_fn", "random_seed")

// RequiredKeys returns the model keys a config of kind must set: those the
// original reads and uses (it fails on a missing one; k only for
// distr_learner_mu).
func RequiredKeys(kind model.Kind) []string {
	keys := []string{"max_nunits", "n_dims", "unit_recruit_type", "Phi", "attn_weighting",
		"lr_attn", "lr_units", "lr_nn", "momentum"}
	if kind == model.Multi {
		keys = append(keys, "k")
	}
	return keys
}

// DefaultTask is the task of the original's dl_model: the 100 new stimuli.
const DefaultTask = "new-stimuli"

// Default returns the original's dl_model/configs/config_dlMU_1.yaml:
// distr_learner_mu, 500 units, 1 run × 10 blocks of the new stimuli.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config_dlMU_1", NumBlocks: 10, NumRuns: 1, RandomSeed: 999,
			LossFn: "bcelogits", Optim: "sgd", Task: DefaultTask},
		Model: model.MultiName,
		Keys: Keys{
			MaxNUnits: 500, NDims: 2, UnitRecruitType: "feedback", Phi: 1, AttnWeighting: 0.02,
			LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, Momentum: 0, K: 0.01, learner: model.MultiName,
		},
	}
}

// Kind returns the learner the config's model key names.
func (c *Config) Kind() (model.Kind, error) { return kindByName(c.Model) }

// Kind returns the learner the keys are for.
func (k *Keys) Kind() (model.Kind, error) { return kindByName(k.learner) }

// kindByName returns the learner called name ("": distr_learner_mu).
func kindByName(name string) (model.Kind, error) {
	if name == "" {
		name = model.MultiName
	}
	return model.KindByName(name)
}

// Required returns the model keys a config of the keys' learner must set
// (RequiredKeys).
func (k *Keys) Required() []string {
	kind, err := k.Kind()
	if err != nil {
		return RequiredKeys(model.Single) // Check names the model key
	}
	return RequiredKeys(kind)
}

// Check reports keys that cannot run, naming the key.
func (k *Keys) Check() error {
	kind, err := k.Kind()
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	_, err = k.Params(kind, 2)
	return err
}

// Params returns the learner's config for kind with the given number of
// classes, checked.
func (k *Keys) Params(kind model.Kind, classes int) (model.Params, error) {
	if k.UnitRecruitType != "feedback" {
		return model.Params{}, fmt.Errorf("unit_recruit_type = %q: want \"feedback\" (the only recruitment the original implements)", k.UnitRecruitType)
	}
	p := model.Params{
		Kind: kind, MaxUnits: k.MaxNUnits, Dims: k.NDims, Classes: classes,
		AttnWeighting: k.AttnWeighting, Phi: k.Phi,
		LRAttn: k.LRAttn, LRUnits: k.LRUnits, LRNN: k.LRNN, Momentum: k.Momentum, K: k.K,
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	if kind == model.Multi && p.Batch() == 0 {
		return p, fmt.Errorf("k = %v with max_nunits = %d recruits int(%d·%v) = 0 units: the learner could never answer (the original runs such a config and never learns); raise k or max_nunits",
			k.K, k.MaxNUnits, k.MaxNUnits, k.K)
	}
	return p, nil
}

// New returns a fresh learner for task t, checking that the task fits
// the keys: n_dims dimensions. The learner has as many outputs as the
// task has classes (the original's has 2). It draws no random numbers:
// every run starts from the same state, as in the original.
func (k *Keys) New(t *task.Task, _ seed.Source) (stream.Stream, error) {
	kind, err := k.Kind()
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if t.Dims != k.NDims {
		return nil, fmt.Errorf("n_dims = %d, but task %s has %d dimensions", k.NDims, t.Name, t.Dims)
	}
	c, err := k.Params(kind, t.Classes)
	if err != nil {
		return nil, err
	}
	return learner.Stream(model.New(c))
}

// Memory implements cli.Sizer: max_nunits units with their means, their
// scales (a dims × dims attention each, for the multi-unit kind),
// association weights and densities, the gradients and momenta, and a
// checkpoint's copy.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	d := max(k.NDims, t.Dims)
	per := budget.Mul(d, d).Plus(budget.Mul(d, 2)).Plus(budget.Bytes(t.Classes + 4))
	return budget.Estimate{Bytes: per.Times(max(k.MaxNUnits, 1)).Times(8 * 5),
		Keys: fmt.Sprintf("max_nunits = %d", k.MaxNUnits)}
}
