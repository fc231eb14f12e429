package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/fastslow/dnn/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Example trains the default config of the deep network (the original's
// config1) on SHJ type I, 4 runs of 64 blocks, with the kernel's trial
// loop, and prints the learning curve (the probability of error averaged
// over runs) in means of 8 blocks: the slow learner needs many blocks.
func Example() {
	c := train.Default()
	t, err := task.SHJ(1)
	if err != nil {
		log.Fatal(err)
	}
	lf, err := loss.ByName(c.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 4, Blocks: 64, Seed: uint64(c.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return c.Network.New(t, src) }}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{Workers: 1})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
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

// Example_checkpoint saves a trained model as an .npz checkpoint (the
// original's state_dict names, which numpy and PyTorch read), loads it
// into a fresh model and checks that both predict alike.
func Example_checkpoint() {
	c := train.Default()
	t, err := task.SHJ(1)
	if err != nil {
		log.Fatal(err)
	}
	lf, err := loss.ByName(c.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 1, Blocks: 2, Seed: uint64(c.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return c.Network.New(t, src) }}
	rr, err := run.One(context.Background(), &job, 0, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "checkpoint")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run0.npz")
	if err := npz.Write(path, rr.Model.State()); err != nil {
		log.Fatal(err)
	}
	st, err := npz.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	fresh, err := job.New(0, seed.For(job.Seed, 0))
	if err != nil {
		log.Fatal(err)
	}
	if err := fresh.SetState(st); err != nil {
		log.Fatal(err)
	}
	for _, a := range fresh.State() {
		fmt.Println(a.Name, a.Shape)
	}
	tr := stream.Trial{Block: job.Blocks, Item: 0, X: t.Items[0].X, Target: t.Items[0].Target, Label: t.Items[0].Label}
	fmt.Println("same logits:", slices.Equal(rr.Model.Forward(&tr), fresh.Forward(&tr)))
	// Output:
	// layers.0.weight [25 3]
	// layers.0.bias [25]
	// layers.1.weight [25 25]
	// layers.1.bias [25]
	// layers.2.weight [25 25]
	// layers.2.bias [25]
	// layers.3.weight [2 25]
	// layers.3.bias [2]
	// same logits: true
}
