package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/alcove/train"
	"github.com/fastslow/stream/learner"
)

// Example trains ALCOVE with Nosofsky et al.'s (1994) fit on SHJ type II, 4
// runs of 8 blocks of 16 trials (each stimulus twice per block, as
// catlearn's nosof94bnalcove), with each of its attention rules, and prints
// the learning curves (the probability of error per block, averaged over
// runs): with city-block distances and an exponential gradient (r = q = 1)
// catlearn's rule is the exact gradient, so the two agree.
func Example() {
	for _, rule := range []string{"kruschke", "gradient"} {
		c := train.Default()
		c.AttentionRule = rule
		res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj2", 4, 8)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-8s %.3f\n", rule, res.PError[res.Total()])
	}
	// Output:
	// kruschke [0.388 0.082 0.030 0.016 0.012 0.011 0.011 0.011]
	// gradient [0.388 0.082 0.030 0.016 0.012 0.011 0.011 0.011]
}
