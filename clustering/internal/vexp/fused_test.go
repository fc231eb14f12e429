package vexp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fusedCases are the fused kernels beside the scalar formulas they must
// match bit for bit, each written out as the clustering layers compute it.
var fusedCases = []struct {
	name string
	run  func(out, aux, in []float64, s float64)
	want func(x, s float64) (out, aux float64)
	s    []float64
}{
	{"SoftmaxEquiv", func(out, _, in []float64, s float64) { SoftmaxEquiv(out, in, s) },
		func(x, beta float64) (float64, float64) {
			w := beta * math.Log(x)
			t := x / w
			return math.Exp(x / t), 0
		}, []float64{3, 1, 0.5, 40}},
	{"SoftmaxTemp", func(out, _, in []float64, s float64) { SoftmaxTemp(out, in, s) },
		func(x, temp float64) (float64, float64) { return math.Exp(x / temp), 0 }, []float64{0.012, 0.5, 1, -2}},
	{"ExpNegSqrt", func(out, aux, in []float64, s float64) { ExpNegSqrt(out, aux, in, s) },
		func(x, c float64) (float64, float64) {
			r := math.Sqrt(x)
			return math.Exp(-(r * c)), r
		}, []float64{0.25, 1, 3, 30}},
	{"Div", func(out, _, in []float64, s float64) { Div(out, in, s) },
		func(x, s float64) (float64, float64) { return x / s, 0 }, []float64{3, 0.7, 1e-300, 0}},
}

// fusedInputs returns the layers' ranges (activations in (0, 1], sums of
// distances) and values across the whole line: ±0, subnormals, ±Inf,
// NaN, negatives, values that put an exponential's argument outside the
// lanes' range, and random bit patterns.
func fusedInputs(rng *rand.Rand, n int) []float64 {
	in := []float64{0, math.Copysign(0, -1), 1, math.Inf(1), math.Inf(-1), math.NaN(), -1, 0x1p-1074, 0x1p-1022,
		math.MaxFloat64, 1e-300, 1e300, 8.4, 8.41, 700, 7e5, 1 - 0x1p-53}
	for len(in) < n {
		switch len(in) % 4 {
		case 0:
			in = append(in, math.Float64frombits(rng.Uint64()))
		case 1:
			in = append(in, 1-rng.Float64())
		case 2:
			in = append(in, math.Ldexp(rng.Float64(), -rng.IntN(40)))
		default:
			in = append(in, rng.Float64()*10)
		}
	}
	return in
}

// TestFused: every fused kernel gives its scalar formula's bits, for
// every length and offset, on the layers' ranges (where the lanes run)
// and with values that send the call to the scalar formula.
func TestFused(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	all := fusedInputs(rng, 200000)
	var layer []float64 // the activations' range: every lane runs
	for _, x := range all {
		if x > 1e-3 && x < 1 {
			layer = append(layer, x)
		}
	}
	check := func(t *testing.T, c int, in []float64, s float64) {
		t.Helper()
		fc := fusedCases[c]
		out, aux := make([]float64, len(in)+1), make([]float64, len(in)+1)
		fc.run(out[1:], aux[1:], in, s)
		for i, x := range in {
			w, wa := fc.want(x, s)
			if math.Float64bits(out[1+i]) != math.Float64bits(w) || math.Float64bits(aux[1+i]) != math.Float64bits(wa) {
				t.Fatalf("%s(%v = %#x, %v) of %d: %v, %v; want %v, %v", fc.name, x, math.Float64bits(x), s, len(in), out[1+i], aux[1+i], w, wa)
			}
		}
	}
	for c, fc := range fusedCases {
		t.Run(fc.name, func(t *testing.T) {
			for _, s := range fc.s {
				check(t, c, layer, s)
				check(t, c, all, s)
				for i := 0; i+8 <= len(all); i += 8 { // one value outside the lanes' range among 8
					check(t, c, all[i:i+8], s)
				}
				for n := 0; n < 13; n++ {
					for off := 0; off < 3; off++ {
						check(t, c, layer[off:off+n], s)
					}
				}
			}
		})
	}
	same := append([]float64(nil), layer[:101]...)
	Div(same, same, 3)
	for i, x := range layer[:101] {
		if same[i] != x/3 {
			t.Fatalf("Div in place: %v/3 = %v, want %v", x, same[i], x/3)
		}
	}
}

// BenchmarkFused measures 8 values in (0, 1) per call (a clustering
// layer's units).
func BenchmarkFused(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	in := make([]float64, 8)
	for i := range in {
		in[i] = 1 - rng.Float64()
	}
	out, aux := make([]float64, 8), make([]float64, 8)
	for _, fc := range fusedCases {
		b.Run(fc.name, func(b *testing.B) {
			for b.Loop() {
				fc.run(out, aux, in, fc.s[0])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/value")
		})
		b.Run(fc.name+"/scalar", func(b *testing.B) {
			for b.Loop() {
				for i, x := range in {
					out[i], aux[i] = fc.want(x, fc.s[0])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(in)), "ns/value")
		})
	}
}
