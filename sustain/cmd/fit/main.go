// Command fit fits SUSTAIN; with no flags it runs the published SHJ
// parameters on the six types as catlearn's nosof94sustain does (100
// simulated subjects, 16 blocks of 16 trials) and writes
// results/sustain/config1/. Run it with -help for the flags.
package main

import (
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/sustain/train"
)

func main() { cli.Main(train.Model()) }
