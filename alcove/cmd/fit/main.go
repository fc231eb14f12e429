// Command fit fits ALCOVE; with no flags it runs Nosofsky et al.'s (1994)
// ALCOVE on the six SHJ types (100 simulated subjects × 16 blocks of 16
// trials) and writes results/alcove/config1/. Run it with -help for the
// flags.
package main

import (
	"github.com/fastslow/alcove/train"
	"github.com/fastslow/stream/cli"
)

func main() { cli.Main(train.Model()) }
