package model

import (
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// BenchmarkTrial measures one trial of config1 on SHJ type 6: forward,
// probability of error, loss and its gradient, backward and SGD step.
func BenchmarkTrial(b *testing.B) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"config1", config1},
		{"config1_dropout", func() Config { c := config1; c.Dropout = 0.2; return c }()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tk, _ := task.SHJ(6)
			net, err := New(tc.cfg, seed.For(999, 0))
			if err != nil {
				b.Fatal(err)
			}
			lf := loss.BCELogits{}
			dz := make([]float64, 2)
			p := make([]float64, 2)
			trials := make([]stream.Trial, len(tk.Items))
			for k, it := range tk.Items {
				trials[k] = stream.Trial{Item: k, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				tr := &trials[i%len(trials)]
				z := net.Forward(tr)
				_ = loss.ProbError(z, tr.Label, p)
				lf.Eval(z, tr.Target, dz)
				net.Learn(tr, dz)
			}
		})
	}
}

// BenchmarkRun measures one whole run of config1 (350 blocks of the 8 SHJ
// items, shuffled per block), the model built and initialised included.
func BenchmarkRun(b *testing.B) {
	tk, _ := task.SHJ(6)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		src := seed.For(999, i)
		net, err := New(config1, src)
		if err != nil {
			b.Fatal(err)
		}
		trialLoop(net, tk, schedule.Shuffled{}.Run(src, len(tk.Items)), i, 350, loss.BCELogits{}, nil)
	}
}
