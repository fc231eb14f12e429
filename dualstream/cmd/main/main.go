// Command main runs a dual-stream config: with no flags, the original's
// config_dlMU_dnn_1 on the new stimuli. See -help.
package main

import (
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
)

func main() { cli.Main(models.Dual()) }
