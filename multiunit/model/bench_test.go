package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// reset copies tmpl's state into m without allocating, so that a
// benchmark can start run after run from the same initial state.
func reset(m, tmpl *Model) {
	copy(m.pos, tmpl.pos)
	copy(m.attn, tmpl.attn)
	copy(m.weights, tmpl.weights)
	copy(m.isActive, tmpl.isActive)
	copy(m.isWinner, tmpl.isWinner)
	m.active = append(m.active[:0], tmpl.active...)
	m.win = append(m.win[:0], tmpl.win...)
	m.winAct = append(m.winAct[:0], tmpl.winAct...)
	m.recruited, m.err = false, nil
	m.regrow = true
	m.syncColumns()
}

// BenchmarkTrial measures one trial (Forward, loss, Learn) of config1 on
// each SHJ type (the six the default command runs), averaged over whole
// runs of 32 blocks: a run starts from the original's initial positions
// every 256 trials (the reset is not timed) and follows the original's
// orders, so the recruiting trials — which compute all 10,000
// activations — count in their true proportion.
func BenchmarkTrial(b *testing.B) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(b, err)
	for _, typ := range []int{1, 2, 3, 4, 5, 6} {
		b.Run(fmt.Sprintf("type%d", typ), func(b *testing.B) {
			tk, err := task.SHJ(typ)
			require.NoError(b, err)
			tmpl := newFromInit(b, config1)
			m := newFromInit(b, config1)
			lf := loss.CrossEntropy{}
			dz := make([]float64, 2)
			prob := make([]float64, 2)
			var tr stream.Trial
			const perRun = 32 * 8
			b.ReportAllocs()
			b.ResetTimer()
			var resets time.Duration // CPU time of the resets, which are not timed
			c0 := fixture.CPUTime()
			for n := 0; n < b.N; n++ {
				i := n % perRun
				run := (n / perRun) % len(tab.Orders)
				if i == 0 && n > 0 {
					b.StopTimer()
					r0 := fixture.CPUTime()
					reset(m, tmpl)
					resets += fixture.CPUTime() - r0
					b.StartTimer()
				}
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
			if c := fixture.CPUTime() - c0 - resets; c > 0 {
				b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkRun measures whole runs of 32 blocks, one on each of the six
// SHJ types per iteration, model construction (uniform initial positions
// from a seeded generator, as the fit command's default) included; it
// reports the time per trial.
func BenchmarkRun(b *testing.B) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(b, err)
	var tasks []*task.Task
	for typ := 1; typ <= 6; typ++ {
		tk, _ := task.SHJ(typ)
		tasks = append(tasks, tk)
	}
	b.ReportAllocs()
	trials := 0
	for n := 0; n < b.N; n++ {
		run := n % len(tab.Orders)
		newModel := func() *Model {
			m, err := New(config1, rand.NewPCG(uint64(n), 7))
			require.NoError(b, err)
			return m
		}
		for _, tk := range tasks {
			runWith(newModel, tk, &schedule.Table{Orders: tab.Orders[run:]}, 1, 32, func(*Model, row) { trials++ })
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(trials), "ns/trial")
}

// BenchmarkNew measures the construction of a config1 model (10,000 units:
// 30,000 uniform draws, the positions and the scan's columns), on fresh
// memory and on the arrays of a released model (as the fit command's
// runs after the first).
func BenchmarkNew(b *testing.B) {
	for _, release := range []bool{false, true} {
		name := map[bool]string{false: "fresh", true: "released"}[release]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; b.Loop(); n++ {
				m, err := New(config1, rand.NewPCG(uint64(n), 7))
				if err != nil {
					b.Fatal(err)
				}
				if release {
					m.Release()
				}
			}
		})
	}
}
