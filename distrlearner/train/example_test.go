package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/distrlearner/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Example builds the trial loop's job by hand from the default config
// (the multi-unit distribution learner on the new stimuli, 2 runs of 4
// blocks): each run's learner is the keys' New for the task, with the
// run's generators. It prints the learning curve (the probability of
// error per block, averaged over runs) and how many units the first run
// recruited.
func Example() {
	c := train.Default()
	t := task.NewStimuli()
	job := run.Job{Name: t.Name, Task: t, Runs: 2, Blocks: 4, Seed: uint64(c.RandomSeed), Loss: loss.BCELogits{},
		New: func(r int, src seed.Source) (stream.Stream, error) { return c.Keys.New(t, src) }}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	fmt.Printf("p(error): %.3f\nunits: %d\n", res.PError[res.Total()], res.Runs[0].Model.Active())
	// Output:
	// p(error): [0.073 0.042 0.045 0.021]
	// units: 85
}
