package train

import (
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
)

// single describes EXIT to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "exit",
		Command: "go run ./exit/cmd/fit",
		About: "Fits EXIT (Kruschke 2001, as catlearn's slpEXIT) and writes learning and loss curves, per-run states " +
			"(.npz: exemplars, gain_weights, weights) and summary.json. With no flags it runs catlearn's krus96exit " +
			"parameters on the training phase of Kruschke's (1996) inverse base-rate design " +
			"(the built-in task krus96-training), 56 simulated subjects × 15 blocks of 8 " +
			"trials, into results/exit/config1/. The design's test phase, without feedback, runs in go run ./cmd/phenomena.",
		DefaultTask: DefaultTask,
		Default:     Default,
		Parts:       func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys },
		Why:         "EXIT needs it; see configs/exit/config1.toml",
	}
}

// Model returns EXIT's description for the command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream EXIT gives the dual stream: a fast
// stream, with its keys under fast_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "exit", Role: learner.Fast, Keys: func() learner.Keys { return new(Keys) }}}
}

var _ learner.Keys = (*Keys)(nil)
