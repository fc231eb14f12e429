// Command fit fits the clustering model; with no flags it runs the
// original's config1 on the six SHJ types and writes results/clustering/config1/.
// Run it with -help for the flags.
package main

import (
	"github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/cli"
)

func main() { cli.Main(train.Model()) }
