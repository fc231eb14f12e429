package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/exit/train"
	"github.com/fastslow/stream/learner"
)

// Example trains EXIT with catlearn's krus96exit parameters on the training
// phase of Kruschke's (1996) inverse base-rate design, 4 runs of 8 blocks,
// with the kernel's trial loop, and prints the learning curve (the
// probability of error per block, averaged over runs) and how many
// exemplars the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "testdata/krus96_design.csv", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nexemplars: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.599 0.255 0.148 0.099 0.073 0.059 0.051 0.046]
	// exemplars: 4
}
