package train

import (
	"github.com/fastslow/alcove/eval"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
)

// single describes ALCOVE to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "alcove",
		Command: "go run ./alcove/cmd/fit",
		About: "Fits ALCOVE (Kruschke 1992, as catlearn's slpALCOVE) and writes learning and loss curves, per-run " +
			"states (.npz: hidden, attention, weights), summary.json (areas, the SHJ ordinal adequacy, the SSE against " +
			"Nosofsky et al. 1994, mean final attention) and lc.png beside the human curves. With no flags it runs " +
			"Nosofsky et al.'s (1994) ALCOVE fit (catlearn's nosof94bnalcove: background-noise rule, c 6.33, phi 0.011, " +
			"la 0.409, lw 0.179) on the six SHJ types, 100 simulated subjects × 16 blocks of 16 trials (each stimulus " +
			"twice per block, in two shuffled passes), into results/alcove/config1/. configs/alcove/exalcove.toml is " +
			"standard ALCOVE with catlearn's archived fit.",
		DefaultTask: "shj",
		Default:     Default,
		Parts:       func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys },
		Ignored:     Ignored,
		Why:         "ALCOVE needs it; see configs/alcove/config1.toml",
		Evaluate:    eval.Evaluate,
		Report:      eval.Report,
	}
}

// Model returns ALCOVE's description for the command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does, and returns the ignored keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream ALCOVE gives the dual stream: a fast
// stream, with its keys under fast_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "alcove", Role: learner.Fast, Keys: func() learner.Keys { return new(Keys) }, Ignored: Ignored}}
}

var _ learner.Keys = (*Keys)(nil)
