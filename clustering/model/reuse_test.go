package model

import (
	"math"
	"reflect"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

// TestReuseSameBits: a model reset (Reset) or released and made again
// (Release, New) after runs of other tasks trains as a new model does, to
// the bit: every trial's logits, support, recruitment and pairing, and
// every parameter after every step, with the fused kernel and with the
// layers one by one (reset only), for config1 (8 units, every path of the kernel) and
// the new stimuli's size (100 units, the layers); a Predict in the last
// run fills the buffer it keeps. After Reset, the model equals a new one
// field by field.
func TestReuseSameBits(t *testing.T) {
	c1 := Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1}
	ns := c1
	ns.Clusters, ns.Dims, ns.LRCentres, ns.LRAttention, ns.LRAssoc = 100, 2, 0.01, 0.01, 0.01
	orders, err := schedule.ReadTable("../testdata/shj_orders_50.csv")
	require.NoError(t, err)
	lf := loss.BCELogits{}
	// train runs tk on a and b side by side (b nil: a alone) and compares
	// them after every trial.
	train := func(name string, a, b *Model, tk *task.Task, run, blocks int) {
		t.Helper()
		dz, dzb := make([]float64, 2), make([]float64, 2)
		tr := stream.Trial{Run: run}
		for block := range blocks {
			for i := range tk.Items {
				k := i
				if len(tk.Items) == 8 {
					k = orders.Orders[run][block][i]
				}
				it := &tk.Items[k]
				tr.Block, tr.Index, tr.Item = block, i, k
				tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
				if b == nil {
					if i == 3 {
						a.Predict(&tr)
					}
					lf.Eval(a.Forward(&tr), it.Target, dz)
					a.Learn(&tr, dz)
					continue
				}
				za, zb := a.Forward(&tr), b.Forward(&tr)
				got := append(append([]float64{}, za...), a.Support())
				want := append(append([]float64{}, zb...), b.Support())
				if !sameBits(got, want) || a.recruited != b.recruited || a.paired != b.paired {
					t.Fatalf("%s, run %d, block %d, trial %d: logits and support %v, recruited %v, paired %v; a new model's %v, %v, %v",
						name, run, block, i, got, a.recruited, a.paired, want, b.recruited, b.paired)
				}
				lf.Eval(za, it.Target, dz)
				lf.Eval(zb, it.Target, dzb)
				a.Learn(&tr, dz)
				b.Learn(&tr, dzb)
				for g, s := range a.State() {
					if !sameBits(s.Data, b.State()[g].Data) {
						t.Fatalf("%s, run %d, block %d, trial %d: %s differs from a new model's", name, run, block, i, s.Name)
					}
				}
			}
		}
	}
	newModel := func(p Params, layered bool) *Model {
		m, err := New(p)
		require.NoError(t, err)
		if layered {
			m.fused = nil
		}
		return m
	}
	reused := 0
	for _, c := range []struct {
		name    string
		p       Params
		layered bool
		blocks  int
	}{
		{"config1", c1, false, 32},
		{"config1, layers", c1, true, 32},
		{"new stimuli's size", ns, false, 4},
	} {
		tasks := []*task.Task{task.NewStimuli()}
		if c.p.Dims == 3 {
			tasks = tasks[:0]
			for typ := 1; typ <= 6; typ++ {
				tk, err := task.SHJ(typ)
				require.NoError(t, err)
				tasks = append(tasks, tk)
			}
		}
		m := newModel(c.p, c.layered)
		// A model that trained on the last task first.
		train(c.name, m, nil, tasks[len(tasks)-1], 1, c.blocks)
		for run := range 3 {
			for ti, tk := range tasks {
				name := c.name + ", " + tk.Name
				// A model without its fused kernel is never released, so
				// that no later New in this binary takes one.
				if (run+ti)%2 == 0 || c.layered {
					m.Reset()
					fresh := newModel(c.p, c.layered)
					a, b := *m, *fresh
					a.support, b.support, a.kept, b.kept = 0, 0, nil, nil
					require.True(t, reflect.DeepEqual(a, b), "%s: a reset model is a new one", name)
				} else {
					m.Release()
					if n := newModel(c.p, c.layered); n == m {
						reused++
					} else {
						m = n
					}
				}
				train(name, m, newModel(c.p, c.layered), tk, run, c.blocks)
			}
		}
	}
	require.Positive(t, reused, "New takes the released model")
}

// TestSameParams: a released model is taken by New only for the same
// parameters to the bit, a zero's sign included, in every field.
func TestSameParams(t *testing.T) {
	p := Params{Clusters: 8, Dims: 3, R: 2, Q: 1, SumToOne: true, Equivalent: true}
	require.True(t, sameParams(p, p))
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		q := p
		f := reflect.ValueOf(&q).Elem().Field(i)
		switch f.Kind() {
		case reflect.Float64:
			f.SetFloat(math.Copysign(0, -1)) // p's are +0 (or 1, 2)
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		default:
			t.Fatalf("field %s of kind %s: extend sameParams and this test", v.Type().Field(i).Name, f.Kind())
		}
		require.False(t, sameParams(p, q), "field %s", v.Type().Field(i).Name)
	}
	m, err := New(Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1})
	require.NoError(t, err)
	q := m.p
	q.Phi = 9
	m.Release()
	n, err := New(q)
	require.NoError(t, err)
	require.NotSame(t, m, n, "a released model of other parameters is not reused")
	require.Equal(t, q, n.Params())
}
