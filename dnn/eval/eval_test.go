package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"

	"github.com/fastslow/dnn/model"
)

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		name    string
		areas   []float64
		ref     []float64
		refRuns int
		want    Comparison
	}{
		{
			// Mean 2, sd 1; reference area 1 (a flat curve of 1 over 2 blocks).
			name: "above", areas: []float64{1, 2, 3}, ref: []float64{1, 1}, refRuns: 3,
			want: Comparison{Area: 2, SD: 1, N: 3, RefArea: 1, RefRuns: 3, SE: math.Sqrt(2.0 / 3), Z: 1 / math.Sqrt(2.0/3)},
		},
		{
			name: "equal", areas: []float64{0.5, 1.5}, ref: []float64{0, 2}, refRuns: 1,
			want: Comparison{Area: 1, SD: math.Sqrt(0.5), N: 2, RefArea: 1, RefRuns: 1, SE: math.Sqrt(0.5) * math.Sqrt(1.5), Z: 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compare(tc.areas, tc.ref, tc.refRuns)
			require.NoError(t, err)
			assert.InDelta(t, tc.want.Area, got.Area, 1e-15)
			assert.InDelta(t, tc.want.SD, got.SD, 1e-15)
			assert.InDelta(t, tc.want.SE, got.SE, 1e-15)
			assert.InDelta(t, tc.want.Z, got.Z, 1e-14)
			assert.Equal(t, tc.want.RefArea, got.RefArea)
			assert.Equal(t, tc.want.N, got.N)
		})
	}
	_, err := Compare([]float64{1}, []float64{1, 1}, 50)
	assert.Error(t, err)
}

func TestSummary(t *testing.T) {
	tk, err := task.SHJ(2)
	require.NoError(t, err)
	net, err := model.New(model.Params{InputSize: 3, OutputSize: 2, NUnits: 4, Depth: 2, ActFunc: "relu"}, seedless())
	require.NoError(t, err)
	res := []run.Result{{
		Job:   &run.Job{Task: tk},
		Parts: []string{"total"},
		Runs: []run.RunResult{
			{PError: [][]float64{{0.5, 0.5, 0.5}}, Model: net},
			{PError: [][]float64{{0.5, 0.3, 0.1}}, Model: net},
		},
	}}
	sum := Summary(res)
	entry := sum["shj2"].(map[string]any)
	assert.Equal(t, []int{3, 4, 4, 2}, entry["layer_sizes"])
	a := entry["area_runs"].(map[string]any)
	assert.InDelta(t, 0.8, a["mean"], 1e-15) // areas 1.0 and 0.6
	assert.InDelta(t, 0.2, a["se"], 1e-15)   // sd 0.2√2, over √2
}

func seedless() seed.Source { return seed.For(0, 0) }
