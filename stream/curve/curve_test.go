package curve_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/curve"
)

func TestArea(t *testing.T) {
	for _, tc := range []struct {
		y    []float64
		want float64
	}{
		{nil, 0}, {[]float64{1}, 0}, {[]float64{1, 0}, 0.5}, {[]float64{0.5, 0.25, 0.25, 0}, 0.375 + 0.25 + 0.125},
	} {
		assert.Equal(t, tc.want, curve.Area(tc.y))
	}
}

func TestSummariseAndCoarsen(t *testing.T) {
	s := curve.Summarise([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	assert.Equal(t, 5.0, s.Mean)
	assert.InDelta(t, 2.138089935, s.SD, 1e-9)
	assert.Equal(t, [2]float64{2, 9}, [2]float64{s.Min, s.Max})
	assert.Equal(t, []float64{1.5, 3.5, 5}, curve.Coarsen([]float64{1, 2, 3, 4, 5}, 2))
}

func TestSHJOrdinal(t *testing.T) {
	// Human means of Nosofsky et al. (1994) pass; SUSTAIN's (catlearn) too.
	assert.True(t, curve.SHJOrdinal([6]float64{.0149, .0507, .0924, .1016, .1107, .1947}))
	assert.True(t, curve.SHJOrdinal([6]float64{.0168, .0668, .1051, .1096, .1172, .1911}))
	assert.False(t, curve.SHJOrdinal([6]float64{.05, .04, .1, .1, .1, .2}), "II easier than I")
	assert.False(t, curve.SHJOrdinal([6]float64{.01, .05, .1, .25, .1, .2}), "IV harder than VI")
	assert.False(t, curve.SHJOrdinal([6]float64{.01, .12, .1, .13, .14, .2}), "III easier than II")
}
