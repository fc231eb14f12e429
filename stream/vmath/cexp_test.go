package vmath_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/vmath"
)

// The C library's exp at inputs where it rounds differently from math.Exp
// (and from a correctly rounded exp): CExp must give these bits.
var cExpGolden = [][2]float64{
	{-5.073319033298631, 0.006261603144419861},
	{27.604186547895353, 9.735222799090144e+11},
	{-33.03018815459134, 4.520344647206815e-15},
	{-39.85891352170703, 4.892082843594805e-18},
	{36.06814455993657, 4.615259818296421e+15},
	{30.161017096524716, 1.2553455679158967e+13},
	{13.122292430811413, 499964.5279618671},
	{32.35828139030235, 1.1298558840882333e+14},
	{704.5132473403592, 9.251576571611039e+305},
	{706.2181351784852, 5.089078242452584e+306},
	{-709.0543582096477, 1.1524042734414554e-308},
	{-708.7512456122479, 1.560432505448872e-308},
}

func TestCExpGolden(t *testing.T) {
	for _, c := range cExpGolden {
		if got := vmath.CExp(c[0]); got != c[1] {
			t.Errorf("CExp(%v) = %v, want the C library's %v", c[0], got, c[1])
		}
	}
}

// TestCExpAccuracy checks CExp against e^x over the range of normal
// results: the C library's exp is within 0.52 ulp.
func TestCExpAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 3000
	}
	worst := 0.0
	for i := range n {
		x := 1415*rng.Float64() - 708
		if i%2 == 0 {
			x = 80*rng.Float64() - 40
		}
		if e := fixture.ExpULPs(vmath.CExp(x), x); e > worst {
			worst = e
			if e > 0.52 {
				t.Fatalf("CExp(%v) = %v: %.3f ulp from e^x", x, vmath.CExp(x), e)
			}
		}
	}
	t.Logf("largest error %.3f ulp", worst)
}

func TestCExpSpecial(t *testing.T) {
	for _, c := range [][2]float64{
		{0, 1}, {math.Copysign(0, -1), 1}, {1e-300, 1}, {math.Inf(-1), 0}, {-746, 0}, {-1e300, 0},
		{710, math.Inf(1)}, {1e300, math.Inf(1)}, {math.Inf(1), math.Inf(1)}, {-745.1, 5e-324}, {1, math.E},
	} {
		if got := vmath.CExp(c[0]); got != c[1] {
			t.Errorf("CExp(%v) = %v, want %v", c[0], got, c[1])
		}
	}
	if !math.IsNaN(vmath.CExp(math.NaN())) {
		t.Error("CExp(NaN) is not NaN")
	}
}
