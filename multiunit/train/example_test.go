package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/multiunit/train"
	"github.com/fastslow/stream/learner"
)

// Example trains the multi-unit clustering model of the original's config1
// on SHJ type II, 4 runs of 8 blocks, with the kernel's trial loop, and
// prints the learning curve (the probability of error per block, averaged
// over runs) and how many units the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nunits: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.463 0.332 0.248 0.195 0.160 0.134 0.116 0.101]
	// units: 200
}
