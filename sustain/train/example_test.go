package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/stream/learner"
	"github.com/fastslow/sustain/train"
)

// Example trains SUSTAIN with its published SHJ parameters on SHJ type II,
// 4 runs of 8 blocks, with the kernel's trial loop, and prints the learning
// curve (the probability of error per block, averaged over runs) and how
// many clusters the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nclusters: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.528 0.329 0.224 0.159 0.122 0.101 0.088 0.079]
	// clusters: 8
}
