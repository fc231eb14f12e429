package fitspec

import (
	"context"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/fastslow/stream/estimate"
)

// BenchmarkEvaluate is one evaluation of the clustering model on the six
// SHJ problems (6 subjects × 16 blocks of 16 trials per type, 9,216
// trials) on all cores: config, plan, runs and score. It reports the wall
// time and the allocations per simulated trial (the config's decoding and
// the per-run models; the trials themselves allocate nothing).
func BenchmarkEvaluate(b *testing.B) {
	p := mustProblem(b, baseSpec)
	pt := []estimate.Point{{X: []float64{0.3, 12}, Seed: p.Seed, Runs: p.Runs}}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	for range b.N {
		if e := p.Evaluate(context.Background(), pt, 0)[0]; e.Err != nil {
			b.Fatal(e.Err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	n := float64(b.N) * float64(p.TrialsPerEvaluation())
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/trial")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/trial")
}

// BenchmarkFit is a whole small fit: a 2×2 grid and two Nelder–Mead
// searches of at most 12 evaluations, from an empty trace.
func BenchmarkFit(b *testing.B) {
	p := mustProblem(b, smallSearch)
	dir := b.TempDir()
	var trials int64
	b.ResetTimer()
	for i := range b.N {
		tr, err := OpenTrace(filepath.Join(dir, "trace"+strconv.Itoa(i)+".csv"), p)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Fit(context.Background(), p, tr, estimate.Options{})
		tr.Close()
		if err != nil {
			b.Fatal(err)
		}
		trials += r.Trials
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(trials), "ns/trial")
}
