package model

import (
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
)

// benchTrials runs b.N trials of SUSTAIN with the published parameters on
// SHJ type typ in catlearn's 16-trial blocks (each item twice), in a fixed
// order that differs every block, restarting the run every 16 blocks as
// the simulations do: a Forward, the cross-entropy loss and its gradient
// (what the trial loop computes), and a Learn per trial.
func benchTrials(b *testing.B, typ int) {
	shj, _ := task.SHJ(typ)
	tk := task.Repeat(shj, 2)
	m, err := New(published(), nil)
	if err != nil {
		b.Fatal(err)
	}
	n := len(tk.Items)
	dz := make([]float64, 2)
	tr := &stream.Trial{}
	lf := loss.CrossEntropy{}
	var clusters, runs int
	b.ReportAllocs()
	b.ResetTimer()
	c0 := fixture.CPUTime()
	for t := 0; t < b.N; t++ {
		i := t % n
		blk := t / n % 16
		if i == 0 && blk == 0 && t > 0 {
			clusters += m.Active()
			runs++
		}
		it := &tk.Items[(i*5+blk*3)%n]
		tr.Block, tr.Index, tr.X, tr.Target, tr.Label = blk, i, it.X, it.Target, it.Label
		lf.Eval(m.Forward(tr), it.Target, dz)
		m.Learn(tr, dz)
	}
	if c := fixture.CPUTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	if runs > 0 {
		b.ReportMetric(float64(clusters)/float64(runs), "clusters")
	}
}

// BenchmarkTrialTypeI is one trial on SHJ type I (2–3 clusters).
func BenchmarkTrialTypeI(b *testing.B) { benchTrials(b, 1) }

// BenchmarkTrialTypeVI is one trial on SHJ type VI, the hardest type
// (the most clusters).
func BenchmarkTrialTypeVI(b *testing.B) { benchTrials(b, 6) }
