package train

import (
	"context"
	"testing"

	"github.com/fastslow/clustering/eval"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
	"github.com/stretchr/testify/require"
)

// TestReleasedRuns: a fit whose runs give their models back as they end
// (the command's Finished hook: each run digested, its model released for
// the next New to reuse) has the curves, recruitments, observed attention
// and analyses of one that makes a new model for every run and keeps it,
// to the bit, on one worker and on two.
func TestReleasedRuns(t *testing.T) {
	p, err := cli.Prepare(Model(), cli.Options{Runs: 12, Quiet: true, NoState: true})
	require.NoError(t, err)
	kept := run.Do(context.Background(), p.Jobs, run.Options{Workers: 1})
	want, err := eval.Summaries(kept)
	require.NoError(t, err)
	for _, workers := range []int{1, 2} {
		res := run.Do(context.Background(), p.Jobs, run.Options{Workers: workers, Finished: p.Finished(nil)})
		for j := range res {
			require.NoError(t, res[j].Err)
			require.Equal(t, kept[j].PError, res[j].PError, "workers %d, %s", workers, p.Jobs[j].Name)
			require.Equal(t, kept[j].Loss, res[j].Loss, "workers %d, %s", workers, p.Jobs[j].Name)
			for r, rr := range res[j].Runs {
				k := kept[j].Runs[r]
				require.Equal(t, k.PError, rr.PError, "workers %d, %s run %d", workers, p.Jobs[j].Name, r)
				require.Equal(t, k.Loss, rr.Loss)
				require.Equal(t, k.Units, rr.Units)
				require.Equal(t, k.Recruits, rr.Recruits)
				require.Equal(t, k.Observed, rr.Observed)
				require.IsType(t, eval.Run{}, rr.Digest)
				require.Equal(t, j == 0 && r == 0, rr.Model != nil, "only the first task's first run keeps its model")
			}
		}
		got, err := eval.Summaries(res)
		require.NoError(t, err)
		require.Equal(t, want, got, "workers %d", workers)
	}
}
