package train

import (
	"github.com/fastslow/clustering/eval"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
)

// single describes the clustering model to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "clustering",
		Command: "go run ./clustering/cmd/fit",
		About: "Fits the clustering model (the original's clustering_model, a SUSTAIN-like learner) and writes " +
			"learning and loss curves, per-run states (.npz with the original's state_dict names), summary.json " +
			"(areas, recruited units, canonical-solution rates, mean final attention) and lc.png. With no flags it " +
			"runs the original's config1 on the six SHJ types, 50 runs × 32 blocks, into results/clustering/config1/. " +
			"The trials are shuffled per block from (random_seed, run); to reproduce the original's curves, give its " +
			"fixed order table: -order configs/clustering/shj_run2indices_50.csv.",
		DefaultTask: "shj",
		Default:     Default,
		Parts:       func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys },
		Ignored:     Ignored,
		Why:         "the clustering model needs it; see configs/clustering/config1.toml",
		Evaluate:    eval.Evaluate,
		Report:      eval.Report,
		Digest:      eval.Digest,
	}
}

// Model returns the clustering model's description for the command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does, and returns the ignored keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream the clustering model gives the dual
// stream: a fast stream, with its keys under fast_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "clustering", Role: learner.Fast, Keys: func() learner.Keys { return new(Keys) }, Ignored: Ignored}}
}

var _ learner.Keys = (*Keys)(nil)
