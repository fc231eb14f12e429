// Command fit trains the slow stream's network on the SHJ problems, the
// new stimuli or a user's stimuli and writes its learning curves,
// checkpoints and plot; run it with -help for the flags.
package main

import (
	"github.com/fastslow/stream/cli"

	"github.com/fastslow/dnn/train"
)

func main() { cli.Main(train.Model()) }
