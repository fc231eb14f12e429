package train

import (
	"fmt"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/sustain/eval"
)

// Model returns SUSTAIN's description for the shared fit command.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
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
			m, err := keys.NewRun(t, src)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			return m, nil
		},
		Evaluate: eval.Evaluate,
		Report:   eval.Report,
	}, nil
}
