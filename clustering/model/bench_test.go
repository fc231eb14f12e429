package model_test

import (
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
)

// benchTrials runs b.N trials of one model on tk in a fixed cyclic order,
// restarting the model's run every blocks blocks as the trial loop does: a
// Forward, the bcelogits loss's gradient and a Learn per trial, and the
// losses and probabilities of error of every 64 trials together, as the
// trial loop takes them (loss.Window).
func benchTrials(b *testing.B, p model.Params, tk *task.Task, blocks int) {
	m, err := model.New(p)
	if err != nil {
		b.Fatal(err)
	}
	n := len(tk.Items)
	dz := make([]float64, 2)
	tr := &stream.Trial{}
	lf := loss.BCELogits{}
	win := loss.NewWindow(lf, 2, 64)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := fixture.CPUTime()
	for t := 0; t < b.N; t++ {
		i := t % n
		blk := t / n % blocks
		if i == 0 && blk == 0 && t > 0 {
			m.Reset() // a new run
		}
		it := &tk.Items[(i*5+blk)%n] // a different order every block
		tr.Block, tr.Index, tr.Signature, tr.X, tr.Target, tr.Label = blk, i, it.Signature, it.X, it.Target, it.Label
		z := m.Forward(tr)
		loss.Gradient(lf, z, it.Target, dz)
		if win.Keep(z, it.Target, it.Label) {
			win.Settle()
		}
		m.Learn(tr, dz)
	}
	if c := fixture.CPUTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkTrial is one trial of config1 on SHJ type VI (8 units, 3
// dimensions), the hardest type (all 8 units end up recruited).
func BenchmarkTrial(b *testing.B) {
	tk, _ := task.SHJ(6)
	benchTrials(b, config1(), tk, 32)
}

// BenchmarkTrialNewStimuli is one trial of the dual stream's fast stream
// (config_n1: 100 units, 2 dimensions) on the new stimuli.
func BenchmarkTrialNewStimuli(b *testing.B) {
	p := config1()
	p.Clusters, p.Dims, p.LRCentres, p.LRAttention, p.LRAssoc = 100, 2, 0.01, 0.01, 0.01
	benchTrials(b, p, task.NewStimuli(), 10)
}
