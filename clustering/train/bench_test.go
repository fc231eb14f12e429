package train

import (
	"context"
	"runtime"
	"testing"

	"github.com/fastslow/stream/fit"
	"github.com/fastslow/stream/run"
)

// BenchmarkSixTypes is the default fit without writing: config1 on the six
// SHJ types, 50 runs × 32 blocks each (76,800 trials) with the original's
// order table, on all cores, through the kernel's trial loop. It reports
// the wall time per trial and the allocations per trial (the models, their
// curves and the per-run buffers; the trials themselves allocate nothing).
func BenchmarkSixTypes(b *testing.B) {
	p, err := fit.Prepare(Model(), fit.Options{Order: orders})
	if err != nil {
		b.Fatal(err)
	}
	var trials int
	for _, j := range p.Jobs {
		trials += j.Runs * j.Blocks * len(j.Task.Items)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	for range b.N {
		for _, r := range run.Do(context.Background(), p.Jobs, run.Options{}) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	n := float64(b.N) * float64(trials)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/trial")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/trial")
}
