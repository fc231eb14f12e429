package estimate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func ptr(v float64) *float64 { return &v }

// TestTransform checks that the search's coordinates map into the bounds
// and back: within 1e-12 relative (a few roundings of exp, log and the
// logistic), and onto the bounds exactly at the far ends.
func TestTransform(t *testing.T) {
	s := &Spec{Params: []Param{
		{Key: "a", Min: ptr(0.02), Max: ptr(20), Scale: "log"},
		{Key: "b", Min: ptr(-1), Max: ptr(1), Scale: "linear"},
	}}
	for _, x := range [][]float64{{0.25, -0.4}, {0.0200001, 0.999}, {19.9, -0.999999}, {1, 0}} {
		back := s.fromSearch(s.toSearch(x))
		for i := range x {
			assert.InDelta(t, x[i], back[i], 1e-12*math.Max(1, math.Abs(x[i])), "%v", x)
		}
	}
	for _, u := range []float64{-1e6, -40, 0, 40, 1e6} {
		x := s.fromSearch([]float64{u, u})
		assert.True(t, x[0] >= 0.02 && x[0] <= 20, "%v", x)
		assert.True(t, x[1] >= -1 && x[1] <= 1, "%v", x)
	}
	assert.Equal(t, []float64{0.02, -1}, s.fromSearch([]float64{-1e6, -1e6}))
	assert.Equal(t, []float64{20, 1}, s.fromSearch([]float64{1e6, 1e6}))
	// Mid-range: the geometric mean on a log scale.
	assert.InDelta(t, math.Sqrt(0.02*20), s.Params[0].fromUnit(0.5), 1e-15)
	assert.InDelta(t, 0, s.Params[1].fromUnit(0.5), 1e-15)
}
