// Command fit fits EXIT; with no flags it runs catlearn's krus96exit
// parameters on the training phase of Kruschke's (1996) inverse base-rate
// design and writes results/exit/config1/. Run it with -help for the
// flags.
package main

import (
	"github.com/fastslow/exit/train"
	"github.com/fastslow/stream/cli"
)

func main() { cli.Main(train.Model()) }
