package train

import (
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/sustain/eval"
)

// single describes SUSTAIN to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "sustain",
		Command: "go run ./sustain/cmd/fit",
		About: "Fits SUSTAIN (Love, Medin & Gureckis 2004, as catlearn's slpSUSTAIN) and writes learning and loss " +
			"curves, per-run states (.npz: clusters, weights, lambda), summary.json (areas, clusters, the SHJ ordinal " +
			"adequacy, the SSE against Nosofsky et al. 1994) and lc.png beside the human curves. With no flags it runs " +
			"the published SHJ parameters on the six types, 100 simulated subjects × 16 blocks of 16 trials (two " +
			"shuffled passes through the 8 items), into results/sustain/config1/. The trials are shuffled from " +
			"(random_seed, run); to replay catlearn's own nosof94sustain simulation, give its orders: " +
			"-order configs/sustain/catlearn_nosof94_orders.csv.",
		DefaultTask: "shj",
		Default:     Default,
		Parts:       func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys },
		Ignored:     Ignored,
		Why:         "SUSTAIN needs it; see configs/sustain/config1.toml",
		Evaluate:    eval.Evaluate,
		Report:      eval.Report,
	}
}

// Model returns SUSTAIN's description for the command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does, and returns the ignored keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream SUSTAIN gives the dual stream: a fast
// stream, with its keys under fast_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "sustain", Role: learner.Fast, Keys: func() learner.Keys { return new(Keys) }, Ignored: Ignored}}
}

var _ learner.Keys = (*Keys)(nil)
