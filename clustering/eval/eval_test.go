package eval

import (
	"bytes"
	"slices"
	"testing"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
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

// TestDigest: a model's digest is what its state gives the analyses, a
// copy that the model's next run does not change, and Summaries reads
// digests, models or both alike; a run with neither is an error naming it.
func TestDigest(t *testing.T) {
	p := model.Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1}
	tk, err := task.SHJ(2)
	require.NoError(t, err)
	dz := make([]float64, 2)
	var runs []run.RunResult
	for r := range 3 {
		m, err := model.New(p)
		require.NoError(t, err)
		for b := range 2 + r {
			for i, it := range tk.Items {
				tr := &stream.Trial{Block: b, Index: i, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
				loss.BCELogits{}.Eval(m.Forward(tr), it.Target, dz)
				m.Learn(tr, dz)
			}
		}
		d, err := Digest(m)
		require.NoError(t, err)
		want, err := runOf(stream.StateMap(m.State()))
		require.NoError(t, err)
		require.Equal(t, want, d)
		require.Positive(t, want.Units)
		runs = append(runs, run.RunResult{Run: r, Model: m, Digest: d})
	}
	res := []run.Result{{Job: &run.Job{Task: tk}, Runs: runs}}
	fromModels := []run.Result{{Job: res[0].Job, Runs: slices.Clone(runs)}}
	for r := range fromModels[0].Runs {
		fromModels[0].Runs[r].Digest = nil
	}
	want, err := Summaries(fromModels)
	require.NoError(t, err)
	// Run 0 read from its model, the others from their digests, which
	// hold their own copies.
	runs[0].Digest = nil
	for r := 1; r < len(runs); r++ {
		runs[r].Model.(*model.Model).Reset()
		runs[r].Model = nil
	}
	got, err := Summaries(res)
	require.NoError(t, err)
	require.Equal(t, want, got)
	runs[0].Model = nil
	_, err = Summaries(res)
	require.ErrorContains(t, err, "task shj2 run 0: no model")
}
