package model_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

// mlp is the slow stream of the original's dual-stream fixture, written
// out here only to drive the clustering model as its fast stream: affine
// layers with ReLU after all but the last, no dropout, SGD without
// momentum.
type mlp struct {
	w, b   [][]float64 // layer l: w [out×in], b [out]
	gw, gb [][]float64
	acts   [][]float64 // acts[0] = x, acts[l+1] = output of layer l (after ReLU for hidden)
	lr     float64
}

func newMLP(t *testing.T, st map[string]stream.Array, lr float64) *mlp {
	m := &mlp{lr: lr}
	for l := 0; ; l++ {
		w, ok := st["layers."+strconv.Itoa(l)+".weight"]
		if !ok {
			break
		}
		b := st["layers."+strconv.Itoa(l)+".bias"]
		require.Len(t, w.Shape, 2)
		m.w = append(m.w, append([]float64(nil), w.Data...))
		m.b = append(m.b, append([]float64(nil), b.Data...))
		m.gw = append(m.gw, make([]float64, len(w.Data)))
		m.gb = append(m.gb, make([]float64, len(b.Data)))
		if l == 0 {
			m.acts = append(m.acts, make([]float64, w.Shape[1]))
		}
		m.acts = append(m.acts, make([]float64, w.Shape[0]))
	}
	require.Len(t, m.w, 4)
	return m
}

func (m *mlp) forward(x []float64) []float64 {
	copy(m.acts[0], x)
	for l := range m.w {
		in, out := m.acts[l], m.acts[l+1]
		for o := range out {
			s := 0.0
			for i, v := range in {
				s += m.w[l][o*len(in)+i] * v
			}
			s += m.b[l][o]
			if l < len(m.w)-1 {
				s = math.Max(s, 0)
			}
			out[o] = s
		}
	}
	return m.acts[len(m.w)]
}

func (m *mlp) learn(dz []float64) {
	g := append([]float64(nil), dz...)
	for l := len(m.w) - 1; l >= 0; l-- {
		in, out := m.acts[l], m.acts[l+1]
		if l < len(m.w)-1 {
			for o := range g {
				if out[o] <= 0 {
					g[o] = 0
				}
			}
		}
		gin := make([]float64, len(in))
		for o, go_ := range g {
			m.gb[l][o] = go_
			for i, v := range in {
				m.gw[l][o*len(in)+i] = go_ * v
				gin[i] += go_ * m.w[l][o*len(in)+i]
			}
		}
		g = gin
	}
	for l := range m.w {
		for i := range m.w[l] {
			m.w[l][i] -= m.lr * m.gw[l][i]
		}
		for i := range m.b[l] {
			m.b[l][i] -= m.lr * m.gb[l][i]
		}
	}
}

// TestFastStreamOfDualStream drives the clustering model as the fast stream
// of the original's dual-stream fixture (config_n1: 100 units, 2
// dimensions, the new stimuli, 2 runs × 10 blocks, with a DNN slow stream):
// the fast stream decides recruitment on its own logits and learns from
// the gradient of the loss of the summed logits. Every trial's
// probabilities of error (fast, slow, total) and loss are compared within
// 1e-9 (the fixture is float64: only round-off differs), the recruit
// decisions and unit counts exactly (one of the 13 recruit trials re-centres
// an active unit), and the final fast-stream state within 1e-9.
func TestFastStreamOfDualStream(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/fastslow_clu_dnn_order.csv")
	require.NoError(t, err)
	require.NoError(t, tab.Check(2, 10, 100))
	rows := readCSVRows(t, "../testdata/fastslow_clu_dnn_trace.csv")
	require.Len(t, rows, 2*10*100)
	tk := task.NewStimuli()
	p := model.Params{Clusters: 100, Dims: 2, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.01, LRAttention: 0.01, LRAssoc: 0.01}
	lf := loss.BCELogits{}
	zt := make([]float64, 2)
	dz := make([]float64, 2)
	prob := make([]float64, 2)
	var worst float64
	n := 0
	for r := range 2 {
		init, err := npz.Read("../testdata/fastslow_clu_dnn_run" + strconv.Itoa(r) + "_init.npz")
		require.NoError(t, err)
		fast, err := model.New(p)
		require.NoError(t, err)
		require.Equal(t, stream.StateMap(fast.State()), stream.Prefixed(init, "FastModel."), "the fixture starts from the model's own initial state")
		require.NoError(t, fast.SetState(stream.Prefixed(init, "FastModel.")))
		slow := newMLP(t, stream.Prefixed(init, "SlowModel."), 1.5)
		tr := stream.Trial{Run: r}
		for b := range 10 {
			for i, k := range tab.Orders[r][b] {
				it := &tk.Items[k]
				tr.Block, tr.Index, tr.Item = b, i, k
				tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
				zf := fast.Forward(&tr)
				zs := slow.forward(it.X)
				for c := range zt {
					zt[c] = zf[c] + zs[c]
				}
				w := rows[n]
				n++
				where := "run " + strconv.Itoa(r) + " block " + strconv.Itoa(b) + " trial " + strconv.Itoa(i)
				require.Equal(t, strconv.Itoa(it.Signature), w["signature"], where)
				for name, z := range map[string][]float64{"fast": zf, "slow": zs, "total": zt} {
					pe := loss.ProbError(z, it.Label, prob)
					want := fixture.Num(t, w["proberror_"+name])
					require.InDelta(t, want, pe, 1e-9, where+": proberror_"+name)
					worst = math.Max(worst, math.Abs(want-pe))
				}
				l := lf.Eval(zt, it.Target, dz)
				require.InDelta(t, fixture.Num(t, w["loss_total"]), l, 1e-9, where+": loss_total")
				require.Equal(t, w["recruited"] == "1", fast.Recruited(), where+": recruited")
				require.Equal(t, w["n_active"], strconv.Itoa(fast.Active()), where+": n_active")
				fast.Learn(&tr, dz)
				slow.learn(dz)
			}
		}
		final, err := npz.Read("../testdata/fastslow_clu_dnn_final_run" + strconv.Itoa(r) + ".npz")
		require.NoError(t, err)
		want := stream.Prefixed(final, "FastModel.")
		for _, a := range fast.State() {
			require.Len(t, a.Data, len(want[a.Name].Data), a.Name)
			for i := range a.Data {
				require.InDelta(t, want[a.Name].Data[i], a.Data[i], 1e-9, "final %s[%d]", a.Name, i)
				worst = math.Max(worst, math.Abs(want[a.Name].Data[i]-a.Data[i]))
			}
		}
	}
	t.Logf("max |Δ| vs the dual-stream fixture (probabilities of error, final fast state): %.3g", worst)
}
