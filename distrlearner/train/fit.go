package train

import (
	"github.com/fastslow/distrlearner/eval"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model returns the fit command's description of the distribution
// learners.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
		Name:    "distrlearner",
		Command: "go run ./distrlearner/cmd/fit",
		About: "Fits a distribution learner (the original's dl_model: distr_learner_mu, or distr_learner with " +
			"model = \"distr_learner\" in the config) and writes learning and loss curves, per-run states (.npz with " +
			"the original's state_dict names), summary.json (areas, recruited units, recruitments cut short by " +
			"densities that underflowed to 0, final scales) and lc.png. With no flags it runs the original's " +
			"config_dlMU_1 (500 units, k 0.01) on the 100 new stimuli, 1 run × 10 blocks, into results/distrlearner/config_dlMU_1/. " +
			"To reproduce the original's curve exactly, give its trial orders with -order.",
		DefaultTask: DefaultTask,
		Default:     defaults,
		Load:        load,
	}
}

// Every config's keys estimate their model's memory for the fit's budget.
var _ cli.Sizer = (*Keys)(nil)

// Setup returns the fit setup of a checked config.
func Setup(c *Config, ignored []string) (*cli.Setup, error) {
	kind, err := c.Kind()
	if err != nil {
		return nil, err
	}
	keys := c.Keys
	return &cli.Setup{
		Memory:  keys.Memory,
		Loop:    c.Loop,
		Config:  c,
		Ignored: ignored,
		// The learners draw no random numbers: every run starts from the
		// same state, as in the original.
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return keys.New(kind, t)
		},
		Evaluate: eval.Analyses,
		Report:   eval.Report,
	}, nil
}
