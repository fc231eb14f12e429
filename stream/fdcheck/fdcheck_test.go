package fdcheck

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMethods: every method recovers the derivatives of smooth functions
// to its documented accuracy and restores the parameter.
func TestMethods(t *testing.T) {
	methods := []struct {
		name string
		m    Method
		tol  float64
	}{
		{"Central 1e-5", func(f func() float64, p *float64) float64 { return Central(f, p, 1e-5) }, 1e-8},
		{"CentralStored 1e-5", func(f func() float64, p *float64) float64 { return CentralStored(f, p, 1e-5) }, 1e-8},
		{"Balanced", Balanced, 1e-9},
		{"FivePoint 1e-2", FivePoint(1e-2), 1e-10},
		{"Ridders Step", Ridders(Step), 1e-11},
		{"Ridders 1e-2", Ridders(1e-2), 1e-11},
	}
	funcs := []struct {
		name string
		f    func(x float64) float64
		df   func(x float64) float64
	}{
		{"exp", math.Exp, math.Exp},
		{"sin", math.Sin, math.Cos},
		{"cube", func(x float64) float64 { return x * x * x }, func(x float64) float64 { return 3 * x * x }},
		{"exp(-8x²)", func(x float64) float64 { return math.Exp(-8 * x * x) }, func(x float64) float64 { return -16 * x * math.Exp(-8*x*x) }},
	}
	for _, m := range methods {
		for _, fn := range funcs {
			for _, x := range []float64{-1.3, -0.2, 0, 0.45, 2} {
				theta := x
				got := m.m(func() float64 { return fn.f(theta) }, &theta)
				require.Equal(t, x, theta, "%s %s: θ restored", m.name, fn.name)
				require.LessOrEqual(t, RelErr(fn.df(x), got, 1), m.tol, "%s of %s at %v: %v, want %v", m.name, fn.name, x, got, fn.df(x))
			}
		}
	}
}

// TestCentralStored: the stored step differs from 2h where θ ± h rounds,
// and the difference then is exact for the identity.
func TestCentralStored(t *testing.T) {
	theta := 1e6
	const h = 1e-7 // θ ± h rounds to a multiple of ulp(1e6) ≈ 1.2e-10
	f := func() float64 { return theta }
	require.Equal(t, 1.0, CentralStored(f, &theta, h))
	require.NotEqual(t, 1.0, Central(f, &theta, h))
	require.Equal(t, 1e6, theta)
}

func TestBalancedStep(t *testing.T) {
	require.InDelta(t, 6.055e-6, BalancedStep(0.5), 1e-9)
	require.Equal(t, BalancedStep(0.5), BalancedStep(-1))
	require.Equal(t, 4*BalancedStep(1), BalancedStep(-4))
}

func TestRelErr(t *testing.T) {
	require.Equal(t, 0.5, RelErr(1, 2, 1e-6))
	require.Equal(t, 0.5, RelErr(-2, -1, 1e-6))
	require.InDelta(t, 1e-7/1e-6, RelErr(0, 1e-7, 1e-6), 1e-15, "below the floor: absolute over the floor")
	require.Zero(t, RelErr(0, 0, 0), "two zeros agree, whatever the floor")
	require.Zero(t, RelErr(3, 3, 0))
	require.True(t, math.IsNaN(RelErr(math.NaN(), 1, 1e-6)))
}

// TestCheck: Check and Worst name the component that disagrees, count a
// NaN as the worst, and leave the parameters as they were.
func TestCheck(t *testing.T) {
	p := []float64{0.3, -1.2, 2}
	f := func() float64 { return p[0]*p[0] + math.Sin(p[1]) + math.Exp(p[2]) }
	good := []float64{0.6, math.Cos(-1.2), math.Exp(2)}
	worst, err := Check("p", f, p, good, 1e-6)
	require.NoError(t, err)
	require.Less(t, worst, 1e-10)
	require.Equal(t, []float64{0.3, -1.2, 2}, p)

	bad := []float64{0.6, math.Cos(-1.2) * (1 + 1e-4), math.Exp(2) * (1 + 1e-3)}
	worst, err = Check("p", f, p, bad, 1e-6)
	require.ErrorContains(t, err, "p[1]: analytic")
	require.InDelta(t, 1e-3, worst, 1e-6)
	w, at := Default.Worst(f, p, bad)
	require.Equal(t, worst, w)
	require.Equal(t, 2, at)

	nan := []float64{0.6, math.NaN(), math.Exp(2)}
	worst, err = Check("p", f, p, nan, 1e-6)
	require.ErrorContains(t, err, "p[1]")
	require.True(t, math.IsInf(worst, 1))
	w, at = Checker{Method: Balanced, Floor: 1e-4}.Worst(f, p, nan)
	require.True(t, math.IsInf(w, 1))
	require.Equal(t, 1, at)

	w, at = Default.Worst(f, nil, nil)
	require.Zero(t, w)
	require.Equal(t, -1, at)
}
