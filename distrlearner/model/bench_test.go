package model

import (
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// trainFor runs m for blocks blocks of the new stimuli in shuffled orders
// (seeded), and returns the trials of one more block, ready to replay.
func trainFor(tb testing.TB, m *Model, blocks int) []stream.Trial {
	tk := task.NewStimuli()
	orders := schedule.Shuffled{}.Run(seed.For(1, 0), len(tk.Items))
	order := make([]int, len(tk.Items))
	dz := make([]float64, 2)
	var lf loss.BCELogits
	var last []stream.Trial
	for b := 0; b <= blocks; b++ {
		orders.Next(b, order)
		for i, k := range order {
			it := &tk.Items[k]
			tr := stream.Trial{Block: b, Index: i, Item: k, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			if b == blocks {
				last = append(last, tr)
				continue
			}
			z := m.Forward(&tr)
			lf.Eval(z, it.Target, dz)
			m.Learn(&tr, dz)
		}
	}
	return last
}

// benchTrials times one trial (Forward, loss, Learn) of a learner that has
// learnt for 10 blocks, replaying the 100 trials of the next block.
func benchTrials(b *testing.B, m *Model, trials []stream.Trial) {
	dz := make([]float64, 2)
	var lf loss.BCELogits
	b.ReportAllocs()
	b.ResetTimer()
	c0 := fixture.CPUTime()
	for i := 0; i < b.N; i++ {
		tr := &trials[i%len(trials)]
		z := m.Forward(tr)
		lf.Eval(z, tr.Target, dz)
		m.Learn(tr, dz)
	}
	if c := fixture.CPUTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(m.Active()), "units")
}

// BenchmarkTrialMU500 is distr_learner_mu with 500 units (config_dlMU_1)
// after 10 blocks of the new stimuli (135 units recruited).
func BenchmarkTrialMU500(b *testing.B) {
	m, _ := New(dlmuConfig)
	benchTrials(b, m, trainFor(b, m, 10))
}

// BenchmarkTrialMU500Full is the worst case: all 500 units recruited.
func BenchmarkTrialMU500Full(b *testing.B) {
	m, _ := New(dlmuConfig)
	tk := task.NewStimuli()
	for k := 0; k < 500; k++ {
		m.activate(k, tk.Items[k%100].X)
	}
	benchTrials(b, m, trainFor(b, m, 1))
}

// BenchmarkTrialSingle50 is distr_learner with 50 units (config_dl_dnn_1).
func BenchmarkTrialSingle50(b *testing.B) {
	m, _ := New(dlConfig)
	benchTrials(b, m, trainFor(b, m, 10))
}

// BenchmarkRunMU500 is a whole run of config_dlMU_1: a fresh learner,
// 10 blocks of the 100 new stimuli (the allocations are the learner's,
// made once, and the loop's trial list).
func BenchmarkRunMU500(b *testing.B) {
	benchRun(b, dlmuConfig, 10)
}

// BenchmarkRunMU500Long is a run of 350 blocks, as the original's
// dual-stream sweeps run (with this benchmark's orders the learner stops
// recruiting at 135 units; BenchmarkTrialMU500Full has all 500).
func BenchmarkRunMU500Long(b *testing.B) {
	benchRun(b, dlmuConfig, 350)
}

func benchRun(b *testing.B, cfg Params, blocks int) {
	b.ReportAllocs()
	var units int
	c0 := fixture.CPUTime()
	for i := 0; i < b.N; i++ {
		m, _ := New(cfg)
		trainFor(b, m, blocks)
		units = m.Active()
	}
	trials := float64(b.N * blocks * 100)
	if c := fixture.CPUTime() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/trials, "cpu-ns/trial")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/trials, "ns/trial")
	b.ReportMetric(float64(units), "units")
}
