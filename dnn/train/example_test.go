package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/dnn/train"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/learner"
)

// Example trains the default config of the deep network (the original's
// config1) on SHJ type I, 4 runs of 64 blocks, with the kernel's trial
// loop, and prints the learning curve (the probability of error averaged
// over runs) in means of 8 blocks: the slow learner needs many blocks.
func Example() {
	c := train.Default()
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj1", 4, 64)
	if err != nil {
		log.Fatal(err)
	}
	for i, p := range curve.Coarsen(res.PError[res.Total()], 8) {
		fmt.Printf("blocks %2d-%2d: %.3f\n", 8*i+1, 8*i+8, p)
	}
	// Output:
	// blocks  1- 8: 0.500
	// blocks  9-16: 0.498
	// blocks 17-24: 0.496
	// blocks 25-32: 0.493
	// blocks 33-40: 0.491
	// blocks 41-48: 0.488
	// blocks 49-56: 0.484
	// blocks 57-64: 0.480
}
