package train

import (
	"github.com/fastslow/multiunit/eval"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
)

// single describes the multi-unit clustering model to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "multiunit",
		Command: "go run ./multiunit/cmd/fit",
		About: "Fits the multi-unit clustering model (the original's multiunit_clustering; Mok & Love 2023) and writes " +
			"learning and loss curves, per-run states (.npz with the original's state_dict names), summary.json " +
			"(areas, active units, recruiting trials, mean final attention) and lc.png. With no flags it runs the " +
			"original's config1 (10,000 units, 0.5 % winners) on the six SHJ types, 50 runs × 32 blocks, into " +
			"results/multiunit/config1/. Each run draws its own initial unit positions and shuffles from (random_seed, run); " +
			"to reproduce the original's curves, give its positions and orders: " +
			"-init multiunit/testdata/muc_shj_init.npz -order multiunit/testdata/muc_shj_order_50runs.csv (paths from the " +
			"repository root).",
		DefaultTask: "shj",
		Default:     Default,
		Parts:       func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys },
		Ignored:     Ignored,
		Why:         "the multi-unit model needs it; see configs/multiunit/config1.toml",
		Evaluate:    eval.Evaluate,
		Report:      eval.Report,
		Digest:      eval.Digest,
	}
}

// Model returns the multi-unit clustering model's description for the
// command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does, and returns the ignored keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream the multi-unit model gives the dual
// stream: a fast stream, with its keys under fast_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "multiunit_clustering", Role: learner.Fast, Keys: func() learner.Keys { return new(Keys) }, Ignored: Ignored}}
}

var _ learner.Filler = (*Keys)(nil)
