package train

import (
	"github.com/fastslow/distrlearner/eval"
	"github.com/fastslow/distrlearner/model"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
)

// single describes the distribution learners to the command line.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "distrlearner",
		Command: "go run ./distrlearner/cmd/fit",
		About: "Fits a distribution learner (the original's dl_model: distr_learner_mu, or distr_learner with " +
			"model = \"distr_learner\" in the config) and writes learning and loss curves, per-run states (.npz with " +
			"the original's state_dict names), summary.json (areas, recruited units, recruitments cut short by " +
			"densities that underflowed to 0, final scales) and lc.png. With no flags it runs the original's " +
			"config_dlMU_1 (500 units, k 0.01) on the 100 new stimuli, 1 run × 10 blocks, into results/distrlearner/config_dlMU_1/. " +
			"To reproduce the original's curve exactly, give its trial orders with -order.",
		DefaultTask: DefaultTask,
		Default:     Default,
		// The model key names the learner the keys are for.
		Parts: func(c *Config) (*config.Loop, learner.Keys) {
			c.Keys.learner = c.Model
			return &c.Loop, &c.Keys
		},
		Ignored:  Ignored,
		Why:      "the distribution learner needs it, and the original fails without it; see configs/distrlearner/config_dlMU_1.toml",
		Evaluate: eval.Analyses,
		Report:   eval.Report,
	}
}

// Model returns the distribution learners' description for the command
// line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) strictly,
// as learner.Single.Load does, and returns the ignored keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the two kinds of stream the distribution learners give
// the dual stream: fast streams named by the learner, with their keys
// under fast_config.
func Kinds() learner.Kinds {
	var ks learner.Kinds
	for _, name := range []string{model.SingleName, model.MultiName} {
		ks = append(ks, learner.Kind{Name: name, Role: learner.Fast, Keys: func() learner.Keys { return &Keys{learner: name} }, Ignored: Ignored})
	}
	return ks
}

var _ learner.Keys = (*Keys)(nil)
