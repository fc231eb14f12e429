package train

import (
	"context"
	"runtime"
	"testing"

	"github.com/fastslow/stream/fit"
	"github.com/fastslow/stream/run"
)

// BenchmarkSixTypes is the default fit without writing: the published
// parameters on the six SHJ types, 100 simulated subjects × 16 blocks of
// 16 trials (153,600 trials; catlearn's R needs 200 s for them), on all
// cores through the kernel's trial loop. It reports the wall time per
// trial, the CPU time per trial (of all workers) and the allocations per trial (the models, their curves and
// per-run buffers; the trials themselves allocate nothing once a model
// has room for its clusters).
func BenchmarkSixTypes(b *testing.B) {
	p, err := fit.Prepare(Model(), fit.Options{})
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
	c0 := cpuTime()
	for range b.N {
		for _, r := range run.Do(context.Background(), p.Jobs, run.Options{}) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.StopTimer()
	cpu := cpuTime() - c0
	runtime.ReadMemStats(&m1)
	n := float64(b.N) * float64(trials)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/trial")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/trial")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/trial")
	}
}
