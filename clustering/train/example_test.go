package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/clustering/train"
	"github.com/fastslow/stream/learner"
)

// Example trains the clustering model of the original's config1 on SHJ type
// II, 4 runs of 8 blocks, with the kernel's trial loop, and prints the
// learning curve (the probability of error per block, averaged over runs)
// and how many clusters the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nclusters: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.409 0.188 0.094 0.053 0.031 0.020 0.014 0.011]
	// clusters: 4
}
