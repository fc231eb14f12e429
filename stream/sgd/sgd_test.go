package sgd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/sgd"
)

// TestMomentum follows torch.optim.SGD: v = g on the first step, then
// v = m·v + g, p −= lr·v.
func TestMomentum(t *testing.T) {
	v, g := []float64{1}, []float64{2}
	p := sgd.NewParam("w", v, g, 0.1, 0.5)
	p.Step() // v=2, p = 1 − 0.2
	assert.InDelta(t, 0.8, v[0], 1e-15)
	g[0] = 1
	p.Step() // v = 0.5·2 + 1 = 2, p = 0.8 − 0.2
	assert.InDelta(t, 0.6, v[0], 1e-15)
	p.Reset()
	p.Step() // v = g = 1
	assert.InDelta(t, 0.5, v[0], 1e-15)
}

func TestPlain(t *testing.T) {
	v, g := []float64{1, 2}, []float64{1, -1}
	sgd.Step(sgd.NewParam("w", v, g, 0.25, 0))
	assert.Equal(t, []float64{0.75, 2.25}, v)
}

func TestStepN(t *testing.T) {
	v, g := []float64{1, 1, 1}, []float64{1, 1, 1}
	p := sgd.NewParam("w", v, g, 0.5, 0.9)
	p.StepN(2)
	assert.Equal(t, []float64{0.5, 0.5, 1}, v)
}
