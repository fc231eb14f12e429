package train

import (
	"fmt"

	"github.com/fastslow/clustering/eval"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model returns the clustering model's description for the shared fit
// command.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
		Name:    "clustering",
		Command: "go run ./clustering/cmd/fit",
		About: "Fits the clustering model (the original's clustering_model, a SUSTAIN-like learner) and writes " +
			"learning and loss curves, per-run states (.npz with the original's state_dict names), summary.json " +
			"(areas, recruited units, canonical-solution rates, mean final attention) and lc.png. With no flags it " +
			"runs the original's config1 on the six SHJ types, 50 runs × 32 blocks, into results/clustering/config1/. " +
			"The trials are shuffled per block from (random_seed, run); to reproduce the original's curves, give its " +
			"fixed order table: -order configs/clustering/shj_run2indices_50.csv.",
		DefaultTask: "shj",
		Default:     defaults,
		Load:        load,
	}
}

// Every config's keys estimate their model's memory for the fit's budget.
var _ cli.Sizer = (*Keys)(nil)

// Setup returns the fit setup of a checked config.
func Setup(c *Config, ignored []string) (*cli.Setup, error) {
	keys := c.Keys
	return &cli.Setup{
		Memory:  keys.Memory,
		Loop:    c.Loop,
		Config:  c,
		Ignored: ignored,
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			m, err := keys.New(t)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			return m, nil
		},
		Evaluate: eval.Evaluate,
		Report:   eval.Report,
	}, nil
}
