package vexp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
)

// needZMM skips a test of the AVX-512 kernels where they do not run.
func needZMM(tb testing.TB) {
	tb.Helper()
	if !hasZMM {
		tb.Skip("no AVX-512 kernel in this build or on this CPU")
	}
}

// lanes8 applies a lanes kernel of 8 values to the first multiple of 8 of
// src and f to the rest; with a report of false (an exponential's argument
// outside the lanes' range) it fails the test, so that every value it
// compares comes from the lanes where they run.
func lanes8(t *testing.T, kernel func(dst, src *float64, n int) bool, f func(float64) float64) func(dst, src []float64) {
	return func(dst, src []float64) {
		n := len(src) &^ 7
		if n > 0 && !kernel(&dst[0], &src[0], n) {
			t.Fatalf("the lanes refused %d values of their range", n)
		}
		for i := n; i < len(src); i++ {
			dst[i] = f(src[i])
		}
	}
}

// TestExpLanesAVX512: the AVX-512 exponential's lanes give math.Exp's bits
// on [−700, 700]: its edges and their neighbours, ±0, subnormals and the
// smallest normals (t = log2e·x rounds to ±0, xe's sign), the ties and
// near-ties of the reduction (multiples of ln 2/4 and their neighbours,
// where t is an integer or a half), the arguments whose 2^xe is at the
// ends of the range (xe = ±1010) and random values; and they report false
// for any value outside it (beyond ±700, ±Inf, NaN) among 8.
func TestExpLanesAVX512(t *testing.T) {
	needZMM(t)
	rng := rand.New(rand.NewPCG(31, 32))
	in := []float64{0, math.Copysign(0, -1), 1, -1, 0x1p-1074, -0x1p-1074, 0x1p-1022, -0x1p-1022, 0x1p-60, -0x1p-60,
		700, -700, math.Nextafter(700, 0), math.Nextafter(-700, 0), 699.5, -699.5}
	for _, e := range []float64{-1010, -1009.5, -1009, 1009, 1009.5, 1010} { // xe at the range's ends (±700 gives ±1010)
		v := math.Max(-700, math.Min(700, e*math.Ln2))
		in = append(in, v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)))
	}
	for q := -2020; q <= 2020; q++ {
		v := float64(q) * math.Ln2 / 4
		in = append(in, v, math.Nextafter(v, 0), math.Nextafter(v, 2*v+1))
	}
	for len(in) < 200000 {
		switch len(in) % 3 {
		case 0:
			in = append(in, (rng.Float64()*2-1)*700)
		case 1:
			in = append(in, (rng.Float64()*2-1)*math.Ldexp(1, rng.IntN(1100)-1080))
		default:
			in = append(in, (rng.Float64()*2-1)*math.Ldexp(1, rng.IntN(12)-2))
		}
	}
	lanes := in[:0:0]
	for _, x := range in {
		if x >= -700 && x <= 700 {
			lanes = append(lanes, x)
		}
	}
	fixture.SameBits(t, "expLanesAVX512", lanes8(t, expLanesAVX512, math.Exp), math.Exp, lanes)

	out := []float64{700.0000000000001, -700.0000000000001, 709, -745, math.Inf(1), math.Inf(-1), math.NaN(), 1e300}
	for _, x := range out {
		for at := range 8 {
			v := make([]float64, 8)
			copy(v, in[8*at:8*at+8])
			v[at] = x
			if expLanesAVX512(&make([]float64, 8)[0], &v[0], 8) {
				t.Fatalf("the lanes took %v in lane %d", x, at)
			}
		}
	}
}

// TestLogLanesAVX512: the AVX-512 logarithm's lanes give math.Log's bits on
// every positive finite value: every power of two (subnormals included:
// the reduction takes the exponent field as it is), their neighbours, the
// reduction's threshold √2/2 as a mantissa at every exponent with its
// neighbours (the blend's two sides, subnormals with those mantissa bits
// too), 1 and its neighbours, the largest value, and random bit patterns
// and values.
func TestLogLanesAVX512(t *testing.T) {
	needZMM(t)
	rng := rand.New(rand.NewPCG(33, 34))
	in := []float64{1, math.Nextafter(1, 0), math.Nextafter(1, 2), math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022,
		math.Nextafter(0x1p-1022, 0), math.Nextafter(0x1p-1022, 1), math.Sqrt2, math.Sqrt2 / 2, 0.75, 1.5}
	const hsqrt2 = 0x6A09E667F3BCD // the mantissa field of √2/2
	for e := -1074; e <= 1023; e++ {
		v := math.Ldexp(1, e)
		in = append(in, v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1)))
	}
	for field := uint64(0); field < 0x7FF; field++ {
		for d := int64(-2); d <= 2; d++ {
			in = append(in, math.Float64frombits(field<<52|uint64(hsqrt2+d)))
		}
	}
	for len(in) < 200000 {
		var v float64
		switch len(in) % 3 {
		case 0:
			v = math.Float64frombits(rng.Uint64() &^ (1 << 63))
		case 1:
			v = 1 - rng.Float64()
		default:
			v = math.Float64frombits(rng.Uint64() >> 12) // subnormals
		}
		if v > 0 && v <= math.MaxFloat64 {
			in = append(in, v)
		}
	}
	pos := in[:0]
	for _, x := range in {
		if x > 0 && x <= math.MaxFloat64 {
			pos = append(pos, x)
		}
	}
	fixture.SameBits(t, "logLanesAVX512", lanes8(t, logLanesAVX512, math.Log), math.Log, pos)
}

// predictCase is the inputs of one prediction of 8 units.
type predictCase struct {
	s, s1, mask, assoc []float64
	c, beta, temp, phi float64
}

// predictCases returns random predictions of config1's kinds and ranges
// and of their edges: units recruited or not (none, one, all), sums of 0,
// subnormal, and large enough to take an exponential's argument to −700
// and past it, a NaN or +Inf sum, silent units in the competition and the
// winner-take-all, association weights of ±0 and, for a unit not
// recruited, NaN and ±Inf (which its +0 term must leave out), and several
// constants.
func predictCases(rng *rand.Rand, count int) []predictCase {
	var cases []predictCase
	consts := [][4]float64{{0.25, 3, 0.012, 10}, {0.25, 0.5, 1, -3}, {100, 3, 0.012, 10}, {1e-3, 40, 2, 0.5},
		{2000, 3, 0.012, 10}, {0.25, 1e-3, 0.05, 0}, {3, 0.1, -2, 1}, {0.25, 3, 1e-300, 10}}
	for k := range count {
		pc := predictCase{s: make([]float64, 8), s1: make([]float64, 8), mask: make([]float64, 8), assoc: make([]float64, 16)}
		cs := consts[k%len(consts)]
		pc.c, pc.beta, pc.temp, pc.phi = cs[0], cs[1], cs[2], cs[3]
		for i := range pc.mask {
			switch {
			case k%7 == 1: // none recruited
			case k%7 == 2:
				if i == k%8 {
					pc.mask[i] = 1
				}
			case k%7 == 3 || rng.IntN(4) > 0:
				pc.mask[i] = 1
			}
		}
		for i := range pc.s {
			pc.s[i] = 1e-6 + 1.5*rng.Float64()
			edge := -1
			if k%3 == 0 { // edges in a third of the cases
				edge = rng.IntN(12)
			}
			switch edge {
			case 0:
				pc.s[i] = 0
			case 1:
				pc.s[i] = 0x1p-1070
			case 2:
				pc.s[i] = math.Pow(700/pc.c, 2) // −(√s·c) = −700
			case 3:
				pc.s[i] = math.Nextafter(math.Pow(700/pc.c, 2), math.Inf(1))
			case 4:
				pc.s[i] = 1e6 * rng.Float64()
			case 5:
				if k%5 == 0 {
					pc.s[i] = []float64{math.NaN(), math.Inf(1)}[rng.IntN(2)]
				}
			}
			pc.s1[i] = pc.s[i] * (1 + 0x1p-52*float64(rng.IntN(5)-2))
			if k%4 == 0 {
				pc.s1[i] = 1e-6 + 1.5*rng.Float64()
			}
		}
		for i := range pc.assoc {
			pc.assoc[i] = 2*rng.Float64() - 1
			switch rng.IntN(10) {
			case 0:
				pc.assoc[i] = math.Copysign(0, -1)
			case 1:
				pc.assoc[i] = 0
			case 2:
				if pc.mask[i/2] == 0 {
					pc.assoc[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[rng.IntN(3)]
				}
			}
		}
		if k%11 == 0 { // every term −0
			for i := range pc.assoc {
				pc.assoc[i] = math.Copysign(0, -1)
			}
		}
		cases = append(cases, pc)
	}
	return cases
}

// run runs the prediction of s (and with first, the pair of s1 and s) on
// new buffers with the AVX-512 kernels or the AVX2 ones, and returns every
// buffer each prediction wrote and the report.
func (pc predictCase) run(tb testing.TB, zmm, pair bool) ([][]float64, bool) {
	p := newPredictionBufs(8)
	copy(p.s, pc.s)
	pp := p.prediction(tb, pc.mask, pc.assoc, pc.c, pc.beta, pc.temp, pc.phi)
	pp.zmm = zmm
	if !pair {
		ok := pp.Run()
		return p.all(), ok
	}
	q := newPredictionBufs(8)
	copy(q.s, pc.s1)
	q.z[0], q.z[1] = 7, 8
	qq := q.prediction(tb, pc.mask, pc.assoc, pc.c, pc.beta, pc.temp, pc.phi)
	qq.zmm = zmm
	ok := pp.RunPair(qq)
	return append(q.all(), p.all()...), ok
}

// TestPredict8AVX512: the AVX-512 kernels of 8 units, one prediction and a
// pair, give the AVX2 kernels' bits in every buffer and the same report,
// on 3,000 random and edge predictions (the AVX2 kernels are compared with
// the layers one by one in package layers and model, and so is this one,
// which config1's 8 units run, in model.TestFusedSameBits).
func TestPredict8AVX512(t *testing.T) {
	needZMM(t)
	names := []string{"s", "√s", "exp", "h", "competition's softmax", "competition", "winner-take-all's softmax", "winner-take-all", "z"}
	rng := rand.New(rand.NewPCG(35, 36))
	refused := 0
	for k, pc := range predictCases(rng, 3000) {
		for _, pair := range []bool{false, true} {
			want, okWant := pc.run(t, false, pair)
			got, ok := pc.run(t, true, pair)
			if ok != okWant {
				t.Fatalf("case %d (pair %v): AVX-512 reports %v, AVX2 %v", k, pair, ok, okWant)
			}
			if !ok {
				refused++
				continue
			}
			for b := range want {
				for i := range want[b] {
					if math.Float64bits(got[b][i]) != math.Float64bits(want[b][i]) {
						which := fmt.Sprintf("%s[%d]", names[b%len(names)], i)
						if pair {
							which = []string{"first", "second"}[b/len(names)] + " prediction's " + which
						}
						t.Fatalf("case %d (pair %v, mask %v, c %v β %v T %v Φ %v): %s is %v (%#x), AVX2 gives %v (%#x)", k, pair,
							pc.mask, pc.c, pc.beta, pc.temp, pc.phi, which, got[b][i], math.Float64bits(got[b][i]), want[b][i], math.Float64bits(want[b][i]))
					}
				}
			}
		}
	}
	if refused == 0 || refused > 3000 {
		t.Fatalf("%d of 6,000 predictions refused: want the out-of-range cases' (some) and no more than half", refused)
	}
}
