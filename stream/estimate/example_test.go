package estimate_test

import (
	"context"
	"fmt"
	"math"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// ExampleFit fits the learning rate of a small linear learner to a
// made-up learning curve of SHJ type I: the objective runs the learner's
// simulated subjects at every point of a batch on one pool of workers and
// returns the sum of squared differences to the curve. The search is a
// grid of three points and a Nelder–Mead search from the best of them;
// every evaluation meets the same subjects (common random numbers), so
// the loss is a deterministic function of the rate.
func ExampleFit() {
	t, err := task.SHJ(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	target := []float64{0.5, 0.4, 0.3, 0.25, 0.2, 0.18} // probability of error per block
	objective := func(ctx context.Context, pts []estimate.Point, o estimate.EvalOptions) []estimate.Eval {
		jobs := make([]run.Job, len(pts))
		for i, pt := range pts {
			lr := pt.X[0]
			jobs[i] = run.Job{Name: t.Name, Task: t, Runs: pt.Runs, Blocks: len(target), Seed: uint64(pt.Seed),
				Loss: loss.CrossEntropy{},
				New: func(r int, src seed.Source) (stream.Stream, error) {
					return toy.New(t.Dims, t.Classes, lr, src), nil
				}}
		}
		res := run.Do(ctx, jobs, run.Options{Workers: o.Workers, Progress: o.Progress, Release: true})
		out := make([]estimate.Eval, len(pts))
		for i, r := range res {
			if r.Err != nil {
				out[i] = estimate.Failed(pts[i], r.Err)
				continue
			}
			curve := r.PError[r.Total()]
			var sse float64
			for b, h := range target {
				sse += (curve[b] - h) * (curve[b] - h)
			}
			out[i] = estimate.Eval{Point: pts[i], Loss: sse, SSE: sse, RMSE: math.Sqrt(sse / float64(len(target))),
				Curves: [][]float64{curve}}
		}
		return out
	}
	p := &estimate.Problem{
		Name:      "lr",
		Params:    []estimate.Param{{Key: "lr", Min: 0.01, Max: 10, Log: true}},
		Search:    estimate.Search{Grid: 3, Starts: 1, MaxEvals: 40},
		Seed:      1,
		Runs:      20,
		Objective: objective,
	}
	p.Search.Defaults()
	r, err := estimate.Fit(context.Background(), p, nil, estimate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("best lr %.3f, SSE %.4f after %d evaluations\n", r.Best.X[0], r.Best.Loss, r.Evaluations)
	for b, v := range r.Best.Curves[0] {
		fmt.Printf("block %d: model %.3f, target %.2f\n", b+1, v, target[b])
	}
	// Output:
	// best lr 0.185, SSE 0.0034 after 28 evaluations
	// block 1: model 0.484, target 0.50
	// block 2: model 0.358, target 0.40
	// block 3: model 0.293, target 0.30
	// block 4: model 0.254, target 0.25
	// block 5: model 0.225, target 0.20
	// block 6: model 0.205, target 0.18
}
