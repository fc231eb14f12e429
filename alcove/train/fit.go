package train

import (
	"fmt"
	"sync"

	"github.com/fastslow/alcove/eval"
	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model returns ALCOVE's description for the shared fit command.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
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
		Default:     defaults,
		Load:        load,
	}
}

// Every config's keys estimate their model's memory for the fit's budget.
var _ cli.Sizer = (*Keys)(nil)

// Setup returns the fit setup of a checked config. The model's settings
// for a task (its nodes, above all) are worked out once, for the first
// run; every run then only allocates its model.
func Setup(c *Config, ignored []string) (*cli.Setup, error) {
	keys := c.Keys
	var (
		mu     sync.Mutex
		params = map[*task.Task]model.Params{}
	)
	return &cli.Setup{
		Memory:  keys.Memory,
		Loop:    c.Loop,
		Config:  c,
		Ignored: ignored,
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			mu.Lock()
			p, ok := params[t]
			var err error
			if !ok {
				if p, err = keys.Params(t); err == nil {
					params[t] = p
				}
			}
			mu.Unlock()
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			m, err := model.New(p) // copies p's nodes and attention
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			return m, nil
		},
		Evaluate: eval.Evaluate,
		Report:   eval.Report,
	}, nil
}
