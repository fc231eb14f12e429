package run_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
)

// watched is the toy learner as a stream.Observer of its weights and of
// its recruited units.
type watched struct{ *toy.Linear }

func (w watched) Observables() []stream.Observable {
	return []stream.Observable{{Name: "weights", Size: len(w.W)}, {Name: "units", Size: 1}}
}

func (w watched) Observe(dst [][]float64) {
	copy(dst[0], w.W)
	dst[1][0] = float64(w.Active())
}

func watchedJobs(t *testing.T, blocks int) []run.Job {
	js := jobs(t, false)[:2]
	for i := range js {
		js[i].Blocks = blocks
		js[i].New = func(r int, src seed.Source) (stream.Stream, error) { return watched{toy.New(3, 2, 0.3, src)}, nil }
	}
	return js
}

// TestObserved: an Observer's quantities are recorded at every block's
// end (the last block's are the final state), and observing changes no
// result.
func TestObserved(t *testing.T) {
	plain := run.Do(context.Background(), jobs(t, false)[:2], run.Options{Workers: 2})
	res := run.Do(context.Background(), watchedJobs(t, 6), run.Options{Workers: 2})
	for i := range res {
		require.NoError(t, res[i].Err)
		assert.Equal(t, plain[i].PError, res[i].PError, "observing changes no curve")
		assert.Equal(t, plain[i].Loss, res[i].Loss)
		assert.Nil(t, plain[i].Runs[0].Observed, "a stream that is not an Observer records nothing")
		for k, rr := range res[i].Runs {
			require.Len(t, rr.Observed, 2)
			require.Len(t, rr.Observed[0], 6*6, "6 blocks × 6 weights")
			assert.Equal(t, plain[i].Runs[k].Model.State()[0].Data, rr.Observed[0][5*6:], "the last block's record is the final state")
			assert.Equal(t, rr.Units, rr.Observed[1], "units at every block's end, as the loop records them")
			assert.NotEqual(t, rr.Observed[0][:6], rr.Observed[0][5*6:], "the weights moved")
		}
	}
}

// TestObserveAllocatesNothing: a run allocates as much for 40 blocks as
// for 4 when observed (its records are allocated once, before the first
// trial), beyond the per-block curves every run allocates at its start.
func TestObserveAllocatesNothing(t *testing.T) {
	allocs := func(blocks int) float64 {
		jb := &watchedJobs(t, blocks)[0]
		return testing.AllocsPerRun(20, func() {
			_, err := run.One(context.Background(), jb, 0, nil, nil)
			require.NoError(t, err)
		})
	}
	assert.Equal(t, allocs(4), allocs(40))
}
