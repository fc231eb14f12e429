package train

import (
	"fmt"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model returns EXIT's description for the shared fit command.
func Model() cli.Model {
	defaults, load := cli.Configs(Default, Load, Setup)
	return cli.Model{
		Name:    "exit",
		Command: "go run ./exit/cmd/fit",
		About: "Fits EXIT (Kruschke 2001, as catlearn's slpEXIT) and writes learning and loss curves, per-run states " +
			"(.npz: exemplars, gain_weights, weights) and summary.json. With no flags it runs catlearn's krus96exit " +
			"parameters on the training phase of Kruschke's (1996) inverse base-rate design " +
			"(the built-in task krus96-training), 56 simulated subjects × 15 blocks of 8 " +
			"trials, into results/exit/config1/. The design's test phase, without feedback, runs in go run ./cmd/phenomena.",
		DefaultTask: DefaultTask,
		Default:     defaults,
		Load:        load,
	}
}

// Every config's keys estimate their model's memory for the fit's budget.
var _ cli.Sizer = (*Keys)(nil)

// Memory implements cli.Sizer: at most one exemplar per item of the task,
// each with its position and gain weights, the association weights and
// the per-trial vectors.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	e, d := max(len(t.Items), 1), max(t.Dims, 1)
	c := max(t.Classes, 1)
	return budget.Estimate{Bytes: budget.Sum(budget.Floats(e, d).Times(2), budget.Floats(c, d),
		budget.Floats(e+4*d+4*c)), Keys: fmt.Sprintf("the task's %d items × %d features", len(t.Items), t.Dims)}
}

// Setup returns the fit setup of a checked config.
func Setup(c *Config, ignored []string) (*cli.Setup, error) {
	keys := c.Keys
	return &cli.Setup{
		Memory:  keys.Memory,
		Loop:    c.Loop,
		Config:  c,
		Ignored: ignored,
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			p, err := keys.Params(t)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			m, err := model.New(p)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", c.ConfigVersion, err)
			}
			return m, nil
		},
	}, nil
}
