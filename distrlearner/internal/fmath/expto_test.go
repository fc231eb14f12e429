package fmath

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
)

// expInputs returns inputs across Exp's whole range: random bit patterns
// (every exponent, both signs, NaNs with payloads), uniform values where
// the result is finite and nonzero, and the edge cases: ±0, subnormals,
// ±Inf, NaN, the overflow and underflow thresholds and their neighbours,
// the points where the result becomes subnormal, and exact multiples of
// ln 2 / 2 (ties of the reduction).
func expInputs(rng *rand.Rand, n int) []float64 {
	edges := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(),
		math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000123),
		0x1p-1074, -0x1p-1074, 0x1p-1022, -0x1p-1022, math.MaxFloat64, -math.MaxFloat64,
		709.78271114955742909217217426, 709.782712893384, 709.79, 709.78, 710,
		-1000, -999.9999999999999, -1000.0000000000001, -745.1332191019412, -745.1332191019411,
		-708.3964185322641, -708.4, -709.1, -744.44, -1e300, 1e300, 0x1p51, -0x1p51, 0x1p52, 1e-300, -1e-300}
	for _, v := range []float64{709.78271114955742909217217426, -1000, -745.1332191019412, -708.3964185322641} {
		for k := 1; k < 4; k++ {
			up, down := v, v
			for range k {
				up, down = math.Nextafter(up, math.Inf(1)), math.Nextafter(down, math.Inf(-1))
			}
			edges = append(edges, up, down)
		}
	}
	for q := -1500; q <= 1030; q++ {
		edges = append(edges, float64(q)*math.Ln2/2, math.Nextafter(float64(q)*math.Ln2/2, 0))
	}
	in := append([]float64(nil), edges...)
	for len(in) < n {
		switch len(in) % 3 {
		case 0:
			in = append(in, math.Float64frombits(rng.Uint64()))
		case 1:
			in = append(in, (rng.Float64()*2-1)*745)
		default:
			in = append(in, (rng.Float64()*2-1)*math.Ldexp(1, rng.IntN(60)-50))
		}
	}
	return in
}

// TestExpTo: the vector kernel (or the pure-Go loop under purego) gives
// Exp's bits on every input, for every length and alignment of the slices.
func TestExpTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := expInputs(rng, 400000)
	fixture.SameBits(t, "Exp", ExpTo, Exp, in)
}

// TestLogTo: the vector logarithm gives Log's bits on every input: random
// bit patterns (negative numbers and NaNs among them), ±0, subnormals,
// ±Inf, powers of two and the points where the reduction changes
// exponent (0.75·2^e), for every length and offset and in place.
func TestLogTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := []float64{0, math.Copysign(0, -1), -1, math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), 1, 2, 0.5,
		math.Float64frombits(0x7ff0000000000001), 0x1p-1074, 0x1p-1060, 0x1p-1022, math.Nextafter(0x1p-1022, 0),
		math.MaxFloat64, -0x1p-1074, 1e-300, 1e300, math.Nextafter(1, 0), math.Nextafter(1, 2)}
	for e := -1074; e <= 1023; e++ {
		for _, f := range []float64{1, 0.75, 1.5, math.Nextafter(0.75, 0), math.Nextafter(0.75, 1)} {
			in = append(in, math.Ldexp(f, e))
		}
	}
	for len(in) < 500000 {
		switch len(in) % 3 {
		case 0:
			in = append(in, math.Float64frombits(rng.Uint64()))
		case 1:
			in = append(in, rng.Float64()*4)
		default:
			in = append(in, math.Float64frombits(rng.Uint64()>>1))
		}
	}
	fixture.SameBits(t, "Log", LogTo, Log, in)
}

// BenchmarkExpTo measures the exponential of 64 values in [−40, 0] (the
// densities' range) per call: the vector path, then the scalar loop.
func BenchmarkExpTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, 64)
	for i := range src {
		src[i] = -40 * rng.Float64()
	}
	dst := make([]float64, len(src))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			ExpTo(dst, src)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = Exp(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}

// BenchmarkLogTo measures the logarithm of 64 scales in (0, 2] per call,
// the vector path and the scalar loop.
func BenchmarkLogTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := make([]float64, 64)
	for i := range src {
		src[i] = 2 * (1 - rng.Float64())
	}
	dst := make([]float64, len(src))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			LogTo(dst, src)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = Log(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}
