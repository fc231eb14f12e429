package sgd_test

import (
	"math"
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

// TestFused checks that p − lr·g is rounded once, as torch's
// add_(g, alpha=−lr) is: lr·g = 2^-53·(1 − 2^-60) rounds to 2^-53, and
// p − 2^-53 with p = 1 + 2^-52 is a tie that rounds to 1; the exact
// difference is above the tie and rounds back to p.
func TestFused(t *testing.T) {
	const p0, lr, g0 = 1 + 0x1p-52, (1 - 0x1p-30) * 0x1p-53, 1 + 0x1p-30
	unfused := p0 - float64(lr*g0)
	assert.Equal(t, 1.0, unfused, "the case must tell fused from unfused")
	for _, mom := range []float64{0, 0.9} { // the first momentum step is the same
		v, g := []float64{p0, p0, p0, p0, p0}, []float64{g0, g0, g0, g0, g0}
		sgd.NewParam("w", v, g, lr, mom).Step()
		for i := range v {
			assert.Equal(t, math.FMA(-lr, g0, p0), v[i], "momentum %v value %d", mom, i)
			assert.Equal(t, p0, v[i])
		}
	}
}

// TestMomentumRounding: every step after the first rounds m·v, then
// m·v + g, then takes p + (−lr)·v with one rounding, value by value, as
// torch's v.mul_(m).add_(g) and p.add_(v, alpha=−lr), at a length that
// meets the vector kernel's full vectors and its tail.
func TestMomentumRounding(t *testing.T) {
	const n, lr, m = 37, 0.37, 0.3
	val, g := make([]float64, n), make([]float64, n)
	want, vel := make([]float64, n), make([]float64, n)
	for i := range val {
		val[i] = math.Sin(float64(i)) * 3
		want[i] = val[i]
	}
	p := sgd.NewParam("w", val, g, lr, m)
	for step := range 4 {
		for i := range g {
			g[i] = math.Cos(float64(i*(step+2))) / 7
			if step == 0 {
				vel[i] = g[i]
			} else {
				vel[i] = float64(m*vel[i]) + g[i]
			}
			want[i] = math.FMA(-lr, vel[i], want[i])
		}
		p.Step()
		for i := range val {
			assert.Equal(t, math.Float64bits(want[i]), math.Float64bits(val[i]), "step %d value %d", step, i)
		}
	}
}
