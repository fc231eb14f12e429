package model

import (
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// wide1024 is the slow stream of the sweep's config 133 on SHJ stimuli.
var wide1024 = Params{InputSize: 3, OutputSize: 2, NUnits: 1024, Depth: 3, ActFunc: "relu", LR: 0.1}

// BenchmarkTrial measures one trial of config1 on SHJ type 6: forward,
// the loss's gradient, backward and SGD step, and the loss and the
// probability of error of every 64 trials together, as a single stream's
// trial loop takes them (loss.Window). The
// trials are those of whole runs (a fresh network every 350 blocks, built
// off the clock), so that the network is as busy as in a real run.
func BenchmarkTrial(b *testing.B) {
	for _, tc := range []struct {
		name string
		cfg  Params
	}{
		{"config1", config1},
		{"config1_float32", func() Params { c := config1; c.DType = "float32"; return c }()},
		{"config1_dropout", func() Params { c := config1; c.Dropout = 0.2; return c }()},
		// The dual stream's slow stream (config_dlMU_dnn_1: no momentum) takes the one-pass step.
		{"no_momentum", func() Params { c := config1; c.Momentum = 0; return c }()},
		{"no_momentum_float32", func() Params { c := config1; c.Momentum, c.DType = 0, "float32"; return c }()},
		// The sweep's widest slow stream (config 133: three hidden layers
		// of 1024, lr_dnn 0.1, no momentum), in float64 and float32.
		{"wide1024", wide1024},
		// The sweep's configs 131 and 132: the same network of 256 and 512 units.
		{"wide256", func() Params { c := wide1024; c.NUnits = 256; return c }()},
		{"wide512", func() Params { c := wide1024; c.NUnits = 512; return c }()},
		{"wide1024_float32", func() Params { c := wide1024; c.DType = "float32"; return c }()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tk, _ := task.SHJ(6)
			var lf loss.Func = loss.BCELogits{}
			dz := make([]float64, 2)
			win := loss.NewWindow(lf, 2, 64)
			order := make([]int, len(tk.Items))
			var (
				net    stream.Stream
				orders schedule.Orders
				tr     stream.Trial
			)
			const perRun = 350 * 8
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				k := i % perRun
				if k == 0 {
					b.StopTimer()
					src := seed.For(999, i/perRun)
					var err error
					if net, err = Open(tc.cfg, src); err != nil {
						b.Fatal(err)
					}
					orders = schedule.Shuffled{}.Run(src, len(tk.Items))
					b.StartTimer()
				}
				if k%len(order) == 0 {
					orders.Next(k/len(order), order)
				}
				it := &tk.Items[order[k%len(order)]]
				tr = stream.Trial{Block: k / len(order), Index: k % len(order), X: it.X, Target: it.Target, Label: it.Label}
				z := net.Forward(&tr)
				loss.Gradient(lf, z, tr.Target, dz)
				if win.Keep(z, tr.Target, tr.Label) {
					win.Settle()
				}
				net.Learn(&tr, dz)
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
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*350*len(tk.Items)), "ns/trial")
}
