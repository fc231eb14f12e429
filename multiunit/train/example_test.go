package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/multiunit/train"
	"github.com/fastslow/stream/learner"
)

// config is a config file's text: the original's config1 with 1,000 units
// and 5 % of them winners, on SHJ type II, 4 runs of 8 blocks.
const config = `
num_blocks = 8
num_runs = 4
random_seed = 999
loss_fn = "crossentropy"
n_units = 1000
n_dims = 3
n_classes = 2
r = 1
c = 0.2
phi = 7.0
k = 0.05
lr_nn = 0.0035
lr_attn = 3.0
lr_clusters = 0.15
attn_type = "dimensional_local"
task = "shj2"
`

// Example loads a config from its text (strictly: a misspelt or missing
// key is an error naming it), trains it with the kernel's trial loop, and
// prints the learning curve (the probability of error per block, averaged
// over runs) and how many units the first run ended with.
func Example() {
	c, ignored, err := train.Load("small.toml", []byte(config))
	if err != nil {
		log.Fatal(err)
	}
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, c.Task, c.NumRuns, c.NumBlocks)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ignored keys: %v\np(error): %.3f\nunits: %d\n", ignored, res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// ignored keys: []
	// p(error): [0.470 0.351 0.273 0.221 0.185 0.158 0.138 0.122]
	// units: 200
}
