package model

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// TestTrialsAllocateNothing: a whole run of config1's trials (32 blocks
// from the original's initial positions, recruitments included: the cells
// around a stimulus, the scan, the ranking by exponent) allocates nothing
// once the model's lists of active units, winners and groups have grown to
// the run's sizes (they start small and grow by doubling, a few times in a
// model's life: the first pass of the run, not measured). A run, not a
// trial, is the unit measured, so that an allocation on the few recruiting
// trials is not averaged away.
func TestTrialsAllocateNothing(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	for _, typ := range []int{1, 6} {
		tk, err := task.SHJ(typ)
		require.NoError(t, err)
		tmpl := newFromInit(t, config1)
		m := newFromInit(t, config1)
		lf := loss.CrossEntropy{}
		dz, prob := make([]float64, 2), make([]float64, 2)
		var tr stream.Trial
		const run = 3
		allocs := testing.AllocsPerRun(3, func() {
			reset(m, tmpl)
			for i := range 32 * 8 {
				blk, pos := i/8, i%8
				k := tab.Orders[run][blk][pos]
				it := &tk.Items[k]
				tr = stream.Trial{Run: run, Block: blk, Index: pos, Item: k, Signature: it.Signature,
					X: it.X, Target: it.Target, Label: it.Label}
				z := m.Forward(&tr)
				loss.ProbError(z, it.Label, prob)
				lf.Eval(z, it.Target, dz)
				m.Learn(&tr, dz)
			}
		})
		require.NoError(t, m.Err())
		require.Zero(t, allocs, "SHJ type %d: allocations per run of 256 trials", typ)
	}
}
