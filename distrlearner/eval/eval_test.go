package eval

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/distrlearner/model"
	"github.com/fastslow/stream"
)

var cfg = model.Params{Kind: model.Multi, MaxUnits: 10, Dims: 2, Classes: 2, AttnWeighting: 0.02, Phi: 1,
	LRAttn: 0.002, LRUnits: 0.002, LRNN: 0.025, K: 0.3}

// learner returns a fresh learner whose scales are all s.
func learner(t *testing.T, s float64) *model.Model {
	t.Helper()
	l, err := model.New(cfg)
	require.NoError(t, err)
	st := stream.StateMap(l.State())
	a := st[model.AttnName].Data
	for k := 0; k < cfg.MaxUnits; k++ {
		a[k*4], a[k*4+3] = s, s
	}
	require.NoError(t, l.SetState(st))
	return l
}

func present(l *model.Model, x []float64, label int) {
	y := []float64{0, 0}
	y[label] = 1
	l.Forward(&stream.Trial{X: x, Target: y, Label: label})
}

func TestSummarise(t *testing.T) {
	// Run 0: the stimulus is far from the inactive units (at the origin,
	// scale 0.01): their densities underflow and nothing is recruited,
	// twice. Run 1: an ordinary recruitment of int(10·0.3) = 3 units.
	a := learner(t, 0.01)
	present(a, []float64{0.9, 0.9}, 0)
	present(a, []float64{0.8, 0.9}, 1)
	b := learner(t, 0.2)
	present(b, []float64{0.1, 0.1}, 0)
	require.Equal(t, 3, b.Active())

	s, err := Summarise("toy", []stream.Stream{a, b})
	require.NoError(t, err)
	require.Equal(t, []int{2, 0}, s.UnderflowTrials)
	require.Equal(t, []int{6, 0}, s.UnderflowUnits)
	require.Equal(t, 2, s.TotalTrials)
	require.Equal(t, 6, s.TotalUnits)
	require.InDeltaSlice(t, []float64{0.2, 0.2}, s.MeanScale, 1e-15, "only run 1 recruited")
	require.Equal(t, []float64{0.2, 0.2}, s.MinScale)
}

func TestSummariseErrors(t *testing.T) {
	_, err := Summarise("toy", nil)
	require.ErrorContains(t, err, "no runs")
	_, err = Summarise("toy", []stream.Stream{notALearner{}})
	require.ErrorContains(t, err, "not a distribution learner")
}

type notALearner struct{ stream.Stream }

func TestReportNone(t *testing.T) {
	var buf bytes.Buffer
	Report(&buf, nil)
	require.Empty(t, buf.String())
}
