package estimate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTransform checks that the search's coordinates map into the bounds
// and back: within 1e-12 relative (a few roundings of exp, log and the
// logistic), and onto the bounds exactly at the far ends; a discrete
// parameter keeps its value.
func TestTransform(t *testing.T) {
	s := &space{params: []Param{
		{Key: "a", Min: 0.02, Max: 20, Log: true},
		{Key: "n", Values: []float64{10, 100}},
		{Key: "b", Min: -1, Max: 1},
	}, cont: []int{0, 2}, at: []float64{0, 100, 0}}
	for _, x := range [][]float64{{0.25, 100, -0.4}, {0.0200001, 100, 0.999}, {19.9, 100, -0.999999}, {1, 100, 0}} {
		back := s.fromSearch(s.toSearch(x))
		for i := range x {
			assert.InDelta(t, x[i], back[i], 1e-12*math.Max(1, math.Abs(x[i])), "%v", x)
		}
	}
	for _, u := range []float64{-1e6, -40, 0, 40, 1e6} {
		x := s.fromSearch([]float64{u, u})
		assert.True(t, x[0] >= 0.02 && x[0] <= 20, "%v", x)
		assert.True(t, x[2] >= -1 && x[2] <= 1, "%v", x)
		assert.Equal(t, 100.0, x[1])
	}
	assert.Equal(t, []float64{0.02, 100, -1}, s.fromSearch([]float64{-1e6, -1e6}))
	assert.Equal(t, []float64{20, 100, 1}, s.fromSearch([]float64{1e6, 1e6}))
	// Mid-range: the geometric mean on a log scale.
	assert.InDelta(t, math.Sqrt(0.02*20), s.params[0].At(0.5), 1e-15)
	assert.InDelta(t, 0, s.params[2].At(0.5), 1e-15)
}
