package extended

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// reference sums xs as a long double with math/big: a 64-bit significand
// rounded to nearest even after every addition, then to float64.
func reference(xs []float64) float64 {
	s := new(big.Float).SetPrec(64).SetMode(big.ToNearestEven)
	for _, x := range xs {
		s.Add(s, new(big.Float).SetFloat64(x))
	}
	f, _ := s.Float64()
	return f + 0 // −0 → +0, as R's sum
}

// randFloat draws values that exercise the rounding: wide and narrow
// exponent spreads, both signs, near-cancellations and subnormals.
func randFloat(rng *rand.Rand, base float64) float64 {
	switch rng.IntN(6) {
	case 0:
		return math.Ldexp(rng.Float64(), rng.IntN(200)-100)
	case 1:
		return -base * (1 + math.Ldexp(rng.Float64(), -rng.IntN(60)))
	case 2:
		return math.Float64frombits(rng.Uint64() &^ (0x7ff << 52)) // subnormal
	case 3:
		return math.Nextafter(base, math.Inf(rng.IntN(2)*2-1))
	case 4:
		return float64(rng.IntN(7)-3) * math.Ldexp(1, rng.IntN(130)-65)
	}
	return rng.NormFloat64() * math.Ldexp(1, rng.IntN(10))
}

func TestSumMatchesBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		n := 1 + rng.IntN(5)
		xs := make([]float64, n)
		xs[0] = rng.NormFloat64()
		for j := 1; j < n; j++ {
			xs[j] = randFloat(rng, xs[j-1])
		}
		got, want := Sum(xs), reference(xs)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Sum(%v) = %v (%#x), want %v (%#x)", xs, got, math.Float64bits(got), want, math.Float64bits(want))
		}
		if n >= 2 {
			got, want := Sum2(xs[0], xs[1]), reference(xs[:2])
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("Sum2(%v, %v) = %v, want %v", xs[0], xs[1], got, want)
			}
		}
	}
}

// TestDoubleRounding: cases where the long double sum differs from a
// float64 sum, so the emulation is not a plain float64 sum in disguise.
func TestDoubleRounding(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		want float64
	}{
		// 1 + 2^−53 + 2^−53: float64 loses both halves (ties to even);
		// a long double keeps them and gets 1 + 2^−52.
		{"kept halves", []float64{1, 0x1p-53, 0x1p-53}, 1 + 0x1p-52},
		// 1 + 2^−53 + 2^−64: exactly above the float64 tie, but the long
		// double rounds to the tie first and then to even: 1.
		{"double rounding", []float64{1, 0x1p-53, 0x1p-64}, 1},
		// The 1 is lost against 1e300 in a long double too.
		{"lost against a large term", []float64{1e300, 1, -1e300}, 0},
		{"cancellation", []float64{1 + 0x1p-52, 1, -(1 + 0x1p-52)}, 1},
		{"zero", []float64{-0.0, -0.0}, 0},
		{"empty", nil, 0},
		{"subnormals", []float64{0x1p-1074, 0x1p-1074}, 0x1p-1073},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sum(c.xs)
			if math.Float64bits(got) != math.Float64bits(c.want) || got != reference(c.xs) {
				t.Fatalf("Sum(%v) = %v, want %v (reference %v)", c.xs, got, c.want, reference(c.xs))
			}
		})
	}
	one, half := 1.0, 0x1p-53 // variables: constant arithmetic would be exact
	if naive := (one + half) + half; naive != 1 {
		t.Fatal("float64 sum unexpectedly equals the long double one")
	}
}

// TestSum2Window: Sum2's shortcut (exponents at most 10 apart) against the
// emulation at and beyond the window's edge, where double rounding starts.
func TestSum2Window(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 100000; i++ {
		x := 1 + rng.Float64()
		y := math.Ldexp(1+rng.Float64(), -(8 + rng.IntN(6)))
		if rng.IntN(2) == 0 {
			y = -y
		}
		if got, want := Sum2(x, y), reference([]float64{x, y}); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Sum2(%v, %v) = %v, want %v", x, y, got, want)
		}
	}
	if got := Sum2(-0.0, -0.0); math.Signbit(got) {
		t.Fatal("Sum2(−0, −0) = −0, want +0")
	}
}

func TestSpecials(t *testing.T) {
	inf := math.Inf(1)
	if got := Sum([]float64{1, inf, 2}); !math.IsInf(got, 1) {
		t.Fatalf("1+Inf+2 = %v", got)
	}
	if got := Sum([]float64{inf, -inf}); !math.IsNaN(got) {
		t.Fatalf("Inf−Inf = %v", got)
	}
	if got := Sum([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Fatalf("1+NaN = %v", got)
	}
	if got := Sum([]float64{math.MaxFloat64, math.MaxFloat64}); !math.IsInf(got, 1) {
		t.Fatalf("overflow = %v", got)
	}
	if got := Sum2(math.MaxFloat64, math.MaxFloat64); !math.IsInf(got, 1) {
		t.Fatalf("Sum2 overflow = %v", got)
	}
}

func BenchmarkSum3(b *testing.B) {
	xs := []float64{0.3, 1e-3, 2.5}
	var s float64
	for range b.N {
		s += Sum(xs)
	}
	_ = s
}
