package model

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
)

// placed returns a learner of the given config with units recruited at
// the given positions, scales and weights varied so that no two units
// are alike.
func placed(t *testing.T, cfg Params, pos [][]float64) *Model {
	t.Helper()
	m, err := New(cfg)
	require.NoError(t, err)
	d, c := cfg.Dims, cfg.Classes
	for i, p := range pos {
		k := 2*i + 1 // not a prefix: units 1, 3, 5, …
		m.activate(k, p)
		for j := 0; j < d; j++ {
			m.dens.Scale[k*d+j] = 0.08 + 0.02*float64((i+j)%4)
		}
		for o := 0; o < c; o++ {
			m.assoc.A[k*c+o] = 0.9*math.Sin(float64(3*i+o+1)) + 0.1
		}
	}
	return m
}

// paramRef names a parameter of a learner for the finite differences.
type paramRef struct {
	name  string
	value func(m *Model) *float64
	grad  func(m *Model) float64
	step  float64
}

func refs(m *Model) []paramRef {
	d, c := m.p.Dims, m.p.Classes
	var out []paramRef
	for _, k := range m.units {
		for j := 0; j < d; j++ {
			i := k*d + j
			s := m.dens.Scale[i]
			// h = 1e-6·σ for a mean or a scale (σ is the length on which
			// the density changes; see the layers' gradient test), 1e-6
			// for a weight (the logits are linear in it).
			out = append(out,
				paramRef{fmt.Sprintf("μ[%d,%d]", k, j), func(m *Model) *float64 { return &m.dens.Mu[i] }, func(m *Model) float64 { return m.dens.GMu[i] }, 1e-6 * s},
				paramRef{fmt.Sprintf("σ[%d,%d]", k, j), func(m *Model) *float64 { return &m.dens.Scale[i] }, func(m *Model) float64 { return m.dens.GScale[i] }, 1e-6 * s})
		}
		for o := 0; o < c; o++ {
			i := k*c + o
			out = append(out, paramRef{fmt.Sprintf("A[%d,%d]", k, o), func(m *Model) *float64 { return &m.assoc.A[i] }, func(m *Model) float64 { return m.assoc.GA[i] }, 1e-6})
		}
	}
	return out
}

// fdCheck compares the learner's backward pass (from dz = ∂f/∂z) with
// central differences of f(z(θ)) for every parameter of every recruited
// unit, and returns the largest relative error.
func fdCheck(t *testing.T, m *Model, x []float64, f func(z []float64) (float64, []float64)) float64 {
	t.Helper()
	m.predict(x)
	_, dz := f(m.z)
	m.backward(dz)
	var worst float64
	at := func() float64 {
		m.predict(x)
		v, _ := f(m.z)
		return v
	}
	for _, r := range refs(m) {
		fd := fdcheck.CentralStored(at, r.value(m), r.step)
		g := r.grad(m)
		rel := fdcheck.RelErr(g, fd, 0)
		require.LessOrEqual(t, rel, 1e-6, "%s: backward %v, finite difference %v", r.name, g, fd)
		worst = max(worst, rel)
	}
	return worst
}

// TestGradientsLoss checks the whole backward pass (loss → logits →
// weights → densities → means and scales) against finite differences of
// the loss, with units near the stimulus, for both losses and both kinds.
func TestGradientsLoss(t *testing.T) {
	pos := [][]float64{{0.4, 0.6}, {0.5, 0.55}, {0.3, 0.75}, {0.45, 0.62}}
	x := []float64{0.43, 0.63}
	y := []float64{0, 1}
	for _, c := range []struct {
		name string
		cfg  Params
		lf   loss.Func
	}{
		{"distr_learner_mu bcelogits", dlmuConfig, loss.BCELogits{}},
		{"distr_learner crossentropy Φ 2.5", func() Params { c := dlConfig; c.Phi = 2.5; return c }(), loss.CrossEntropy{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := placed(t, c.cfg, pos)
			dz := make([]float64, 2)
			worst := fdCheck(t, m, x, func(z []float64) (float64, []float64) { return c.lf.Eval(z, y, dz), dz })
			t.Logf("largest relative error %.2g", worst)
		})
	}
}

// TestGradientsFar checks the backward pass for a unit far from the
// stimulus (densities from 1e-16 down to 1e-49), one unit at a time and
// on its own logit z_0, so that its tiny gradients are measured relative
// to themselves and not drowned in a loss of order 1.
func TestGradientsFar(t *testing.T) {
	x := []float64{0.95, 0.05}
	for _, p := range [][]float64{{0.4, 0.6}, {0.1, 0.9}, {0.2, 0.5}, {0.05, 0.95}, {0.0, 1.0}} {
		m := placed(t, dlmuConfig, [][]float64{p})
		m.predict(x)
		a := m.dens.Act[m.units[0]]
		require.True(t, a > 0 && a < 1e-15, "unit at %v is not far: density %v", p, a)
		worst := fdCheck(t, m, x, func(z []float64) (float64, []float64) { return z[0], []float64{1, 0} })
		t.Logf("unit at %v, density %.2g: largest relative error %.2g", p, a, worst)
	}
}
