package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
)

// refDensity is the density of a normal with mean mu and a general lower
// triangular Cholesky factor (diagonal s, strictly lower part low, row by
// row), written independently of Density: forward substitution for
// w = L⁻¹(x − μ), then exp(−½(D·log 2π + |w|²) − Σ log L_ii).
func refDensity(x, mu, s, low []float64) float64 {
	d := len(x)
	w := make([]float64, d)
	q := 0
	var m, ld float64
	for i := 0; i < d; i++ {
		r := x[i] - mu[i]
		for j := 0; j < i; j++ {
			r -= low[q] * w[j]
			q++
		}
		w[i] = r / s[i]
		m += w[i] * w[i]
		ld += math.Log(s[i])
	}
	return math.Exp(-0.5*(float64(d)*math.Log(2*math.Pi)+m) - ld)
}

// densityCase is one unit and one stimulus.
type densityCase struct {
	name      string
	x, mu, s  []float64
	wantOrder float64 // the density's order of magnitude (log10), to show how far the unit is
}

var densityCases = []densityCase{
	{"1-D near", []float64{0.3}, []float64{0.25}, []float64{0.14}, 0},
	{"2-D near", []float64{0.35, 0.7}, []float64{0.4, 0.62}, []float64{0.14, 0.11}, 1},
	{"2-D on the stimulus in one dimension", []float64{0.35, 0.7}, []float64{0.35, 0.6}, []float64{0.1, 0.2}, 0},
	{"2-D far (density ~1e-23)", []float64{0.9, 0.1}, []float64{0.1, 0.8}, []float64{0.09, 0.12}, -23},
	{"2-D very far (density ~1e-145)", []float64{1, 0}, []float64{0, 1}, []float64{0.05, 0.06}, -145},
	{"2-D tiny scale near the floor", []float64{0.5, 0.5}, []float64{0.5 + 2e-6, 0.5 - 1e-6}, []float64{3e-6, 2e-6}, 10},
	{"3-D mixed scales", []float64{0.2, 0.5, 0.9}, []float64{0.3, 0.45, 0.7}, []float64{0.2, 0.05, 0.3}, 1},
	{"5-D", []float64{0.1, 0.2, 0.3, 0.4, 0.5}, []float64{0.15, 0.1, 0.35, 0.5, 0.4}, []float64{0.1, 0.2, 0.15, 0.12, 0.3}, 2},
}

// newCase returns a layer of two units of the case (unit 1 is the one the
// case describes; unit 0 sits elsewhere to show the units do not mix).
func newCase(c densityCase) (*Density, []int) {
	d := len(c.x)
	l := NewDensity(2, d, 0.02)
	copy(l.Mu[d:], c.mu)
	copy(l.Scale[d:], c.s)
	for j := 0; j < d; j++ {
		l.Mu[j] = 0.5
	}
	return l, []int{0, 1}
}

// TestDensityForward checks the densities against the independent formula
// (relative 1e-13: the two differ by the order of their operations only).
func TestDensityForward(t *testing.T) {
	for _, c := range densityCases {
		t.Run(c.name, func(t *testing.T) {
			l, units := newCase(c)
			l.Forward(c.x, units)
			p := len(c.x) * (len(c.x) - 1) / 2
			want := refDensity(c.x, c.mu, c.s, make([]float64, p))
			require.InEpsilon(t, want, l.Act[1], 1e-13)
			require.InDelta(t, c.wantOrder, math.Log10(l.Act[1]), 1, "the case's density is not where its name says")
			want0 := refDensity(c.x, l.Mu[:len(c.x)], l.Scale[:len(c.x)], make([]float64, p))
			require.InEpsilon(t, want0, l.Act[0], 1e-13)
		})
	}
}

// TestDensityClamp checks the scale floor and the clearing of the lower
// part, for Clamp and for Forward.
func TestDensityClamp(t *testing.T) {
	for _, viaForward := range []bool{false, true} {
		l := NewDensity(3, 2, 0.02)
		copy(l.Scale, []float64{1e-7, 0.2, -3, 1e-6, math.NaN(), 0.5})
		copy(l.Low, []float64{0.3, -0.1, 7})
		units := []int{0, 1, 2}
		if viaForward {
			l.Forward([]float64{0.5, 0.5}, units)
		} else {
			l.Clamp(units)
		}
		require.Equal(t, []float64{1e-6, 0.2, 1e-6, 1e-6}, l.Scale[:4])
		require.True(t, math.IsNaN(l.Scale[4]), "torch.clamp keeps NaN")
		require.Equal(t, 0.5, l.Scale[5])
		require.Equal(t, []float64{0, 0, 0}, l.Low)
	}
}

// TestDensityUnderflow checks that a density below the smallest float64 is
// exactly 0 with gradients of exactly 0 (torch: 0·finite).
func TestDensityUnderflow(t *testing.T) {
	l := NewDensity(1, 2, 0.02)
	copy(l.Mu, []float64{0, 0})
	copy(l.Scale, []float64{0.01, 0.01})
	l.Forward([]float64{0.9, 0.9}, []int{0})
	require.Equal(t, 0.0, l.Act[0])
	l.Backward([]float64{1e30}, []int{0})
	require.Equal(t, []float64{0, 0}, l.GMu)
	require.Equal(t, []float64{0, 0}, l.GScale)
	require.Equal(t, []float64{0}, l.GLow)
}

// TestDensityGradients checks Backward against central finite differences
// of the unit's own density, for the means, the scales and the lower part
// of the factor, near and far from the stimulus.
//
// The step is h = 1e-6·σ for every parameter of dimension j (σ_j: for a
// mean or a scale; σ_i for L_ij): σ is the length on which the density
// changes, so h/σ = 1e-6 puts the truncation error, of order
// (h·|w|/σ)² ≈ 1e-12·|w|² relative, and the round-off, of order
// ε/(1e-6·|w|) ≈ 1e-10/|w| relative, both far below 1e-6 for the
// |w| ≤ 30 of these cases. Far units are checked on their own density
// (not on a loss, where their share would drown), so the relative error
// is measured where it matters.
func TestDensityGradients(t *testing.T) {
	const tol = 1e-6
	for _, c := range densityCases {
		t.Run(c.name, func(t *testing.T) {
			d := len(c.x)
			p := d * (d - 1) / 2
			l, units := newCase(c)
			l.Forward(c.x, units)
			dAct := []float64{0, 1} // ∂f/∂act for f = act_1
			l.Backward(dAct, units)
			mu := append([]float64(nil), c.mu...)
			s := append([]float64(nil), c.s...)
			low := make([]float64, p)
			f := func() float64 { return refDensity(c.x, mu, s, low) }
			fd := func(v *float64, h float64) float64 {
				return fdcheck.CentralStored(f, v, h) // the step as stored, not as meant
			}
			// A zero gradient (a mean on the stimulus) must be matched by a
			// difference below the density's own scale times the tolerance.
			floor := l.Act[1] / minOf(s) * 1e-9
			var worst float64
			for j := 0; j < d; j++ {
				worst = max(worst, checkRel(t, fmt.Sprintf("∂/∂μ_%d", j), l.GMu[d+j], fd(&mu[j], 1e-6*s[j]), tol, floor))
				worst = max(worst, checkRel(t, fmt.Sprintf("∂/∂σ_%d", j), l.GScale[d+j], fd(&s[j], 1e-6*s[j]), tol, floor))
			}
			q := 0
			for i := 0; i < d; i++ {
				for j := 0; j < i; j++ {
					worst = max(worst, checkRel(t, fmt.Sprintf("∂/∂L_%d%d", i, j), l.GLow[p+q], fd(&low[q], 1e-6*s[i]), tol, floor))
					q++
				}
			}
			t.Logf("density %.3g: largest relative error %.2g", l.Act[1], worst)
		})
	}
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v[1:] {
		m = math.Min(m, x)
	}
	return m
}

// checkRel requires |got − want| ≤ tol·max(|got|, |want|), or both below
// floor, and returns the relative error (0 below the floor).
func checkRel(t *testing.T, what string, got, want, tol, floor float64) float64 {
	t.Helper()
	if math.Max(math.Abs(got), math.Abs(want)) <= floor {
		return 0
	}
	rel := fdcheck.RelErr(got, want, 0)
	require.LessOrEqual(t, rel, tol, "%s: backward %v, finite difference %v (relative error %.2g)", what, got, want, rel)
	return rel
}

// TestDensityUnrolled checks that the two-dimensional fast path gives
// the same bits as the general code, forward and backward, clamping
// included.
func TestDensityUnrolled(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 200
	a, b := NewDensity(n, 2, 0.02), NewDensity(n, 2, 0.02)
	for i := range a.Mu {
		a.Mu[i] = rng.Float64()
		a.Scale[i] = 0.3 * rng.Float64() * rng.Float64()
	}
	a.Scale[7], a.Scale[10] = 1e-8, -2 // below the floor
	for i := range a.Low {
		a.Low[i] = rng.Float64()
	}
	copy(b.Mu, a.Mu)
	copy(b.Scale, a.Scale)
	copy(b.Low, a.Low)
	units := []int{0, 1, 3, 4, 5, 8, 13, 21, 34, 55, 89, 144, 199}
	dAct := make([]float64, n)
	for i := range dAct {
		dAct[i] = rng.NormFloat64()
	}
	for step := 0; step < 3; step++ {
		x := []float64{rng.Float64(), rng.Float64()}
		a.Forward(x, units)
		b.forward(x, units, nil)
		a.Backward(dAct, units)
		b.backward(dAct, units, nil)
		require.Equal(t, b.Scale, a.Scale)
		require.Equal(t, b.Low, a.Low)
		require.Equal(t, b.W, a.W)
		require.Equal(t, b.Act, a.Act)
		require.Equal(t, b.GMu, a.GMu)
		require.Equal(t, b.GScale, a.GScale)
		require.Equal(t, b.GLow, a.GLow)
		for i := range a.Mu { // move a little, as a step would
			a.Mu[i] += 1e-3 * a.GMu[i]
			a.Scale[i] -= 1e-4 * a.GScale[i]
		}
		copy(b.Mu, a.Mu)
		copy(b.Scale, a.Scale)
	}
}

// TestDensityShared checks ForwardShared and BackwardShared against
// Forward and Backward, bit for bit, on units some of which are copies of
// others (scales below the floor and lower parts included), in two
// dimensions (unrolled) and in three.
func TestDensityShared(t *testing.T) {
	for _, d := range []int{2, 3} {
		rng := rand.New(rand.NewPCG(7, uint64(d)))
		n := 60
		a, b := NewDensity(n, d, 0.02), NewDensity(n, d, 0.02)
		p := d * (d - 1) / 2
		rep := make([]int, n)
		for k := range rep {
			rep[k] = k
			if k%3 != 0 && k > 10 {
				rep[k] = rep[k-1-rng.IntN(9)] // a group of units not all consecutive
			}
		}
		for k := range n {
			r := rep[k]
			for j := range d {
				if r == k {
					a.Mu[k*d+j] = rng.Float64()
					a.Scale[k*d+j] = 0.3 * rng.Float64() * rng.Float64()
				} else {
					a.Mu[k*d+j], a.Scale[k*d+j] = a.Mu[r*d+j], a.Scale[r*d+j]
				}
			}
			for j := range p {
				if r == k {
					a.Low[k*p+j] = rng.Float64()
				} else {
					a.Low[k*p+j] = a.Low[r*p+j]
				}
			}
		}
		a.Scale[12*d] = -2 // below the floor, with copies
		for k := range n {
			if rep[k] == 12 {
				a.Scale[k*d] = -2
			}
		}
		copy(b.Mu, a.Mu)
		copy(b.Scale, a.Scale)
		copy(b.Low, a.Low)
		copied := make([]bool, n)
		for k, r := range rep {
			copied[r] = copied[r] || r != k
		}
		var units []int // some units left out, none with copies
		for k := range n {
			if k%7 != 5 || copied[k] || rep[k] != k {
				units = append(units, k)
			}
		}
		for _, k := range units {
			require.Contains(t, units, rep[k])
		}
		dAct := make([]float64, n)
		for step := 0; step < 3; step++ {
			for k := range dAct {
				if rep[k] == k {
					dAct[k] = rng.NormFloat64()
				} else {
					dAct[k] = dAct[rep[k]]
				}
			}
			x := make([]float64, d)
			for j := range x {
				x[j] = rng.Float64()
			}
			a.Forward(x, units)
			b.ForwardShared(x, units, rep)
			a.Backward(dAct, units)
			b.BackwardShared(dAct, units, rep)
			require.Equal(t, a.Scale, b.Scale, "D=%d", d)
			require.Equal(t, a.Low, b.Low, "D=%d", d)
			require.Equal(t, a.W, b.W, "D=%d", d)
			require.Equal(t, a.Act, b.Act, "D=%d", d)
			require.Equal(t, a.GMu, b.GMu, "D=%d", d)
			require.Equal(t, a.GScale, b.GScale, "D=%d", d)
			require.Equal(t, a.GLow, b.GLow, "D=%d", d)
			for i := range a.Mu {
				a.Mu[i] += 1e-3 * a.GMu[i]
				a.Scale[i] -= 1e-4 * a.GScale[i]
			}
			copy(b.Mu, a.Mu)
			copy(b.Scale, a.Scale)
		}
	}
}
