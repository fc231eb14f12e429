package model

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// mlp is a minimal stand-in for the dual stream's slow learner, enough to
// replay the original's fastslow_muc_dnn fixture: the original's
// NeuralNetwork with 3 hidden ReLU layers (dropout 0), plain SGD.
type mlp struct {
	w, b [4][]float64 // layer l: w [out×in] row-major, b [out]
	dims [5]int
	h    [5][]float64 // h[0] = x, h[l+1] = layer l's output (after ReLU but the last)
	lr   float64
}

func newMLP(t *testing.T, path string, lr float64) *mlp {
	st, err := npz.Read(path)
	require.NoError(t, err)
	m := &mlp{lr: lr}
	for l := 0; l < 4; l++ {
		w := st[fmt.Sprintf("SlowModel.layers.%d.weight", l)]
		b := st[fmt.Sprintf("SlowModel.layers.%d.bias", l)]
		m.w[l], m.b[l] = w.Data, b.Data
		m.dims[l], m.dims[l+1] = w.Shape[1], w.Shape[0]
	}
	for l := range m.h {
		m.h[l] = make([]float64, m.dims[l])
	}
	return m
}

func (m *mlp) forward(x []float64) []float64 {
	copy(m.h[0], x)
	for l := 0; l < 4; l++ {
		in, out := m.h[l], m.h[l+1]
		for o := range out {
			s := m.b[l][o]
			for i, v := range in {
				s += v * m.w[l][o*len(in)+i]
			}
			if l < 3 && s < 0 {
				s = 0
			}
			out[o] = s
		}
	}
	return m.h[4]
}

// learn backpropagates dz through the last forward and takes the SGD step.
func (m *mlp) learn(dz []float64) {
	g := append([]float64(nil), dz...)
	for l := 3; l >= 0; l-- {
		in := m.h[l]
		gin := make([]float64, len(in))
		for o, go_ := range g {
			for i, v := range in {
				gin[i] += go_ * m.w[l][o*len(in)+i]
				m.w[l][o*len(in)+i] -= m.lr * go_ * v
			}
			m.b[l][o] -= m.lr * go_
		}
		if l > 0 {
			for i, v := range in {
				if v <= 0 { // ReLU: no gradient where the output is 0
					gin[i] = 0
				}
			}
		}
		g = gin
	}
}

// TestDualStreamFixture replays the original's dual stream of this model
// with a deep network (fixture fastslow_muc_dnn, config1_multi, SHJ type
// 1, 2 runs × 32 blocks): the model decides recruitment on its own logits,
// the logits add up, and both learners learn from the gradient of the
// cross-entropy of the sum — the model through Learn, which takes its SGD
// step from that gradient and then applies its local rules, in the order
// of the original's TEMP__update_params (the same order as its
// single-stream update_params). Every trial's fast, slow and total
// probabilities of error and losses must agree within 1e-9 (the
// trial-level tolerance; see traceTol), and the recruitments and active
// units exactly.
func TestDualStreamFixture(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	want := fixture.ReadRecords(t, "../testdata/fastslow_muc_dnn_type1_trace.csv")
	require.Equal(t, []string{"run", "block", "trial", "signature", "label", "proberror_fast", "proberror_slow",
		"proberror_total", "loss_fast", "loss_slow", "loss_total", "recruited", "n_active"}, want[0])
	want = want[1:]
	tk, err := task.SHJ(1)
	require.NoError(t, err)
	ce := loss.CrossEntropy{}
	prob := make([]float64, 2)
	dz := make([]float64, 2)
	total := make([]float64, 2)
	n := 0
	var maxDev float64
	for run := 0; run < 2; run++ {
		fast := newFromInit(t, config1)
		slow := newMLP(t, "../testdata/fastslow_muc_dnn_slow_init.npz", 0.0075)
		for b := 0; b < 32; b++ {
			for i, k := range tab.Orders[run][b] {
				it := &tk.Items[k]
				tr := stream.Trial{Run: run, Block: b, Index: i, Item: k, Signature: it.Signature,
					X: it.X, Target: it.Target, Label: it.Label}
				zf := fast.Forward(&tr)
				zs := slow.forward(it.X)
				for c := range total {
					total[c] = zf[c] + zs[c]
				}
				got := []float64{
					loss.ProbError(zf, it.Label, prob), loss.ProbError(zs, it.Label, prob), loss.ProbError(total, it.Label, prob),
					ce.Eval(zf, it.Target, nil), ce.Eval(zs, it.Target, nil), ce.Eval(total, it.Target, dz),
				}
				w := want[n]
				n++
				where := fmt.Sprintf("run %d block %d trial %d", run, b, i)
				require.Equal(t, []string{fmt.Sprint(run), fmt.Sprint(b), fmt.Sprint(i), fmt.Sprint(it.Signature), fmt.Sprint(it.Label)}, w[:5], where)
				for c, v := range got {
					d := math.Abs(v - parse(t, w[5+c]))
					maxDev = math.Max(maxDev, d)
					require.LessOrEqual(t, d, traceTol, "%s: %s %v, want %s", where, want[0][5+c], v, w[5+c])
				}
				rec := "0"
				if fast.Recruited() {
					rec = "1"
				}
				require.Equal(t, w[11], rec, "%s: recruitment", where)
				require.Equal(t, w[12], fmt.Sprint(fast.Active()), "%s: active units", where)
				fast.Learn(&tr, dz)
				slow.learn(dz)
			}
		}
	}
	require.Equal(t, len(want), n)
	t.Logf("dual stream, type 1: max deviation %.3g over %d trials", maxDev, n)
}
