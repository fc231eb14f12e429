package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
)

const gradTol = 1e-6 // relative error allowed between analytic and numeric derivatives

// gradCheck compares gradients with central differences at the balanced
// step h = ε^(1/3)·max(1, |θ|) ≈ 6e-6·max(1, |θ|): the truncation error of
// a central difference grows as h² and its round-off as ε/h, and this h
// balances the two, leaving a relative error near ε^(2/3) ≈ 4e-11 for
// these smooth functions — far inside the 1e-6 the checks demand. Where
// both derivatives are below 1e-12 the error is measured against 1e-12.
var gradCheck = fdcheck.Checker{Method: fdcheck.Balanced, Floor: 1e-12}

// localObjective is what the attention rule climbs: Σ_{k∈W} act_k −
// Σ_{k∈L} act_k over units u (rows of D values), sign[k] = +1 for
// winners, −1 for the other active units.
func localObjective(f Activation, x, a []float64, u [][]float64, sign []float64) float64 {
	d := make([]float64, len(x))
	var sum float64
	for k, uk := range u {
		sum += sign[k] * f.Act(f.Dist(x, uk, a, d))
	}
	return sum
}

// localGrad is the derivative the model uses: Σ_k sign_k·DAct_k·d_kj.
func localGrad(f Activation, x, a []float64, u [][]float64, sign []float64) []float64 {
	d := make([]float64, len(x))
	g := make([]float64, len(a))
	for k, uk := range u {
		s := f.Dist(x, uk, a, d)
		da := f.DAct(f.Act(s), s)
		for j := range g {
			g[j] += sign[k] * da * d[j]
		}
	}
	return g
}

// TestActivationAttentionGradient checks ∂act/∂a_j = DAct·d_j, and the
// attention rule's derivative of Σ_W act − Σ_L act, against finite
// differences for r = 1 and r = 2 and several specificities.
func TestActivationAttentionGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		name string
		c, r float64
		dims int
	}{
		{"cityblock c0.2", 0.2, 1, 3},
		{"cityblock c2", 2, 1, 3},
		{"euclid c0.2", 0.2, 2, 3},
		{"euclid c1.5 2d", 1.5, 2, 2},
		{"r3 c1", 1, 3, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Activation{C: tc.c, R: tc.r}
			for trial := 0; trial < 20; trial++ {
				x := randVec(rng, tc.dims)
				a := randVec(rng, tc.dims)
				n := 1 + rng.IntN(12)
				u := make([][]float64, n)
				sign := make([]float64, n)
				for k := range u {
					u[k] = randVec(rng, tc.dims)
					sign[k] = 1
					if rng.IntN(3) == 0 {
						sign[k] = -1
					}
				}
				g := localGrad(f, x, a, u, sign)
				_, err := gradCheck.Check("a", func() float64 { return localObjective(f, x, a, u, sign) }, a, g, gradTol)
				require.NoError(t, err)
			}
		})
	}
}

// TestActivationOnTheStimulus defines the r = 2 case the original breaks:
// a unit sitting on the stimulus (S = 0). The default derivative there is
// 0, the limit of the derivative as the unit approaches the stimulus
// (checked numerically); LiteralZero gives the original's −∞, which makes
// the attention step NaN (0·∞), as in the original.
func TestActivationOnTheStimulus(t *testing.T) {
	x := []float64{0, 1, 1}
	a := []float64{0.2, 0.3, 0.5}
	d := make([]float64, 3)
	for _, r := range []float64{1, 2} {
		f := Activation{C: 0.2, R: r}
		s := f.Dist(x, x, a, d)
		require.Zero(t, s)
		act := f.Act(s)
		require.Equal(t, 0.2, act, "a unit on the stimulus has activation c")
		da := f.DAct(act, s)
		if r == 1 {
			require.InDelta(t, -0.04, da, 1e-17, "r = 1: ∂act/∂S = −c·act everywhere")
		} else {
			require.Zero(t, da)
		}
		// The analytic derivative near the stimulus tends to the value at it.
		for _, eps := range []float64{1e-3, 1e-5, 1e-7} {
			u := []float64{eps, 1 - eps, 1}
			sn := f.Dist(x, u, a, d)
			dn := f.DAct(f.Act(sn), sn)
			for j := range d {
				lim := da * 0 // d_j = 0 on the stimulus
				require.InDelta(t, lim, dn*d[j], 3*eps, "r %v eps %v dim %d", r, eps, j)
			}
		}
	}
	lit := Activation{C: 0.2, R: 2, LiteralZero: true}
	da := lit.DAct(lit.Act(0), 0)
	require.True(t, math.IsInf(da, -1), "literal r = 2 derivative at S = 0: %v", da)
	require.True(t, math.IsNaN(da*0), "the original's attention gradient there is 0·∞ = NaN")
}

// TestActivationValues checks the forward values against hand-computed
// ones (table-driven).
func TestActivationValues(t *testing.T) {
	tests := []struct {
		name    string
		c, r    float64
		x, u, a []float64
		want    float64
	}{
		{"on the stimulus", 0.2, 1, []float64{1, 0, 1}, []float64{1, 0, 1}, []float64{1. / 3, 1. / 3, 1. / 3}, 0.2},
		{"city-block one dim", 0.2, 1, []float64{1, 0, 1}, []float64{0, 0, 1}, []float64{0.5, 0.25, 0.25}, 0.2 * math.Exp(-0.2*0.5)},
		{"city-block all dims", 1, 1, []float64{0, 0}, []float64{0.5, 0.25}, []float64{0.5, 0.5}, math.Exp(-0.375)},
		{"euclid", 2, 2, []float64{0, 0}, []float64{0.6, 0.8}, []float64{1, 1}, 2 * math.Exp(-2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Activation{C: tc.c, R: tc.r}
			d := make([]float64, len(tc.x))
			require.InDelta(t, tc.want, f.Act(f.Dist(tc.x, tc.u, tc.a, d)), 1e-15)
		})
	}
}

// TestActExp checks that the split form the recruitment scan uses,
// ActExp(Exponent(S)), is bit for bit Act(S).
func TestActExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, r := range []float64{1, 2, 3, 1.5} {
		f := Activation{C: 0.2 + rng.Float64(), R: r}
		for i := 0; i < 1000; i++ {
			s := 3 * rng.Float64()
			require.Equal(t, math.Float64bits(f.Act(s)), math.Float64bits(f.ActExp(f.Exponent(s))), "r %v S %v", r, s)
		}
	}
}

// TestAssocGradient checks ∂L/∂A = act_k·Phi·∂L/∂z_c (winners only)
// against finite differences of the cross-entropy and BCE losses of the
// layer's logits.
func TestAssocGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, nc = 12, 2
	for _, lf := range []loss.Func{loss.CrossEntropy{}, loss.BCELogits{}} {
		t.Run(lf.Name(), func(t *testing.T) {
			l := Assoc{Phi: 7, Classes: nc}
			for trial := 0; trial < 20; trial++ {
				win := []int32{1, 4, 5, 9}
				act := randVec(rng, len(win))
				w := make([]float64, n*nc)
				for i := range w {
					w[i] = rng.NormFloat64() * 0.1
				}
				y := []float64{0, 1}
				if trial%2 == 0 {
					y = []float64{1, 0}
				}
				z := make([]float64, nc)
				dz := make([]float64, nc)
				l.Logits(win, act, w, z)
				lf.Eval(z, y, dz)
				g := make([]float64, n*nc)
				l.Grad(win, act, dz, g)
				lossAt := func() float64 {
					l.Logits(win, act, w, z)
					return lf.Eval(z, y, nil)
				}
				_, err := gradCheck.Check("w", lossAt, w, g, gradTol)
				require.NoError(t, err)
				// Step is the SGD step on that gradient.
				w2 := append([]float64(nil), w...)
				l.Step(win, act, w2, dz, 0.01)
				for i := range w {
					require.InDelta(t, w[i]-0.01*g[i], w2[i], 1e-17)
				}
			}
		})
	}
}

// TestAssocLogits checks the logits against a direct sum.
func TestAssocLogits(t *testing.T) {
	l := Assoc{Phi: 2, Classes: 2}
	act := []float64{0.5, 0.2} // of units 0 and 2
	w := []float64{1, 0, 3, -1, 0.5, 0.5}
	z := make([]float64, 2)
	l.Logits([]int32{0, 2}, act, w, z)
	require.InDeltaSlice(t, []float64{2 * (0.5 + 0.1), 2 * (0 + 0.1)}, z, 1e-15)
	l.Logits(nil, act, w, z)
	require.Equal(t, []float64{0, 0}, z, "no winners: all logits 0")
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 0.05 + 0.9*rng.Float64()
	}
	return v
}
