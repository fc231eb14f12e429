package layers_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/alcove/layers"
	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// tol is the largest relative error allowed between a hand-written
// derivative and its finite-difference estimate (the project's rule).
const tol = 1e-6

// TestHiddenForward checks the hidden activations against values worked
// out by hand: exp(−c·(Σ_i α_i|h_i − x_i|^r)^(q/r)), a missing (NaN)
// dimension left out.
func TestHiddenForward(t *testing.T) {
	nodes := []float64{0, 0, 1, 1, 0, 1} // (0,0), (1,1), (0,1)
	cases := []struct {
		name    string
		r, q, c float64
		x       []float64
		want    []float64
	}{
		{"city block", 1, 1, 2, []float64{0, 1}, []float64{math.Exp(-2 * 0.5), math.Exp(-2 * 0.3), 1}},
		{"Euclidean", 2, 1, 2, []float64{0, 1}, []float64{math.Exp(-2 * math.Sqrt(0.5)), math.Exp(-2 * math.Sqrt(0.3)), 1}},
		{"Gaussian", 2, 2, 2, []float64{0, 1}, []float64{math.Exp(-2 * 0.5), math.Exp(-2 * 0.3), 1}},
		{"missing dimension", 1, 1, 2, []float64{math.NaN(), 1}, []float64{math.Exp(-2 * 0.5), 1, 1}},
	}
	alpha := []float64{0.3, 0.5}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := layers.NewHidden(nodes, 3, 2, c.c, c.r, c.q)
			got := l.Forward(c.x, alpha)
			for j := range c.want {
				require.InDelta(t, c.want[j], got[j], 1e-15, "node %d", j)
			}
		})
	}
}

// TestHiddenGradient: the attention derivative of the hidden layer
// against finite differences of f(α) = Σ_j g_j·a_j(α) for random nodes,
// stimuli, attention and g: the exact rule for several metrics and
// gradients, and Kruschke's rule where it is exact (r = q = 1).
func TestHiddenGradient(t *testing.T) {
	cases := []struct {
		r, q    float64
		rule    layers.AttentionRule
		missing bool
	}{
		{1, 1, layers.Kruschke, false},
		{1, 1, layers.Kruschke, true},
		{1, 1, layers.Gradient, false},
		{2, 1, layers.Gradient, false},
		{2, 2, layers.Gradient, false},
		{1, 2, layers.Gradient, false},
		{3, 1.5, layers.Gradient, false},
		{2, 1, layers.Gradient, true},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var worst float64
	for _, c := range cases {
		name := fmt.Sprintf("r=%v q=%v rule=%d missing=%v", c.r, c.q, c.rule, c.missing)
		t.Run(name, func(t *testing.T) {
			for rep := 0; rep < 5; rep++ {
				H, D := 1+rng.IntN(12), 1+rng.IntN(5)
				if c.missing && D < 2 {
					D = 2
				}
				nodes := fixture.Uniform(rng, H*D, -1, 1)
				x := fixture.Uniform(rng, D, -1, 1)
				if c.missing {
					x[rng.IntN(D)] = math.NaN()
				}
				alpha := fixture.Uniform(rng, D, 0.05, 1)
				g := fixture.Uniform(rng, H, -1, 1)
				cspec := 0.5 + 4*rng.Float64()
				l := layers.NewHidden(nodes, H, D, cspec, c.r, c.q)
				l.Forward(x, alpha)
				galpha := make([]float64, D)
				l.Backward(g, galpha, c.rule)
				for i, v := range x {
					if math.IsNaN(v) {
						require.Zero(t, galpha[i], "a missing dimension has no attention derivative")
					}
				}
				f := func() float64 {
					a := l.Forward(x, alpha)
					var s float64
					for j := range a {
						s += g[j] * a[j]
					}
					return s
				}
				w, err := fdcheck.Check("alpha", f, alpha, galpha, tol)
				require.NoError(t, err, "H=%d D=%d c=%v", H, D, cspec)
				worst = math.Max(worst, w)
			}
		})
	}
	t.Logf("max relative error %.2g", worst)
}

// TestKruschkeRuleOffGradient documents catlearn's quirk: its attention
// rule is the derivative for r = q = 1, used for any r and q; with the
// Euclidean metric (catlearn's shin92 test) it is not the gradient of the
// error. The exact rule is; the two differ by far more than round-off.
func TestKruschkeRuleOffGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	H, D := 6, 3
	nodes := fixture.Uniform(rng, H*D, -1, 1)
	x := fixture.Uniform(rng, D, -1, 1)
	alpha := fixture.Uniform(rng, D, 0.1, 1)
	g := fixture.Uniform(rng, H, -1, 1)
	l := layers.NewHidden(nodes, H, D, 2, 2, 1)
	l.Forward(x, alpha)
	kr, ex := make([]float64, D), make([]float64, D)
	l.Backward(g, kr, layers.Kruschke)
	l.Backward(g, ex, layers.Gradient)
	for i := range kr {
		require.Greater(t, fdcheck.Default.RelErr(kr[i], ex[i]), 1e-3, "dimension %d", i)
	}
}

// TestHiddenZeroDistance: with r = 2 the exact derivative does not exist
// where a node sits on the stimulus (s = 0); the layer gives 0 there
// rather than 0·∞.
func TestHiddenZeroDistance(t *testing.T) {
	l := layers.NewHidden([]float64{0.5, 0.5, 0, 1}, 2, 2, 1, 2, 1)
	l.Forward([]float64{0.5, 0.5}, []float64{0.5, 0.5})
	ga := make([]float64, 2)
	l.Backward([]float64{1, 1}, ga, layers.Gradient)
	for _, v := range ga {
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
	}
}

// TestAssociationGradient: the output layer's derivatives with respect to
// the weights and the hidden activations against finite differences of
// f = Σ_k g_k·a_k, and the scaled weight change bit for bit.
func TestAssociationGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for rep := 0; rep < 10; rep++ {
		C, H := 2+rng.IntN(3), 1+rng.IntN(10)
		w := fixture.Uniform(rng, C*H, -1, 1)
		act := fixture.Uniform(rng, H, 0, 1)
		g := fixture.Uniform(rng, C, -1, 1)
		l := layers.NewAssociation(C, H)
		dw, gact := make([]float64, C*H), make([]float64, H)
		l.Backward(g, act, w, 1, dw, gact)
		f := func() float64 {
			out := l.Forward(w, act)
			var s float64
			for k := range out {
				s += g[k] * out[k]
			}
			return s
		}
		_, err := fdcheck.Check("w", f, w, dw, tol)
		require.NoError(t, err)
		_, err = fdcheck.Check("act", f, act, gact, tol)
		require.NoError(t, err)
		scaled := make([]float64, C*H)
		l.Backward(g, act, w, -0.3, scaled, gact)
		for k := 0; k < C; k++ {
			for j := 0; j < H; j++ {
				require.Equal(t, (-0.3*g[k])*act[j], scaled[k*H+j])
			}
		}
	}
}

// TestTeacher: the strict and humble teachers, table-driven.
func TestTeacher(t *testing.T) {
	cases := []struct {
		name   string
		out    []float64
		label  int
		absval float64
		humble bool
		want   []float64
	}{
		{"strict", []float64{1.5, -2}, 0, -1, false, []float64{1, -1}},
		{"humble, overshooting both", []float64{1.5, -2}, 0, -1, true, []float64{1.5, -2}},
		{"humble, short of both", []float64{0.2, 0.3}, 0, -1, true, []float64{1, -1}},
		{"humble, label 1", []float64{0.2, 1.3}, 1, -1, true, []float64{-1, 1.3}},
		{"humble, absval 0", []float64{-0.5, 0.4}, 1, 0, true, []float64{-0.5, 1}},
		{"humble, absval 0, positive absent", []float64{0.5, 0.4}, 1, 0, true, []float64{0, 1}},
		{"three categories", []float64{0.5, -3, 2}, 2, -1, true, []float64{-1, -3, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := make([]float64, len(c.out))
			layers.Teacher(c.out, c.label, c.absval, c.humble, got)
			require.Equal(t, c.want, got)
		})
	}
}

// TestErrorGradient: the teacher's error E(a) = ½Σ(t(a) − a)² with the
// teacher recomputed at every evaluation (so the humble teacher's own
// dependence on a is differentiated too) against its derivative −(t − a).
func TestErrorGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, humble := range []bool{false, true} {
		for _, absval := range []float64{-1, 0} {
			for rep := 0; rep < 20; rep++ {
				C := 2 + rng.IntN(3)
				out := fixture.Uniform(rng, C, -2.5, 2.5)
				label := rng.IntN(C)
				for k := range out { // keep clear of the humble teacher's kinks
					for math.Abs(out[k]-1) < 0.01 || math.Abs(out[k]-absval) < 0.01 {
						out[k] += 0.05
					}
				}
				tt, g, scratch := make([]float64, C), make([]float64, C), make([]float64, C)
				layers.Teacher(out, label, absval, humble, tt)
				layers.Error(out, tt, g)
				f := func() float64 {
					layers.Teacher(out, label, absval, humble, tt)
					return layers.Error(out, tt, scratch)
				}
				_, err := fdcheck.Check("out", f, out, g, tol)
				require.NoError(t, err, "humble %v absval %v", humble, absval)
			}
		}
	}
}

// TestDecision: the two decision rules on worked values; the ER logits'
// softmax is P, the BN logits are log P and the BN rule clips the outputs
// in place (catlearn's quirk).
func TestDecision(t *testing.T) {
	p, z := make([]float64, 2), make([]float64, 2)
	out := []float64{0.5, -0.25}
	layers.ExpRatio(out, 2, p, z)
	require.Equal(t, []float64{1, -0.5}, z)
	e1, e2 := math.Exp(1), math.Exp(-0.5)
	require.InDelta(t, e1/(e1+e2), p[0], 2e-16)
	require.InDelta(t, 1, p[0]+p[1], 2e-16)
	require.Equal(t, []float64{0.5, -0.25}, out, "ER leaves the outputs alone")

	layers.BackgroundNoise(out, 0.1, p, z)
	require.Equal(t, []float64{0.5, 0}, out, "BN clips negative outputs in place")
	require.InDelta(t, 0.6/0.7, p[0], 2e-16)
	require.InDelta(t, 0.1/0.7, p[1], 2e-16)
	require.InDelta(t, math.Log(p[0]), z[0], 0)
	require.InDelta(t, math.Log(p[1]), z[1], 0)
}
