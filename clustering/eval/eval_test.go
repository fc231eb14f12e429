package eval

import (
	"bytes"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/stretchr/testify/require"
)

func state(mask, attn []float64) map[string]stream.Array {
	return map[string]stream.Array{
		model.NameMask:      stream.NewArray(model.NameMask, mask, 1, len(mask)),
		model.NameAttention: stream.NewArray(model.NameAttention, attn, 1, len(attn)),
	}
}

func TestCanonicalUnits(t *testing.T) {
	for typ, want := range map[int]int{0: 0, 1: 2, 2: 4, 3: 6, 4: 6, 5: 6, 6: 8, 7: 0} {
		require.Equal(t, want, CanonicalUnits(typ), "type %d", typ)
	}
}

func TestSummarise(t *testing.T) {
	states := []map[string]stream.Array{
		state([]float64{1, 0, 0, 0, 1, 0, 0, 0}, []float64{0.9, 0.2, -0.1}),
		state([]float64{1, 1, 0, 0, 1, 0, 0, 1}, []float64{0.5, 0.5, 0}),
		state([]float64{0, 1, 0, 0, 0, 0, 1, 0}, []float64{0.7, 0.3, 0.1}),
		state([]float64{1, 1, 1, 0, 1, 0, 0, 0}, []float64{0.3, 0.3, 0.3}),
	}
	s, err := Summarise("shj1", 1, states)
	require.NoError(t, err)
	require.Equal(t, []int{2, 4, 2, 4}, s.Units)
	require.Equal(t, 2, s.CanonicalUnits)
	require.Equal(t, 0.5, *s.CanonicalRate)
	require.Equal(t, map[string]int{"2": 2, "4": 2}, s.UnitCounts)
	require.InDelta(t, 3.0, s.UnitStats.Mean, 1e-15)
	// The mean of the saved (un-normalised) attention, as the original.
	require.InDeltaSlice(t, []float64{0.6, 0.325, 0.075}, s.Attention, 1e-15)
	// And of the normalised one: each run clipped at 1e-6 and summed to one.
	n0 := []float64{0.9 / 1.100001, 0.2 / 1.100001, 1e-6 / 1.100001}
	n1 := []float64{0.5 / 1.000001, 0.5 / 1.000001, 1e-6 / 1.000001}
	n2 := []float64{0.7 / 1.1, 0.3 / 1.1, 0.1 / 1.1}
	n3 := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	for j := range 3 {
		require.InDelta(t, (n0[j]+n1[j]+n2[j]+n3[j])/4, s.NormalisedAttention[j], 1e-12)
	}

	// Not an SHJ task: no canonical rate.
	s, err = Summarise("new-stimuli", 0, states[:1])
	require.NoError(t, err)
	require.Nil(t, s.CanonicalRate)
	require.Zero(t, s.CanonicalUnits)
}

func TestSummariseErrors(t *testing.T) {
	_, err := Summarise("shj1", 1, nil)
	require.ErrorContains(t, err, "no runs")
	_, err = Summarise("shj1", 1, []map[string]stream.Array{{}})
	require.ErrorContains(t, err, `no "MaskNonRecruit.weight"`)
	_, err = Summarise("shj1", 1, []map[string]stream.Array{
		state([]float64{1}, []float64{1, 0}), state([]float64{1}, []float64{1, 0, 0})})
	require.ErrorContains(t, err, "3 attention weights, run 0 has 2")
}

func TestReportEmpty(t *testing.T) {
	var b bytes.Buffer
	Report(&b, nil)
	require.Contains(t, b.String(), "task")
}
