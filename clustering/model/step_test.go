package model

import (
	"math"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

// TestStepAll: with equal learning rates the three groups are stepped as
// one array, with the bits of the three steps; with unequal ones they are
// stepped one by one.
func TestStepAll(t *testing.T) {
	p := Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1}
	one, err := New(p)
	require.NoError(t, err)
	require.NotNil(t, one.all)
	three, err := New(p)
	require.NoError(t, err)
	three.all = nil
	q := p
	q.LRAssoc = 0.05
	unequal, err := New(q)
	require.NoError(t, err)
	require.Nil(t, unequal.all)

	tk, err := task.SHJ(4)
	require.NoError(t, err)
	dz := make([]float64, 2)
	lf := loss.BCELogits{}
	tr := stream.Trial{}
	for block := range 8 {
		for i := range tk.Items {
			it := &tk.Items[(i*3+block)%len(tk.Items)]
			tr.Block, tr.Index, tr.Signature, tr.X, tr.Target, tr.Label = block, i, it.Signature, it.X, it.Target, it.Label
			for _, m := range []*Model{one, three} {
				lf.Eval(m.Forward(&tr), it.Target, dz)
				m.Learn(&tr, dz)
			}
			for g, a := range one.State() {
				b := three.State()[g]
				for j := range a.Data {
					require.Equal(t, math.Float64bits(b.Data[j]), math.Float64bits(a.Data[j]), "block %d, trial %d: %s[%d]", block, i, a.Name, j)
				}
			}
		}
	}
}
