package train

import (
	"testing"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
)

// BenchmarkSixTypes is the default fit without writing: Nosofsky et al.'s
// ALCOVE on the six SHJ types, 100 simulated subjects × 16 blocks of 16
// trials each (153,600 trials), on all cores, through the kernel's trial
// loop. It reports the wall time and the CPU time (all workers) per trial
// and the allocations per trial (the models, their curves and the per-run
// buffers; the trials themselves allocate nothing).
func BenchmarkSixTypes(b *testing.B) { fixture.BenchFit(b, Model(), cli.Options{}) }
