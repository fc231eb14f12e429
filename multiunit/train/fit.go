package train

import (
	"fmt"

	"github.com/fastslow/multiunit/eval"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model returns the multi-unit clustering model's description for the
// shared fit command.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
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
			m, err := keys.New(t, src)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			return m, nil
		},
		Evaluate: eval.Evaluate,
		Report:   eval.Report,
	}, nil
}
