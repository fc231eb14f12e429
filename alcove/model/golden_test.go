package model_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/stretchr/testify/require"
)

// readTable reads a CSV with a header into its column indices and rows of
// numbers.
func readTable(t testing.TB, path string) (map[string]int, [][]float64) {
	col, recs := fixture.ReadCSV(t, path)
	rows := make([][]float64, len(recs))
	for r, rec := range recs {
		rows[r] = make([]float64, len(rec))
		for i, s := range rec {
			rows[r][i] = fixture.Num(t, s)
		}
	}
	return col, rows
}

// shin92Nodes returns the 16 hidden-node positions of catlearn's ALCOVE
// unit test (Shin & Nosofsky 1992, size-3 condition, MDS coordinates).
func shin92Nodes(t testing.TB) []float64 {
	col, rows := readTable(t, "../testdata/catlearn_alcove_shin92_nodes.csv")
	var nodes []float64
	for _, r := range rows {
		for i := 1; i <= 4; i++ {
			nodes = append(nodes, r[col["h"+strconv.Itoa(i)]])
		}
	}
	require.Len(t, nodes, 16*4)
	return nodes
}

// shin92Params are the settings of catlearn's ALCOVE unit test:
// slpALCOVE(st, tr) with its defaults (ER, humble, no attention
// constraint, absval −1) and st: r = 2, q = 1, alpha = 1/4 each, w = 0,
// c = 2, phi = 1, la = 0.25, lw = 0.75.
func shin92Params(t testing.TB) model.Params {
	return model.Params{
		Nodes: shin92Nodes(t), Hidden: 16, Dims: 4, Outputs: 2,
		C: 2, Phi: 1, LA: 0.25, LW: 0.75, R: 2, Q: 1,
		Alpha: []float64{0.25, 0.25, 0.25, 0.25},
		Rule:  model.ExpRatio, Humble: true, AbsVal: -1,
	}
}

// TestGoldenShin92 replays catlearn's ALCOVE unit test trial by trial:
// 96 trials (48 learning trials, then 48 transfer trials with learning
// frozen, catlearn's ctrl = 2), 16 hidden nodes in a 4-D MDS space,
// Euclidean distances. Every probability of category 1 must be within
// 1e-12 of catlearn's: the model computes in catlearn's order of
// operations, so only the last bits of exp and sqrt (Go's against the C
// library's) can differ, ~1e-16 per operation, and 96 trials of learning
// do not amplify that to anywhere near 1e-12. Both the model's own
// probabilities and the softmax of its logits (what the trial loop
// records) are checked.
func TestGoldenShin92(t *testing.T) {
	col, rows := readTable(t, "../testdata/catlearn_alcove_shin92_golden.csv")
	require.Len(t, rows, 96)
	m, err := model.New(shin92Params(t))
	require.NoError(t, err)
	x := make([]float64, 4)
	p := make([]float64, 2)
	var worst, worstSoftmax float64
	frozen := 0
	for i, r := range rows {
		ctrl := r[col["ctrl"]]
		if ctrl == 1 {
			m.Reset()
		}
		for d := range x {
			x[d] = r[col["x"+strconv.Itoa(d+1)]]
			require.Zero(t, r[col["m"+strconv.Itoa(d+1)]], "no missing dimensions in this test")
		}
		label := 0
		if r[col["t2"]] == 1 {
			label = 1
		}
		require.Equal(t, 1.0, r[col["t"+strconv.Itoa(label+1)]])
		require.Equal(t, -1.0, r[col["t"+strconv.Itoa(2-label)]])
		tr := &stream.Trial{Index: i, X: x, Label: label}
		z := m.Forward(tr)
		want := r[col["p1"]]
		got := m.Probabilities()[0]
		require.InDelta(t, want, got, 1e-12, "trial %d", i+1)
		worst = math.Max(worst, math.Abs(got-want))
		loss.Softmax(z, p)
		require.InDelta(t, want, p[0], 1e-12, "trial %d: softmax of the logits", i+1)
		worstSoftmax = math.Max(worstSoftmax, math.Abs(p[0]-want))
		if ctrl == 2 {
			frozen++
			continue // a transfer trial: no learning
		}
		m.Learn(tr, nil)
	}
	require.Equal(t, 48, frozen)
	t.Logf("max |Δp| over 96 trials: %.3g (model's probabilities), %.3g (softmax of the logits)", worst, worstSoftmax)
}
