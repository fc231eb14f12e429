package train

import (
	"context"
	"testing"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// BenchmarkRun measures one run of the default config (350 blocks of SHJ
// type 6) through the kernel's trial loop, as the fit command runs it.
func BenchmarkRun(b *testing.B) {
	p, err := cli.Prepare(Model(), cli.Options{Task: "shj6", Runs: 1})
	if err != nil {
		b.Fatal(err)
	}
	jb := &p.Jobs[0]
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := run.One(context.Background(), jb, i%50, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*jb.Blocks*len(jb.Task.Items)), "ns/trial")
}
