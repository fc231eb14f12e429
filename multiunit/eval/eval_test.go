package eval

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream"
)

// state returns a state of 4 units in 2 dimensions with the given active
// mask, positions and attention.
func state(active, pos, attn []float64) map[string]stream.Array {
	return map[string]stream.Array{
		model.NameActive:    {Name: model.NameActive, Shape: []int{4}, Data: active},
		model.NamePositions: {Name: model.NamePositions, Shape: []int{4, 2}, Data: pos},
		model.NameAttention: {Name: model.NameAttention, Shape: []int{1, 2}, Data: attn},
	}
}

func TestSummarise(t *testing.T) {
	states := []map[string]stream.Array{
		// Units 0 and 2 at the same position, unit 3 elsewhere; unit 1
		// inactive (its position does not count).
		state([]float64{1, 0, 1, 1}, []float64{0.5, 0.5, 0.1, 0.1, 0.5, 0.5, 1, 0}, []float64{0.25, 0.75}),
		// −0 and 0 differ in bits: two clusters, as the model groups them.
		state([]float64{1, 1, 0, 0}, []float64{0, 1, math.Copysign(0, -1), 1, 0, 0, 0, 0}, []float64{0.75, 0.25}),
	}
	s, err := Summarise("shj2", 2, states)
	require.NoError(t, err)
	require.Equal(t, []int{3, 2}, s.Units)
	require.Equal(t, []int{2, 2}, s.Clusters)
	require.Equal(t, 2.0, s.ClusterStats.Mean)
	require.Equal(t, []float64{0.5, 0.5}, s.Attention)
	require.Equal(t, 2, s.SHJType)
}

func TestSummariseErrors(t *testing.T) {
	_, err := Summarise("x", 0, nil)
	require.ErrorContains(t, err, "no runs")
	st := state([]float64{1, 0, 0, 0}, make([]float64, 8), []float64{1, 0})
	delete(st, model.NamePositions)
	_, err = Summarise("x", 0, []map[string]stream.Array{st})
	require.ErrorContains(t, err, `no "Distance.weight"`)
	st = state([]float64{1, 0, 0, 0}, make([]float64, 6), []float64{1, 0})
	_, err = Summarise("x", 0, []map[string]stream.Array{st})
	require.ErrorContains(t, err, "6 positions for 4 units of 2 dimensions")
}

func TestReportWithoutModels(t *testing.T) {
	var b bytes.Buffer
	Report(&b, nil)
	require.Contains(t, b.String(), "clusters of units")
	require.Empty(t, Evaluate(nil)["multiunit"])
}
