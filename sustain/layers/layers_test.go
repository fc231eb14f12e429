package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fdcheck"
	"github.com/stretchr/testify/require"
)

// gradCheck compares gradients with the five-point central difference
// D(h) = (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h, extrapolated once:
// (16·D(h/2) − D(h)) / 15, with h = 1e-2.
//
// How the step was chosen: the values checked here are of order 1 (tunings
// 0.5–5, positions, weights and outputs in [−1, 1]), so h is absolute. The
// five-point difference has a truncation error h⁴/30·|f⁽⁵⁾|, which the
// extrapolation cancels, leaving O(h⁶·|f⁽⁷⁾|) ≈ 1e-12·(λ_max μ_max)⁷/… ≈
// 1e-13 for the receptive field (the only non-polynomial objective); the
// rounding error is about ε·|f|·(18/12)/h ≈ 3e-13 for |f| ≤ 20 (four
// dimensions). Both stay below the 1e-12 absolute error allowed where a
// gradient is exactly 0 (the floor); measured worst: 1.8e-7 relative, i.e.
// 1.8e-13 absolute at the peak of a receptive field. A single step does
// worse: h = 1e-3·max(1, |θ|) without extrapolation reached 8e-7.
//
// The floor, the smallest denominator of a relative error, holds
// gradients that are exactly 0 (λμ = 1 for the tuning, a cluster on the
// stimulus) to an absolute error of 1e-12.
var gradCheck = fdcheck.Checker{Method: fdcheck.FivePoint(1e-2), Floor: 1e-6}

// gradTol is the developer guide's bound on the relative error of a
// hand-written gradient against finite differences.
const gradTol = 1e-6

// check compares grad with finite differences of f over params and
// returns the largest relative error.
func check(t *testing.T, name string, f func() float64, params, grad []float64) float64 {
	t.Helper()
	worst, err := gradCheck.Check(name, f, params, grad, gradTol)
	require.NoError(t, err)
	return worst
}

// stepTol bounds |Δθ − η·g| for a rule's step Δθ: the step is recovered as
// θ_new − θ from values of magnitude ≤ 5 (tunings) or ≤ 1, so rounding
// leaves up to two ulps of 5 (1.8e-15).
const stepTol = 2e-15

// TestLearningRulesAreGradientSteps checks each rule's objective gradient
// against finite differences, then the rule's step against η times that
// gradient, on random states of the ranges SUSTAIN visits (tunings 0.5–5,
// distances 0–1, weights and outputs −1–1, teachers from Eq. 9).
func TestLearningRulesAreGradientSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const eta = 0.092327
	var worst [3]float64
	for trial := 0; trial < 200; trial++ {
		D, C := 1+rng.IntN(4), 2+rng.IntN(3)

		// Eq. 13: tuning climbs the receptive fields λe^(−λμ).
		lambda, mu, g := make([]float64, D), make([]float64, D), make([]float64, D)
		for i := range lambda {
			lambda[i] = 0.5 + 4.5*rng.Float64()
			switch rng.IntN(4) {
			case 0:
				mu[i] = 0 // the winner on the stimulus: λ += η
			case 1:
				mu[i] = 1 / lambda[i] // the field's peak: no change
			default:
				mu[i] = rng.Float64()
			}
		}
		ReceptiveFieldGrad(g, lambda, mu)
		worst[0] = math.Max(worst[0], check(t, "∂α/∂λ", func() float64 { return ReceptiveField(lambda, mu) }, lambda, g))
		ml := make([]float64, D)
		for i := range ml {
			ml[i] = mu[i] * -lambda[i]
		}
		next := append([]float64(nil), lambda...)
		Tune(next, ml, eta)
		for i := range next {
			require.InDelta(t, eta*g[i], next[i]-lambda[i], stepTol, "Tune: Δλ = η ∂α/∂λ")
		}

		// Eq. 12: the move descends ½‖x − p‖².
		U := 2 * D
		p, in, gp := make([]float64, U), make([]float64, U), make([]float64, U)
		for u := range p {
			p[u], in[u] = rng.Float64(), float64(rng.IntN(2))
		}
		MoveGrad(gp, p, in)
		worst[1] = math.Max(worst[1], check(t, "∂E/∂p", func() float64 { return MoveError(p, in) }, p, gp))
		moved := append([]float64(nil), p...)
		Move(moved, in, eta)
		for u := range p {
			require.InDelta(t, -eta*gp[u], moved[u]-p[u], stepTol, "Move: Δp = −η ∂E/∂p")
		}

		// Eq. 14: the delta rule descends ½Σ(t − w·h)², the teacher fixed.
		w, y, c, tch, gw := make([]float64, C), make([]float64, C), make([]float64, C), make([]float64, C), make([]float64, C)
		h := rng.Float64()
		y[rng.IntN(C)] = 1
		for k := range w {
			w[k] = 2*rng.Float64() - 1
			c[k] = w[k] * h
		}
		Humble(tch, c, y)
		DeltaGrad(gw, w, tch, h)
		worst[2] = math.Max(worst[2], check(t, "∂E/∂w", func() float64 { return DeltaError(w, tch, h) }, w, gw))
		learnt := append([]float64(nil), w...)
		Delta(learnt, tch, c, h, eta)
		for k := range w {
			require.InDelta(t, -eta*gw[k], learnt[k]-w[k], stepTol, "Delta: Δw = −η ∂E/∂w")
		}
	}
	t.Logf("max relative error: tuning %.2g, move %.2g, delta rule %.2g", worst[0], worst[1], worst[2])
}

func TestCode(t *testing.T) {
	dst := make([]float64, 8)
	Code(dst, []float64{0, 1, 0.25}, []float64{0, 1})
	require.Equal(t, []float64{0, 1, 1, 0, 0.25, 0.75, 0, 1}, dst)
}

func TestDistance(t *testing.T) {
	mu := make([]float64, 3)
	in := []float64{1, 0, 0, 1, 1, 0, 1, 0}
	pos := []float64{1, 0, 1, 0, 0.5, 0.5, 0, 1} // the label units are not read
	Distance(mu, in, pos)
	require.Equal(t, []float64{0, 1, 0.5}, mu)
}

func TestActivation(t *testing.T) {
	a := NewActivation(2)
	lambda := []float64{1, 3}
	a.Tune(lambda, 2)
	ml := make([]float64, 2)
	h := a.Forward(ml, []float64{0.5, 0}, lambda)
	require.InDelta(t, (math.Exp(-0.5)+9)/10, h, 1e-16)
	require.Equal(t, []float64{-0.5, 0}, ml) // −λμ, −0 included
	require.Equal(t, 1.0, a.Forward(ml, []float64{0, 0}, lambda), "a cluster on the stimulus: H = 1 exactly")
}

func TestCompetition(t *testing.T) {
	act := []float64{1, 0.5, 0.25}
	out, ab := make([]float64, 3), make([]float64, 3)
	rec := Competition(out, ab, act, 1)
	want := []float64{1.0 / 1.75, 0.25 / 1.75, 0.0625 / 1.75}
	var sum float64
	for j := range want {
		require.InDelta(t, want[j], out[j], 2e-16) // a few ulps
		sum += want[j]
	}
	require.InDelta(t, sum, rec, 2e-16)
}

func TestMax(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		v     []float64
		first int
		tied  []int
	}{
		{[]float64{0.2, 0.9, 0.9, 0.1}, 1, []int{1, 2}},
		{[]float64{nan, 0.3, 0.3}, 1, []int{1, 2}},
		{[]float64{0.5}, 0, []int{0}},
		{[]float64{nan, nan}, 0, nil},
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range cases {
		require.Equal(t, c.first, FirstMax(c.v), "FirstMax(%v)", c.v)
		if c.tied == nil {
			continue
		}
		seen := map[int]int{}
		for range 400 {
			seen[RandomMax(c.v, rng)]++
		}
		require.Len(t, seen, len(c.tied), "RandomMax(%v) = %v", c.v, seen)
		for _, j := range c.tied {
			require.Greater(t, seen[j], 400/len(c.tied)/2, "RandomMax(%v) draws %d too rarely: %v", c.v, j, seen)
		}
	}
}

func TestDecision(t *testing.T) {
	p, z := make([]float64, 2), make([]float64, 2)
	Decision(p, z, []float64{0.5, 0}, 2)
	require.Equal(t, []float64{1, 0}, z)
	require.InDelta(t, math.E/(math.E+1), p[0], 1e-16)
	require.InDelta(t, 1/(math.E+1), p[1], 1e-16)
	Decision(p, z, []float64{0, 0}, 16.9)
	require.Equal(t, []float64{0.5, 0.5}, p)
}

func TestHumble(t *testing.T) {
	tch := make([]float64, 4)
	Humble(tch, []float64{1.5, 0.4, -0.2, 0.7}, []float64{1, 1, 0, 0})
	require.Equal(t, []float64{1.5, 1, -0.2, 0}, tch)
	Humble(tch, []float64{0.3, 0.3, 0.3, 0.3}, []float64{0.5, 1, 0, -1})
	require.Equal(t, []float64{0.5, 1, 0, -1}, tch, "values other than 0 and 1 are kept, as catlearn")
}
