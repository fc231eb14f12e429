// Package train holds the multi-unit clustering model's config (the
// original's YAML keys, as TOML), its defaults (the original's config1),
// its validation, and its wiring into the command line and the dual stream.
package train

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are the keys of the multi-unit clustering model, named as in the
// original's YAML: a single-stream config has them at the top level, a
// dual-stream config under fast_config.
type Keys struct {
	NUnits     int     `toml:"n_units"`     // N, the number of units
	NDims      int     `toml:"n_dims"`      // D, the stimulus dimensions
	NClasses   int     `toml:"n_classes"`   // C, the classes
	R          float64 `toml:"r"`           // distance exponent: 1 city-block, 2 Euclidean
	C          float64 `toml:"c"`           // specificity
	Phi        float64 `toml:"phi"`         // scale of the logits
	K          float64 `toml:"k"`           // fraction of the units that win: int(N·k) winners
	LRNN       float64 `toml:"lr_nn"`       // SGD rate of the association weights
	LRAttn     float64 `toml:"lr_attn"`     // rate of the local attention rule
	LRClusters float64 `toml:"lr_clusters"` // rate of both moves of the winners
	AttnType   string  `toml:"attn_type"`   // "dimensional_local" (the local attention rule runs) or "dimensional"

	// InitSeed (our extension) gives every run the same initial unit
	// positions, drawn from a generator seeded by it alone — as the
	// original does (it re-seeds torch with 999 before drawing them; load
	// its exact positions with -init). Unset, each run draws its own from
	// (random_seed, run).
	InitSeed *int64 `toml:"init_seed"`
	// StimulusGrad (our extension) is the attention derivative of a unit
	// sitting on the stimulus when r ≠ 1, where the original's is 0·∞:
	// "zero" (default: the limit as the unit approaches the stimulus) or
	// "original" (NaN, as the original: its attention becomes NaN and the
	// run diverges).
	StimulusGrad string `toml:"stimulus_grad"`
}

// Config is a single-stream config of the multi-unit clustering model.
type Config struct {
	config.Loop
	Keys
}

// Ignored lists the keys the original's configs carry but its
// multi-unit model never uses (it stores noise and lesion and reads
// nothing from them); a config may have them and they are reported, not
// used.
var Ignored = []string{"lr_clusters_group", "p", "beta", "noise", "lesion"}

// RequiredKeys are the model keys a config must set (the original fails
// on a missing one).
var RequiredKeys = []string{"n_units", "n_dims", "n_classes", "r", "c", "phi", "k", "lr_nn", "lr_attn", "lr_clusters", "attn_type"}

// Default returns the original's multiunit_clustering/configs/config1.yaml
// (10,000 units, 0.5 % winners, city-block, cross-entropy, 50 runs × 32
// blocks), on the six SHJ types.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", NumBlocks: 32, NumRuns: 50, RandomSeed: 999,
			LossFn: "crossentropy", Optim: "sgd", Task: "shj"},
		Keys: Keys{
			NUnits: 10000, NDims: 3, NClasses: 2, R: 1, C: 0.2, Phi: 7, K: 0.005,
			LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local",
			StimulusGrad: "zero",
		},
	}
}

// Required returns the model keys a config must set: RequiredKeys.
func (k *Keys) Required() []string { return slices.Clone(RequiredKeys) }

// Fill sets stimulus_grad to its default, "zero", when a file leaves it
// out.
func (k *Keys) Fill() {
	if k.StimulusGrad == "" {
		k.StimulusGrad = "zero"
	}
}

// Check reports model keys that cannot run, naming the key.
func (k *Keys) Check() error {
	_, err := k.Params()
	return err
}

// Params returns the model's hyper-parameters, checked.
func (k *Keys) Params() (model.Params, error) {
	p := model.Params{
		Units: k.NUnits, Dims: k.NDims, Classes: k.NClasses, R: k.R, C: k.C, Phi: k.Phi, K: k.K,
		LRNN: k.LRNN, LRAttn: k.LRAttn, LRClusters: k.LRClusters, AttnType: k.AttnType,
	}
	switch k.AttnType {
	case "dimensional_local", "dimensional":
	default:
		return p, fmt.Errorf("attn_type = %q: want \"dimensional_local\" (the original's: the local attention rule runs) or \"dimensional\" (no local rule)", k.AttnType)
	}
	switch k.StimulusGrad {
	case "zero", "":
	case "original":
		p.LiteralZero = true
	default:
		return p, fmt.Errorf("stimulus_grad = %q: want \"zero\" (the default) or \"original\" (NaN, as the original)", k.StimulusGrad)
	}
	if k.InitSeed != nil && *k.InitSeed < 0 {
		return p, fmt.Errorf("init_seed = %d: want a non-negative integer", *k.InitSeed)
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return p, nil
}

// New returns a fresh model for task t, checking that the task fits the
// keys (n_dims dimensions, n_classes classes). Its initial positions come
// from src's "init" generator, or from init_seed alone when it is set.
func (k *Keys) New(t *task.Task, src seed.Source) (stream.Stream, error) {
	p, err := k.Params()
	if err != nil {
		return nil, err
	}
	if t.Dims != k.NDims {
		return nil, fmt.Errorf("n_dims = %d, but task %s has %d dimensions", k.NDims, t.Name, t.Dims)
	}
	if t.Classes != k.NClasses {
		return nil, fmt.Errorf("n_classes = %d, but task %s has %d classes", k.NClasses, t.Name, t.Classes)
	}
	return learner.Stream(model.New(p, k.InitRand(src)))
}

// InitRand returns the generator of a run's initial unit positions: from
// src, or from init_seed alone when it is set (the same for every run and
// every model that embeds this one).
func (k *Keys) InitRand(src seed.Source) *rand.PCG {
	if k.InitSeed != nil {
		return seed.Source{Seed: uint64(*k.InitSeed)}.PCG("init")
	}
	return src.PCG("init")
}

// Memory implements cli.Sizer: n_units units with their positions,
// association weights and activations, the gradients, and a
// checkpoint's copy.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	per := max(k.NDims, t.Dims) + max(k.NClasses, t.Classes) + 4
	return budget.Estimate{Bytes: budget.Floats(max(k.NUnits, 1), per).Times(5),
		Keys: fmt.Sprintf("n_units = %d", k.NUnits)}
}
