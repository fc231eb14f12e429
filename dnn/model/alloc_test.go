package model

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// TestTrialsAllocateNothing: blocks of trials (forward, probability of
// error, loss, backward and step, the fused ReLU kernels) allocate nothing,
// in both precisions, with and without momentum and with dropout.
func TestTrialsAllocateNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Params
	}{
		{"config1", config1},
		{"config1_float32", func() Params { c := config1; c.DType = "float32"; return c }()},
		{"config1_dropout", func() Params { c := config1; c.Dropout = 0.2; return c }()},
		{"no_momentum", func() Params { c := config1; c.Momentum = 0; return c }()},
		{"no_momentum_float32", func() Params { c := config1; c.Momentum, c.DType = 0, "float32"; return c }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := task.SHJ(6)
			require.NoError(t, err)
			src := seed.For(999, 0)
			net, err := Open(tc.cfg, src)
			require.NoError(t, err)
			orders := schedule.Shuffled{}.Run(src, len(tk.Items))
			order := make([]int, len(tk.Items))
			dz, p := make([]float64, 2), make([]float64, 2)
			lf := loss.BCELogits{}
			var tr stream.Trial
			blk := 0
			allocs := testing.AllocsPerRun(20, func() {
				orders.Next(blk, order)
				for i, k := range order {
					it := &tk.Items[k]
					tr = stream.Trial{Block: blk, Index: i, Item: k, X: it.X, Target: it.Target, Label: it.Label}
					z := net.Forward(&tr)
					loss.ProbError(z, tr.Label, p)
					lf.Eval(z, tr.Target, dz)
					net.Learn(&tr, dz)
				}
				blk++
			})
			require.Zero(t, allocs, "allocations per block of %d trials", len(order))
		})
	}
}
