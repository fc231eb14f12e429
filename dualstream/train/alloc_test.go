package train_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/dualstream/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// TestTrialsAllocateNothing: the main job's dual stream (config_dlMU_dnn_1:
// the distribution learner and the deep network) allocates nothing in its
// blocks of trials, forward, loss and learning of both streams and their
// sum, once its fast stream has recruited (50 blocks first, not measured).
func TestTrialsAllocateNothing(t *testing.T) {
	data, err := os.ReadFile("default.toml")
	require.NoError(t, err)
	p, err := train.Parse("default.toml", data, models.Kinds())
	require.NoError(t, err)
	tasks, err := task.Parse(p.Loop.Task)
	require.NoError(t, err)
	tk := tasks[0]
	src := seed.For(uint64(p.Loop.RandomSeed), 0)
	s, err := p.New(tk, 0, src)
	require.NoError(t, err)
	lf, err := loss.ByName(p.Loop.LossFn)
	require.NoError(t, err)
	orders := schedule.Shuffled{}.Run(src, len(tk.Items))
	order := make([]int, len(tk.Items))
	prob := make([]float64, 2)
	var dz []float64
	var tr stream.Trial
	blk := 0
	block := func() {
		orders.Next(blk, order)
		for i, k := range order {
			it := &tk.Items[k]
			tr = stream.Trial{Block: blk, Index: i, Item: k, X: it.X, Target: it.Target, Label: it.Label}
			z := s.Forward(&tr)
			if dz == nil {
				dz = make([]float64, len(z))
			}
			loss.ProbError(z, tr.Label, prob)
			lf.Eval(z, tr.Target, dz)
			s.Learn(&tr, dz)
		}
		blk++
	}
	for range 50 {
		block()
	}
	allocs := testing.AllocsPerRun(20, block)
	require.Zero(t, allocs, "allocations per block of %d trials", len(order))
}
