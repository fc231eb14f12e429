package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// curveTol bounds the distance between our 50-run learning curves and the
// original's stored ones (issue 4). The stored curves were computed in
// float32; in two of the 50 runs a recruitment decision sits on a
// near-tie that float32 and float64 resolve differently, which moves a
// block's mean probability of error by up to about 1.5e-3; 2e-3 covers
// that and nothing more (a wrong tie-breaking or learning rule moves the
// curves by 1e-2 and more).
const curveTol = 2e-3

// TestStoredCurves reproduces the original's stored 50-run learning
// curves of config1 on the six SHJ types, from the original's initial
// positions and its trial orders (np.random.seed(999), permutation(8) per
// block; see ../testdata/README.md).
func TestStoredCurves(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	st, err := npz.Read("../testdata/muc_shj_init.npz")
	require.NoError(t, err)
	const runs, blocks = 50, 32
	for typ := 1; typ <= 6; typ++ {
		t.Run(fmt.Sprintf("type%d", typ), func(t *testing.T) {
			stored := fixture.ReadRecords(t, fmt.Sprintf("../testdata/stored_lc_type%d.csv", typ))[1:]
			require.Len(t, stored, blocks)
			tk, err := task.SHJ(typ)
			require.NoError(t, err)
			lc := make([]float64, blocks)
			newModel := func() *Model {
				m, err := New(config1, rand.NewPCG(1, 1))
				require.NoError(t, err)
				require.NoError(t, m.SetState(st))
				return m
			}
			runWith(newModel, tk, tab, runs, blocks, func(_ *Model, r row) { lc[r.block] += r.proberror })
			var maxDev float64
			for b := range lc {
				lc[b] /= runs * 8
				require.Equal(t, fmt.Sprint(b), stored[b][0])
				want := parse(t, stored[b][1])
				d := math.Abs(lc[b] - want)
				maxDev = math.Max(maxDev, d)
				require.LessOrEqual(t, d, curveTol, "block %d: %v, want %v", b, lc[b], want)
			}
			t.Logf("type %d: max deviation from the stored curve %.3g (block 0 %.4f, block 31 %.4f)", typ, maxDev, lc[0], lc[blocks-1])
		})
	}
}
