// Command fit fits a distribution learner; with no flags it runs the
// original's dl_model config config_dlMU_1 (distr_learner_mu, 500 units)
// on the 100 new stimuli and writes results/distrlearner/config_dlMU_1/. Run it with
// -help for the flags.
package main

import (
	"github.com/fastslow/distrlearner/train"
	"github.com/fastslow/stream/cli"
)

func main() { cli.Main(train.Model()) }
