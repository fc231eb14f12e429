package sweep_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fastslow/stream/internal/toymodel"
	"github.com/fastslow/stream/sweep"
)

// ExampleRun builds a sweep of three configs in Go (a small linear
// learner at three learning rates; with a model module, its train.Config
// values), runs them into a results folder, a subfolder per config, runs
// it again (every config is finished, so nothing runs), and ranks the
// configs by the area under their learning curves.
func ExampleRun() {
	out, err := os.MkdirTemp("", "sweep")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	sw := &sweep.Sweep{Name: "lr", Model: toymodel.Model(), Source: "ExampleRun", Keys: []string{"lr"}}
	for i, lr := range []float64{0.02, 0.2, 2} {
		c := toymodel.Default() // SHJ type I, 3 runs of 4 blocks
		c.LR = lr
		name := fmt.Sprintf("lr_%d", i+1)
		c.ConfigVersion = name
		sw.Configs = append(sw.Configs, sweep.Config{Number: i + 1, Name: name, Value: c,
			Grid: []sweep.Value{{Key: "lr", Value: lr}}})
	}
	for range 2 {
		sum, err := sweep.Run(context.Background(), sw, sweep.RunOptions{Out: out})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d configs: %d run, %d finished before\n", sum.Selected, sum.Done, sum.Skipped)
	}
	m, err := sweep.ParseMetric("area")
	if err != nil {
		fmt.Println(err)
		return
	}
	rk, err := sweep.Report(out, m, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rk.Rows {
		fmt.Printf("%d. %s (lr %v): area %.3f, final error %.3f\n", r.Rank, filepath.Base(r.Dir), r.Marker.Grid[0].Value, r.Area, r.Final)
	}
	// Output:
	// 3 configs: 3 run, 0 finished before
	// 3 configs: 0 run, 3 finished before
	// 1. lr_3 (lr 2): area 0.489, final error 0.086
	// 2. lr_2 (lr 0.2): area 0.985, final error 0.242
	// 3. lr_1 (lr 0.02): area 1.392, final error 0.440
}
