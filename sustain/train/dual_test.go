package train

import (
	"context"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/catlearn"
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

// sum is a stand-in dual stream (the lead's dualstream module composes
// the same way): the parts' logits add up, and both parts get ∂L/∂z of the
// loss of the sum.
type sum struct {
	fast, slow stream.Stream
	z          []float64
	parts      [][]float64
}

func (d *sum) Forward(t *stream.Trial) []float64 {
	zf, zs := d.fast.Forward(t), d.slow.Forward(t)
	for k := range d.z {
		d.z[k] = zf[k] + zs[k]
	}
	d.parts[0], d.parts[1] = zf, zs
	return d.z
}

func (d *sum) Learn(t *stream.Trial, dz []float64) {
	d.fast.Learn(t, dz)
	d.slow.Learn(t, dz)
}

func (d *sum) Recruited() bool                        { return d.fast.Recruited() }
func (d *sum) Active() int                            { return d.fast.Active() }
func (d *sum) State() []stream.Array                  { return d.fast.State() }
func (d *sum) SetState(map[string]stream.Array) error { return nil }
func (d *sum) PartNames() []string                    { return []string{"fast", "slow"} }
func (d *sum) PartLogits() [][]float64                { return d.parts }

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
	job := func(dual bool) run.Job {
		return run.Job{Name: "shj6", Task: tk, Schedule: catlearn.Nosof94Orders(runs, blocks, catlearn.Nosof94Seed, catlearn.Eights), Runs: runs, Blocks: blocks,
			Loss: loss.CrossEntropy{},
			New: func(r int, src seed.Source) (stream.Stream, error) {
				m, err := keys.NewRun(tk, src.Sub("fast"))
				if err != nil || !dual {
					return m, err
				}
				slow := &table{v: make([]float64, 2*len(tk.Items)), z: make([]float64, 2)}
				return &sum{fast: m, slow: slow, z: make([]float64, 2), parts: make([][]float64, 2)}, nil
			}}
	}
	res := run.Do(context.Background(), []run.Job{job(false), job(true)}, run.Options{})
	solo, dual := res[0], res[1]
	require.NoError(t, solo.Err)
	require.NoError(t, dual.Err)
	require.Equal(t, []string{"fast", "slow", "total"}, dual.Parts)
	require.Equal(t, solo.PError[0], dual.PError[0], "the fast part's curve is SUSTAIN's alone")
	for r := range solo.Runs {
		require.Equal(t, solo.Runs[r].Model.State(), dual.Runs[r].Model.State(), "run %d: final state", r)
		require.Equal(t, solo.Runs[r].Recruits, dual.Runs[r].Recruits)
		require.Equal(t, solo.Runs[r].Model.(*model.Model).Active(), dual.Runs[r].Model.Active())
	}
	slow := dual.PError[1]
	require.Less(t, slow[len(slow)-1], slow[0]-0.1, "the slow part learns from ∂L/∂z of the sum")
	require.NotEqual(t, dual.PError[0], dual.PError[2])
}
