package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/alcove/train"
	"github.com/fastslow/stream/learner"
)

// Example trains ALCOVE with Nosofsky et al.'s (1994) fit on SHJ type II, 4
// runs of 8 blocks, with the kernel's trial loop, and prints the learning
// curve (the probability of error per block, averaged over runs) and how
// many hidden nodes the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nhidden nodes: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.570 0.206 0.104 0.060 0.037 0.024 0.017 0.014]
	// hidden nodes: 8
}
