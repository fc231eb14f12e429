package train_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	clustering "github.com/fastslow/clustering/train"
	dnn "github.com/fastslow/dnn/train"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/dualstream/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/dual"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// config is a dual-stream config in the original's keys: the clustering
// model as the fast stream, a small deep network as the slow one.
const config = `
config_version = "example"
fast = "clustering"
slow = "dnn"
random_seed = 999
num_blocks = 8
num_runs = 4
loss_fn = "bcelogits"
task = "shj2"

[fast_config]
max_num_clusters = 8
in_features = 3
r = 2
q = 1
specificity = 0.25
high_attn_constraint = "sumtoone"
beta = 3
temp_competition = "equivalent"
temp_softwta = 0.012
Phi = 10
thr = -0.4
lr_clustering = 0.1
center_lr_multiplier = 1
high_attn_lr_multiplier = 1
asso_lr_multiplier = 1

[slow_config]
act_func = "relu"
lr_dnn = 0.1
n_units = 16
mom = 0
dropout = 0
networks_depth = 2
input_size = 3
output_size = 2
`

// Example parses a dual-stream config, builds a dual stream per run and
// trains it with the kernel's trial loop, then prints the learning curve
// of each part and of their sum (the probability of error per block,
// averaged over runs).
func Example() {
	p, err := train.Parse("example.toml", []byte(config), models.Kinds())
	if err != nil {
		log.Fatal(err)
	}
	tasks, err := task.Parse(p.Loop.Task)
	if err != nil {
		log.Fatal(err)
	}
	t := tasks[0]
	lf, err := loss.ByName(p.Loop.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: p.Loop.NumRuns, Blocks: p.Loop.NumBlocks,
		Seed: uint64(p.Loop.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return p.New(t, r, src) }}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{Workers: 1})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	for i, name := range res.Parts {
		fmt.Printf("%-5s", name)
		for _, v := range res.PError[i] {
			fmt.Printf(" %.2f", v)
		}
		fmt.Println()
	}
	// Output:
	// fast  0.41 0.18 0.09 0.05 0.03 0.02 0.01 0.01
	// slow  0.51 0.51 0.51 0.50 0.50 0.50 0.50 0.50
	// total 0.42 0.19 0.09 0.05 0.03 0.02 0.01 0.01
}

// Example_twoModules builds a dual stream by hand from two modules'
// default configs (the clustering model's config1 and the deep network's
// config1), trains it for two blocks, saves its state as an .npz
// checkpoint (the original's FastSlow state_dict names), and loads the
// checkpoint into a fresh dual stream that then predicts alike.
func Example_twoModules() {
	t, err := task.SHJ(4)
	if err != nil {
		log.Fatal(err)
	}
	fast, slow := clustering.Default().Keys, dnn.Default().Keys
	newDual := func(r int, src seed.Source) (stream.Stream, error) {
		f, err := fast.New(t, src.Sub("fast"))
		if err != nil {
			return nil, err
		}
		s, err := slow.New(t, src.Sub("slow"))
		if err != nil {
			return nil, err
		}
		return dual.New(f, s), nil
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 1, Blocks: 2, Seed: 999, Loss: loss.BCELogits{}, New: newDual}
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
	fresh, err := newDual(0, seed.For(job.Seed, 0))
	if err != nil {
		log.Fatal(err)
	}
	if err := fresh.SetState(st); err != nil {
		log.Fatal(err)
	}
	for _, a := range fresh.State() {
		fmt.Println(a.Name, a.Shape)
	}
	tr := stream.Trial{Block: job.Blocks, X: t.Items[0].X, Target: t.Items[0].Target, Label: t.Items[0].Label}
	fmt.Println("same logits:", slices.Equal(rr.Model.Forward(&tr), fresh.Forward(&tr)))
	// Output:
	// FastModel.Distance.weight [8 3]
	// FastModel.DimensionWiseAttnLayer.weight [1 3]
	// FastModel.MaskNonRecruit.weight [1 8]
	// FastModel.ClsLayer.weight [8 2]
	// SlowModel.layers.0.weight [25 3]
	// SlowModel.layers.0.bias [25]
	// SlowModel.layers.1.weight [25 25]
	// SlowModel.layers.1.bias [25]
	// SlowModel.layers.2.weight [25 25]
	// SlowModel.layers.2.bias [25]
	// SlowModel.layers.3.weight [2 25]
	// SlowModel.layers.3.bias [2]
	// same logits: true
}
