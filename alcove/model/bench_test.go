package model_test

import (
	"testing"

	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
)

// benchTrials runs b.N trials of one model on tk in a cyclic order that
// changes every block, restarting the run every blocks blocks: a Forward,
// the loss and its gradient (as the trial loop computes them), and a
// Learn per trial.
func benchTrials(b *testing.B, p model.Params, tk *task.Task, blocks int) {
	m, err := model.New(p)
	if err != nil {
		b.Fatal(err)
	}
	n := len(tk.Items)
	dz := make([]float64, tk.Classes)
	tr := &stream.Trial{}
	lf := loss.CrossEntropy{}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := fixture.CPUTime()
	for t := 0; t < b.N; t++ {
		i := t % n
		blk := t / n % blocks
		if i == 0 && blk == 0 && t > 0 {
			m.Reset() // a new simulated subject
		}
		it := &tk.Items[(i*5+blk)%n]
		tr.Block, tr.Index, tr.Signature, tr.X, tr.Target, tr.Label = blk, i, it.Signature, it.X, it.Target, it.Label
		lf.Eval(m.Forward(tr), it.Target, dz)
		m.Learn(tr, dz)
	}
	if c := fixture.CPUTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkTrialBN is one trial of the default config (Nosofsky et al.'s
// ALCOVE: background-noise rule, attention constraint; 8 nodes, 3
// dimensions) on SHJ type VI.
func BenchmarkTrialBN(b *testing.B) {
	tk, _ := task.SHJ(6)
	benchTrials(b, bnALCOVE(), tk, 32)
}

// BenchmarkTrialER is one trial of standard ALCOVE (exponential ratio
// rule; 8 nodes, 3 dimensions) on SHJ type VI.
func BenchmarkTrialER(b *testing.B) {
	tk, _ := task.SHJ(6)
	benchTrials(b, exALCOVE(), tk, 32)
}

// BenchmarkTrialShin92 is one trial of catlearn's unit-test network (16
// nodes, 4 dimensions, Euclidean distances) on its 16 stimuli.
func BenchmarkTrialShin92(b *testing.B) {
	p := shin92Params(b)
	tk := &task.Task{Name: "shin92", Dims: 4, Classes: 2}
	for j := 0; j < 16; j++ {
		y := []float64{1, 0}
		if j%2 == 1 {
			y = []float64{0, 1}
		}
		tk.Items = append(tk.Items, task.Item{X: p.Nodes[4*j : 4*j+4], Label: j % 2, Signature: j, Target: y})
	}
	benchTrials(b, p, tk, 8)
}

// BenchmarkTrialNewStimuli is one trial of ALCOVE as a fast stream on the
// new stimuli (97 nodes, one on each distinct point; 2 dimensions).
func BenchmarkTrialNewStimuli(b *testing.B) {
	tk := task.NewStimuli()
	seen := map[[2]float64]bool{}
	var nodes []float64
	for _, it := range tk.Items {
		k := [2]float64{it.X[0], it.X[1]}
		if !seen[k] {
			seen[k] = true
			nodes = append(nodes, it.X...)
		}
	}
	p := exALCOVE()
	p.Nodes, p.Hidden, p.Dims, p.Alpha = nodes, len(nodes)/2, 2, []float64{0.5, 0.5}
	benchTrials(b, p, tk, 10)
}
