package train

import (
	_ "embed"
	"strings"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/learner"
)

// defaultConfig is configs/dualstream/config_dlMU_dnn_1.toml (a test
// keeps the two the same).
//
//go:embed default.toml
var defaultConfig []byte

// Model returns the dual stream of the given kinds of stream (the
// registry's, models.Kinds, for the commands) to the command line.
func Model(kinds learner.Kinds) cli.Model {
	return cli.Model{
		Name:    "dualstream",
		Command: "go run ./dualstream/cmd/main",
		About: "Runs a dual stream: a fast learner (" + strings.Join(kinds.Names(learner.Fast), ", ") + ") and the slow " +
			"learner (" + strings.Join(kinds.Names(learner.Slow), ", ") + "), whose logits add up and which both learn from the " +
			"gradient of the total loss. Writes lc_{fast,slow,total}.npy, loss_{fast,slow,total}.npy, curves.csv, " +
			"summary.json, one run{r}.npz per run (FastModel./SlowModel. state_dict names) and lc.png. With no " +
			"flags it runs the original's config_dlMU_dnn_1 (distr_learner_mu + dnn, 10 runs × 350 blocks of the " +
			"100 new stimuli) into results/dualstream/config_dlMU_dnn_1/.",
		DefaultTask: DefaultTask,
		Default: func() (*cli.Setup, error) {
			p, err := Parse("built-in config_dlMU_dnn_1", defaultConfig, kinds)
			if err != nil {
				return nil, err
			}
			return p.Setup(), nil
		},
		Load: func(path string, data []byte) (*cli.Setup, error) {
			p, err := Parse(path, data, kinds)
			if err != nil {
				return nil, err
			}
			return p.Setup(), nil
		},
	}
}
