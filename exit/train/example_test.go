package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/exit/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// newModel builds EXIT for task t: the config's keys and the task's
// items give the model's settings (one exemplar per trained item).
func newModel(c train.Config, t *task.Task) (*model.Model, error) {
	p, err := c.Keys.Params(t)
	if err != nil {
		return nil, err
	}
	return model.New(p)
}

// Example trains EXIT with catlearn's krus96exit parameters (the default
// config) on the training phase of Kruschke's (1996) inverse base-rate
// design, 4 runs of 8 blocks, with the kernel's trial loop, and prints the
// learning curve (the probability of error per block, averaged over runs)
// and the number of exemplars.
func Example() {
	c := train.Default()
	t := task.Krus96Training()
	lf, err := loss.ByName(c.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 4, Blocks: 8, Seed: uint64(c.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return newModel(c, t) }}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{Workers: 1})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	for b, p := range res.PError[res.Total()] {
		fmt.Printf("block %d: %.3f\n", b+1, p)
	}
	fmt.Println("exemplars:", res.Runs[0].Model.Active())
	// Output:
	// block 1: 0.599
	// block 2: 0.255
	// block 3: 0.148
	// block 4: 0.099
	// block 5: 0.073
	// block 6: 0.059
	// block 7: 0.051
	// block 8: 0.046
	// exemplars: 4
}

// Example_checkpoint saves a trained model as an .npz checkpoint (the
// original's state_dict names, which numpy and PyTorch read), loads it
// into a fresh model and checks that both predict alike.
func Example_checkpoint() {
	c := train.Default()
	t := task.Krus96Training()
	lf, err := loss.ByName(c.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 1, Blocks: 2, Seed: uint64(c.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return newModel(c, t) }}
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
	// exemplars [4 7]
	// gain_weights [4 7]
	// weights [4 7]
	// same logits: true
}
