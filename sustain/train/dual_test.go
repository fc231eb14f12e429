package train

import (
	"context"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/catlearn"
	"github.com/fastslow/stream/dual"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/sustain/model"
	"github.com/stretchr/testify/require"
)

// table is a stand-in slow stream: a row of logits per item, one SGD step
// of size 0.3 on the gradient it is handed.
type table struct{ v, z []float64 }

func (s *table) Forward(t *stream.Trial) []float64 {
	copy(s.z, s.v[2*t.Item:2*t.Item+2])
	return s.z
}

func (s *table) Learn(t *stream.Trial, dz []float64) {
	for k, g := range dz {
		s.v[2*t.Item+k] -= 0.3 * g
	}
}

func (s *table) Recruited() bool                        { return false }
func (s *table) Active() int                            { return 0 }
func (s *table) State() []stream.Array                  { return nil }
func (s *table) SetState(map[string]stream.Array) error { return nil }

// TestFastStream: SUSTAIN in the fast slot of a dual stream, built from
// its Keys as the registry builds it, through the kernel's trial loop. It
// learns by its own rules from the trial's label, whatever gradient the
// loss of the summed logits hands it, so its curve and final state are
// those of SUSTAIN alone, while the slow part learns from that gradient.
func TestFastStream(t *testing.T) {
	shj, _ := task.SHJ(6)
	tk := task.Repeat(shj, 2)
	keys := Default().Keys
	const runs, blocks = 5, catlearn.Nosof94Blocks
	job := func(inDual bool) run.Job {
		return run.Job{Name: "shj6", Task: tk, Schedule: catlearn.Nosof94Orders(runs, blocks, catlearn.Nosof94Seed, catlearn.Eights), Runs: runs, Blocks: blocks,
			Loss: loss.CrossEntropy{},
			New: func(r int, src seed.Source) (stream.Stream, error) {
				m, err := keys.New(tk, src.Sub("fast"))
				if err != nil || !inDual {
					return m, err
				}
				slow := &table{v: make([]float64, 2*len(tk.Items)), z: make([]float64, 2)}
				return dual.New(m, slow), nil
			}}
	}
	res := run.Do(context.Background(), []run.Job{job(false), job(true)}, run.Options{})
	solo, both := res[0], res[1]
	require.NoError(t, solo.Err)
	require.NoError(t, both.Err)
	require.Equal(t, []string{"fast", "slow", "total"}, both.Parts)
	require.Equal(t, solo.PError[0], both.PError[0], "the fast part's curve is SUSTAIN's alone")
	for r := range solo.Runs {
		require.Equal(t, solo.Runs[r].Model.State(), both.Runs[r].Model.(*dual.Dual).Fast.State(), "run %d: final state", r)
		require.Equal(t, solo.Runs[r].Recruits, both.Runs[r].Recruits)
		require.Equal(t, solo.Runs[r].Model.(*model.Model).Active(), both.Runs[r].Model.Active())
	}
	slow := both.PError[1]
	require.Less(t, slow[len(slow)-1], slow[0]-0.1, "the slow part learns from ∂L/∂z of the sum")
	require.NotEqual(t, both.PError[0], both.PError[2])
}
