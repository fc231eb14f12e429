package train

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/dual"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

// linear is a stand-in slow stream for the test: logits W·x + b, one SGD
// step on the loss gradient it is handed.
type linear struct {
	w, z []float64
	d, c int
}

func (l *linear) Forward(t *stream.Trial) []float64 {
	for k := 0; k < l.c; k++ {
		s := l.w[k*(l.d+1)+l.d]
		for i, v := range t.X {
			s += l.w[k*(l.d+1)+i] * v
		}
		l.z[k] = s
	}
	return l.z
}

func (l *linear) Learn(t *stream.Trial, dz []float64) {
	for k := 0; k < l.c; k++ {
		for i, v := range t.X {
			l.w[k*(l.d+1)+i] -= 0.5 * dz[k] * v
		}
		l.w[k*(l.d+1)+l.d] -= 0.5 * dz[k]
	}
}

func (l *linear) Recruited() bool                        { return false }
func (l *linear) Active() int                            { return 0 }
func (l *linear) State() []stream.Array                  { return nil }
func (l *linear) SetState(map[string]stream.Array) error { return nil }

// TestAsFastStream: ALCOVE as the fast stream of a dual stream on the new
// stimuli, through the kernel's trial loop. The total learns (the slow
// stream from the total loss's gradient), while ALCOVE keeps its own
// rule: its part's probabilities of error are exactly those of ALCOVE
// alone on the same trials.
func TestAsFastStream(t *testing.T) {
	data := fixture.EditKey(t, config1Path, "dec", `dec = "ER"`)
	data = []byte(strings.Replace(string(data), "phi = 0.011", "phi = 4.0", 1))
	data = []byte(strings.Replace(string(data), "attcon = true", "attcon = false", 1))
	data = []byte(strings.Replace(string(data), "absval = 0", "absval = -1", 1))
	c, _, err := Load("fast.toml", data)
	require.NoError(t, err)
	tk := task.NewStimuli()
	trace := func(inDual bool) (map[string]int, [][]string) {
		jb := run.Job{Name: "new", Task: tk, Runs: 2, Blocks: 5, Seed: 3, Loss: loss.CrossEntropy{}, Trace: true,
			New: func(r int, src seed.Source) (stream.Stream, error) {
				m, err := c.Keys.New(tk, seed.Source{})
				if err != nil || !inDual {
					return m, err
				}
				return dual.New(m, &linear{w: make([]float64, 6), z: make([]float64, 2), d: 2, c: 2}), nil
			}}
		res := run.Do(context.Background(), []run.Job{jb}, run.Options{})
		require.NoError(t, res[0].Err)
		var b strings.Builder
		b.WriteString(run.TraceHeader(res[0].Runs[0].Model, 2) + "\n")
		for _, rr := range res[0].Runs {
			b.Write(rr.Trace)
		}
		recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
		require.NoError(t, err)
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		return col, recs[1:]
	}
	scol, single := trace(false)
	dcol, both := trace(true)
	require.Len(t, both, len(single))
	differ := 0
	for i := range single {
		require.Equal(t, single[i][scol["proberror"]], both[i][dcol["proberror_fast"]], "trial %d", i)
		if both[i][dcol["proberror_total"]] != both[i][dcol["proberror_fast"]] {
			differ++
		}
		require.Equal(t, "97", both[i][dcol["n_active"]])
	}
	require.Greater(t, differ, len(single)/2, "the slow stream contributes to the total")
}
