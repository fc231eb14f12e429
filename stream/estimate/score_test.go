package estimate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestViolation(t *testing.T) {
	cases := []struct {
		m    [6]float64
		want float64
	}{
		{[6]float64{1, 2, 3, 3, 3, 4}, 0},
		{[6]float64{2, 1, 3, 3, 3, 4}, 1},
		{[6]float64{1, 2, 1.5, 3, 3, 4}, 0.5},
		{[6]float64{1, 2, 3, 3, 5, 4}, 1},
		{[6]float64{1, 1, 1, 1, 1, 1}, 0},
	}
	for _, c := range cases {
		assert.InDelta(t, c.want, Violation(c.m), 1e-15, "%v", c.m)
	}
}
