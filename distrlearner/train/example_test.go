package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/distrlearner/train"
	"github.com/fastslow/stream/learner"
)

// Example trains the multi-unit distribution learner of the default config
// on the new stimuli, 2 runs of 4 blocks, with the kernel's trial loop, and
// prints the learning curve (the probability of error per block, averaged
// over runs) and how many units the first run ended with.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "new-stimuli", 2, 4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.3f\nunits: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.073 0.042 0.045 0.021]
	// units: 85
}
