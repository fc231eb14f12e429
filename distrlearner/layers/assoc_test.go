package layers

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
)

// TestAssocForward checks the logits on hand-computed cases: only the
// listed (recruited) units count, and Φ scales the sum.
func TestAssocForward(t *testing.T) {
	for _, c := range []struct {
		name  string
		phi   float64
		units []int
		want  []float64
	}{
		{"no unit recruited", 1, nil, []float64{0, 0}},
		{"one unit", 1, []int{1}, []float64{0.5 * 3, 0.5 * -1}},
		{"two units, Φ 2", 2, []int{0, 2}, []float64{2 * (0.25*1 + 2*0.5), 2 * (0.25*2 + 2*-0.5)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := NewAssoc(3, 2, c.phi)
			copy(l.A, []float64{1, 2, 3, -1, 0.5, -0.5})
			act := []float64{0.25, 0.5, 2}
			z := []float64{7, 7}
			l.Forward(act, c.units, z)
			require.Equal(t, c.want, z)
		})
	}
}

// TestAssocGradients checks Backward against central differences of
// f = Σ_c r_c z_c. f is linear in A and in the activations, so the
// difference is exact up to round-off: a step of 1e-3 (relative to
// values of order 1) keeps the round-off near ε/1e-3 ≈ 1e-13.
func TestAssocGradients(t *testing.T) {
	const h, tol = 1e-3, 1e-6
	for _, c := range []struct {
		classes int
		phi     float64
	}{{2, 1}, {2, 3.5}, {4, 0.7}} {
		t.Run(fmt.Sprintf("%d classes Φ %v", c.classes, c.phi), func(t *testing.T) {
			n := 5
			l := NewAssoc(n, c.classes, c.phi)
			act := make([]float64, n)
			for k := range act {
				act[k] = 0.1 + 0.37*float64(k)
			}
			for i := range l.A {
				l.A[i] = 0.3*float64(i%7) - 0.8
			}
			units := []int{0, 2, 3}
			r := make([]float64, c.classes)
			for i := range r {
				r[i] = 1.5 - float64(i)
			}
			z := make([]float64, c.classes)
			f := func() float64 {
				l.Forward(act, units, z)
				var s float64
				for i, v := range z {
					s += r[i] * v
				}
				return s
			}
			dAct := make([]float64, n)
			l.Backward(act, units, r, dAct)
			fd := func(v *float64) float64 { return fdcheck.Central(f, v, h) }
			for _, k := range units {
				checkRel(t, fmt.Sprintf("∂/∂act_%d", k), dAct[k], fd(&act[k]), tol, 1e-12)
				for i := 0; i < c.classes; i++ {
					checkRel(t, fmt.Sprintf("∂/∂A_%d%d", k, i), l.GA[k*c.classes+i], fd(&l.A[k*c.classes+i]), tol, 1e-12)
				}
			}
			// A unit not recruited gets no gradient (the original's mask).
			for i := 0; i < c.classes; i++ {
				require.Zero(t, l.GA[1*c.classes+i])
			}
		})
	}
}

// TestAssocUnrolled checks that the two-output fast path gives the same
// bits as the general code.
func TestAssocUnrolled(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 100
	a, b := NewAssoc(n, 2, 1.7), NewAssoc(n, 2, 1.7)
	act := make([]float64, n)
	for i := range a.A {
		a.A[i] = rng.NormFloat64()
	}
	copy(b.A, a.A)
	for i := range act {
		act[i] = rng.Float64() * 10
	}
	units := []int{0, 2, 3, 7, 11, 50, 99}
	za, zb := make([]float64, 2), make([]float64, 2)
	a.Forward(act, units, za)
	b.forward(act, units, zb)
	require.Equal(t, zb, za)
	dz := []float64{0.3, -0.8}
	da, db := make([]float64, n), make([]float64, n)
	a.Backward(act, units, dz, da)
	b.backward(act, units, dz, db)
	require.Equal(t, db, da)
	require.Equal(t, b.GA, a.GA)
}
