package train

import (
	"testing"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
)

// BenchmarkSixTypes is the default fit without writing: the published
// parameters on the six SHJ types, 100 simulated subjects × 16 blocks of
// 16 trials (153,600 trials; catlearn's R needs 200 s for them), on all
// cores through the kernel's trial loop. It reports the wall time per
// trial, the CPU time per trial (of all workers) and the allocations per
// trial (the models, their curves and per-run buffers; the trials
// themselves allocate nothing once a model has room for its clusters).
func BenchmarkSixTypes(b *testing.B) { fixture.BenchFit(b, Model(), cli.Options{}) }
