package train

import (
	_ "embed"

	"github.com/fastslow/stream/cli"
)

// defaultConfig is configs/dualstream/config_dlMU_dnn_1.toml (a test
// keeps the two the same).
//
//go:embed default.toml
var defaultConfig []byte

// Model returns the dual stream to the shared command line.
func Model() cli.Model {
	return cli.Model{
		Name:    "dualstream",
		Command: "go run ./dualstream/cmd/main",
		About: "Runs a dual stream: a fast learner (clustering, multiunit_clustering, distr_learner or " +
			"distr_learner_mu) and the slow deep network, whose logits add up and which both learn from the " +
			"gradient of the total loss. Writes lc_{fast,slow,total}.npy, loss_{fast,slow,total}.npy, curves.csv, " +
			"summary.json, one run{r}.npz per run (FastModel./SlowModel. state_dict names) and lc.png. With no " +
			"flags it runs the original's config_dlMU_dnn_1 (distr_learner_mu + dnn, 10 runs × 350 blocks of the " +
			"100 new stimuli) into results/dualstream/config_dlMU_dnn_1/.",
		DefaultTask: DefaultTask,
		Default: func() (*cli.Setup, error) {
			p, err := Parse("built-in config_dlMU_dnn_1", defaultConfig)
			if err != nil {
				return nil, err
			}
			return p.Setup(), nil
		},
		Load: func(path string, data []byte) (*cli.Setup, error) {
			p, err := Parse(path, data)
			if err != nil {
				return nil, err
			}
			return p.Setup(), nil
		},
	}
}
