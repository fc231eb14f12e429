package model

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGroupMomentum follows torch.optim.SGD: v = g on the first step,
// then v = m·v + g, p −= lr·v.
func TestGroupMomentum(t *testing.T) {
	v, g := []float64{1, 7}, []float64{2, 5}
	p := newGroup(v, g, 0.1, 0.5)
	p.stepN(1) // v=2, p = 1 − 0.2; the second value is not stepped
	assert.InDelta(t, 0.8, v[0], 1e-15)
	assert.Equal(t, 7.0, v[1])
	g[0] = 1
	p.stepN(1) // v = 0.5·2 + 1 = 2, p = 0.8 − 0.2
	assert.InDelta(t, 0.6, v[0], 1e-15)
}

// TestGroupFused checks that p − lr·g is rounded once, as torch's
// add_(g, alpha=−lr) is: lr·g = 2^-53·(1 − 2^-60) rounds to 2^-53, and
// p − 2^-53 with p = 1 + 2^-52 is a tie that rounds to 1; the exact
// difference is above the tie and rounds back to p.
func TestGroupFused(t *testing.T) {
	const p0, lr, g0 = 1 + 0x1p-52, (1 - 0x1p-30) * 0x1p-53, 1 + 0x1p-30
	v, g := []float64{p0}, []float64{g0}
	newGroup(v, g, lr, 0).stepN(1)
	assert.Equal(t, p0, v[0])
	unfused := p0 - float64(lr*g0)
	assert.Equal(t, 1.0, unfused, "the case must tell fused from unfused")
	v, g = []float64{p0}, []float64{g0}
	newGroup(v, g, lr, 0.9).stepN(1) // the first momentum step is the same
	assert.Equal(t, math.FMA(-lr, g0, p0), v[0])
}
