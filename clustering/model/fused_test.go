package model

import (
	"math"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/stream/vmath"
	"github.com/stretchr/testify/require"
)

// TestFusedSameBits runs config1 on the six SHJ types in the fixtures'
// trial orders with the fused prediction and without it (the layers one
// by one), side by side: every trial's logits and support and every
// parameter after every step are the same to the bit, the fused model's
// trials of two predictions with both in one kernel (Model.pair), some
// of them followed by a recruitment and a third.
func TestFusedSameBits(t *testing.T) {
	p := Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1}
	orders, err := schedule.ReadTable("../testdata/shj_orders_50.csv")
	require.NoError(t, err)
	same := func(what string, typ, run, block, i int, a, b []float64) {
		t.Helper()
		for j := range a {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				t.Fatalf("type %d, run %d, block %d, trial %d: %s[%d] fused %v, layers %v", typ, run, block, i, what, j, a[j], b[j])
			}
		}
	}
	dz, dzl := make([]float64, 2), make([]float64, 2)
	paired, pairedRecruits := 0, 0
	lf := loss.BCELogits{}
	for typ := 1; typ <= 6; typ++ {
		tk, err := task.SHJ(typ)
		require.NoError(t, err)
		for run := range 5 {
			fused, err := New(p)
			require.NoError(t, err)
			layered, err := New(p)
			require.NoError(t, err)
			layered.fused = nil
			tr := stream.Trial{Run: run}
			for block := range 32 {
				for i, k := range orders.Orders[run][block] {
					it := &tk.Items[k]
					tr.Block, tr.Index, tr.Item = block, i, k
					tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
					z := fused.Forward(&tr)
					zl := layered.Forward(&tr)
					if fused.paired {
						paired++
						if fused.recruited {
							pairedRecruits++
						}
					}
					same("logits", typ, run, block, i, z, zl)
					same("support", typ, run, block, i, []float64{fused.Support()}, []float64{layered.Support()})
					lf.Eval(z, it.Target, dz)
					lf.Eval(zl, it.Target, dzl)
					fused.Learn(&tr, dz)
					layered.Learn(&tr, dzl)
					for g, a := range fused.State() {
						same(a.Name, typ, run, block, i, a.Data, layered.State()[g].Data)
					}
				}
			}
			if vmath.Vector() && typ == 6 {
				require.Len(t, fused.active, 8)
				require.NotNil(t, fused.fusedForward(fused.dist.Out()), "the kernel takes config1's predictions once every unit is recruited")
			}
		}
	}
	if vmath.Vector() {
		t.Logf("%d trials paired, %d of them recruited", paired, pairedRecruits)
		require.Greater(t, paired, 1000)
		require.Positive(t, pairedRecruits)
	}
}
