package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/stream/learner"
	"github.com/fastslow/sustain/train"
)

// Example trains SUSTAIN with its published SHJ parameters on SHJ type II,
// 4 runs of 8 blocks of 16 trials (two shuffled passes through the 8 items,
// as catlearn's nosof94sustain), breaking ties between equally active
// clusters at random (catlearn's slpSUSTAIN default; each run's generator
// comes from the config's seed and the run), and prints the learning curve
// (the probability of error per block, averaged over runs) and how many
// clusters the first run recruited.
func Example() {
	c := train.Default()
	c.Ties = "random"
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nclusters: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.427 0.192 0.112 0.083 0.068 0.056 0.047 0.039]
	// clusters: 8
}
