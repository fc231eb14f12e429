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
	{"ExpNegSqrt", func(out, aux, in []float64, s float64) { ExpNegSqrt(out, aux, in, s) },
		func(x, c float64) (float64, float64) {
			r := math.Sqrt(x)
			return math.Exp(-(r * c)), r
		}, []float64{0.25, 1, 3, 30}},
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

// softmaxCases are the two softmax kernels beside their scalar formulas.
var softmaxCases = []struct {
	name string
	run  func(p, o, v []float64, s float64, live int)
	exp  func(x, s float64) float64
	pad  float64 // the layer's padding, whose exponential is 1
	s    []float64
}{
	{"SoftmaxEquiv", SoftmaxEquiv, func(x, beta float64) float64 {
		w := beta * math.Log(x)
		t := x / w
		return math.Exp(x / t)
	}, 1, []float64{3, 1, 0.5, 40}},
	{"SoftmaxTemp", SoftmaxTemp, func(x, temp float64) float64 { return math.Exp(x / temp) }, 0, []float64{0.012, 0.5, 1, -2}},
}

// TestSoftmax: the softmax kernels give the bits of the layer's scalar
// steps (the exponentials, their sum over the live values in order, the
// division, the product with the input) for every number of live values
// and padding, on the layers' ranges and with values that send the call to
// the scalar formula.
func TestSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	all := fusedInputs(rng, 20000)
	var layer []float64
	for _, x := range all {
		if x > 1e-3 && x < 1 {
			layer = append(layer, x)
		}
	}
	check := func(t *testing.T, c int, in []float64, live int, s float64) {
		t.Helper()
		sc := softmaxCases[c]
		n := (live + 3) &^ 3
		v := make([]float64, n)
		for i := range v {
			v[i] = sc.pad
		}
		copy(v, in[:live])
		want, wo := make([]float64, n), make([]float64, n)
		var sum float64
		for i, x := range v {
			want[i] = sc.exp(x, s)
			if i < live {
				sum += want[i]
			}
		}
		for i := range want {
			want[i] /= sum
			wo[i] = v[i] * want[i]
		}
		p, o := make([]float64, n+1), make([]float64, n+1)
		sc.run(p[1:], o[1:], v, s, live)
		for i := range v {
			if !same(p[1+i], want[i]) || !same(o[1+i], wo[i]) {
				t.Fatalf("%s(%v, %v) live %d of %d, value %d: %v, %v; want %v, %v", sc.name, v[:min(n, 16)], s, live, n, i, p[1+i], o[1+i], want[i], wo[i])
			}
		}
	}
	for c, sc := range softmaxCases {
		t.Run(sc.name, func(t *testing.T) {
			for _, s := range sc.s {
				for off := 0; off+64 <= len(layer); off += 61 {
					for live := 0; live <= 13; live++ {
						check(t, c, layer[off:], live, s)
					}
				}
				for i := 0; i+8 <= len(all); i += 8 { // one value outside the lanes' range among 8
					check(t, c, all[i:], 8, s)
					check(t, c, all[i:], 5, s)
				}
				check(t, c, layer[:803], 803, s) // not a multiple of 4: the scalar steps
				check(t, c, layer[:800], 800, s)
			}
		})
	}
}

// BenchmarkSoftmax measures the 8 units of a layer per call.
func BenchmarkSoftmax(b *testing.B) {
	rng := rand.New(rand.NewPCG(15, 16))
	v := make([]float64, 8)
	for i := range v {
		v[i] = 1 - rng.Float64()
	}
	p, o := make([]float64, 8), make([]float64, 8)
	for _, sc := range softmaxCases {
		b.Run(sc.name, func(b *testing.B) {
			for b.Loop() {
				sc.run(p, o, v, sc.s[0], len(v))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(v)), "ns/value")
		})
	}
}

// same reports whether a and b have the same bits or are both NaN (a sum
// with a NaN term keeps one of the NaNs' payloads, whichever the order).
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}
