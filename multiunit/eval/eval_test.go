package eval

import (
	"bytes"
	"maps"
	"math"
	"math/rand/v2"
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

// TestDigestFromModel: a model's digest, read from its active units,
// is its state's (read from the active mask over every unit).
func TestDigestFromModel(t *testing.T) {
	p := model.Params{Units: 4, Dims: 2, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.5,
		LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}
	for _, st := range []map[string]stream.Array{
		state([]float64{1, 0, 1, 1}, []float64{0.5, 0.5, 0.1, 0.1, 0.5, 0.5, 1, 0}, []float64{0.25, 0.75}),
		state([]float64{1, 1, 0, 0}, []float64{0, 1, math.Copysign(0, -1), 1, 0, 0, 0, 0}, []float64{0.75, 0.25}),
		state([]float64{0, 0, 0, 0}, []float64{0, 1, 2, 3, 4, 5, 6, 7}, []float64{0.5, 0.5}),
	} {
		m, err := model.New(p, rand.NewPCG(1, 2))
		require.NoError(t, err)
		full := maps.Clone(st)
		full[model.NameWinners] = stream.Array{Name: model.NameWinners, Shape: []int{4}, Data: make([]float64, 4)}
		full[model.NameAssoc] = stream.Array{Name: model.NameAssoc, Shape: []int{4, 2}, Data: make([]float64, 8)}
		require.NoError(t, m.SetState(full))
		want, err := runOf(st)
		require.NoError(t, err)
		got, err := Digest(m)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
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
