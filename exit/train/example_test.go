package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/exit/train"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// Example plans EXIT's command as the command line would (catlearn's
// krus96exit parameters on the training phase of Kruschke's (1996)
// inverse base-rate design, here 4 runs of 8 blocks), runs its jobs with
// the kernel's trial loop without writing a results folder, and prints the
// learning curve (the probability of error per block, averaged over runs)
// and how many exemplars the first run holds.
func Example() {
	p, err := cli.Prepare(train.Model(), cli.Options{Task: train.DefaultTask, Runs: 4, Blocks: 8})
	if err != nil {
		log.Fatal(err)
	}
	res := run.Do(context.Background(), p.Jobs, run.Options{Workers: 1})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	fmt.Printf("p(error): %.3f\nexemplars: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.599 0.255 0.148 0.099 0.073 0.059 0.051 0.046]
	// exemplars: 4
}
