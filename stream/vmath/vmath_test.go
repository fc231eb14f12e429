package vmath_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/vmath"
)

// inputs returns values across math.Exp's whole range: random bit
// patterns, uniform values where the result is finite and nonzero, and
// the edge cases: ±0, subnormals, ±Inf, NaNs, the limits of the kernel's
// lanes (±700) and of math.Exp's overflow and underflow, and the ties of
// its reduction (multiples of ln 2 / 2).
func inputs(rng *rand.Rand, n int) []float64 {
	in := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(),
		0x1p-1074, -0x1p-1074, 0x1p-1022, -0x1p-1022, math.MaxFloat64, -math.MaxFloat64,
		700, -700, 7.09782712893384e+02, 709.8, -708.39, -745.1332191019412, -745.14, -1e300, 1e300, 1e-300}
	for _, v := range []float64{700, -700} {
		in = append(in, math.Nextafter(v, 0), math.Nextafter(v, 2*v))
	}
	for q := -2100; q <= 2100; q++ {
		v := float64(q) * math.Ln2 / 4
		in = append(in, v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1)))
	}
	for len(in) < n {
		switch len(in) % 3 {
		case 0:
			in = append(in, math.Float64frombits(rng.Uint64()))
		case 1:
			in = append(in, (rng.Float64()*2-1)*720)
		default:
			in = append(in, (rng.Float64()*2-1)*math.Ldexp(1, rng.IntN(60)-50))
		}
	}
	return in
}

// TestTo: To gives math.Exp's bits on every input — the kernel's range
// alone, and every value, the special ones included — for every length
// and offset of the slices and in place.
func TestTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	all := inputs(rng, 600000)
	var lanes []float64 // the kernel's inputs
	for _, x := range all {
		if x >= -700 && x <= 700 {
			lanes = append(lanes, x)
		}
	}
	if len(lanes) < 300000 {
		t.Fatalf("%d inputs in the kernel's range of %d", len(lanes), len(all))
	}
	for _, in := range [][]float64{lanes, all} {
		fixture.SameBits(t, "Exp", vmath.To, math.Exp, in)
	}
}

// TestLogTo: LogTo gives math.Log's bits on every input — the kernel's
// (positive finite values, subnormals included) alone, and every value —
// for every length and offset and in place.
func TestLogTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	all := []float64{0, math.Copysign(0, -1), -1, math.Inf(1), math.Inf(-1), math.NaN(), 1, 2, 0.5,
		math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 0), math.Nextafter(math.Sqrt2/2, 1), math.Sqrt2,
		0x1p-1074, 0x1p-1060, 0x1p-1022, math.Nextafter(0x1p-1022, 0), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for e := -1074; e <= 1023; e++ {
		all = append(all, math.Ldexp(1, e), math.Ldexp(1.5, e), math.Ldexp(0.7071067811865476, e))
	}
	for len(all) < 600000 {
		switch len(all) % 3 {
		case 0:
			all = append(all, math.Float64frombits(rng.Uint64()))
		case 1:
			all = append(all, rng.Float64()*4)
		default:
			all = append(all, math.Float64frombits(rng.Uint64()>>1)) // positive, any exponent
		}
	}
	var lanes []float64
	for _, x := range all {
		if x > 0 && x <= math.MaxFloat64 {
			lanes = append(lanes, x)
		}
	}
	if len(lanes) < 300000 {
		t.Fatalf("%d inputs in the kernel's range of %d", len(lanes), len(all))
	}
	for _, in := range [][]float64{lanes, all} {
		fixture.SameBits(t, "Log", vmath.LogTo, math.Log, in)
	}
}

// BenchmarkTo measures 8 values in [−10, 0] per call (a clustering
// layer's), the vector path and the scalar loop.
func BenchmarkTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, 8)
	for i := range src {
		src[i] = -10 * rng.Float64()
	}
	dst := make([]float64, len(src))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			vmath.To(dst, src)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = math.Exp(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}

// BenchmarkLogTo measures 8 values in (0, 1] per call (the competition's
// activations), the vector path and the scalar loop.
func BenchmarkLogTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := make([]float64, 8)
	for i := range src {
		src[i] = 1 - rng.Float64()
	}
	dst := make([]float64, len(src))
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			vmath.LogTo(dst, src)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = math.Log(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}

// TestSoftplusSigmoid: SoftplusSigmoid gives the scalar formulas' bits,
// log(1 + math.Exp(−|x|)) and 1/(1 + CExp(−x)), on every input (the
// logits' range, where the lanes run, its edges 2^−54 and 512, and every
// value: zeros, subnormals, beyond ±709, ±Inf and NaN, computed one at a
// time), for every length and offset — the tails of 1 to 3 values padded
// into lanes — and in place.
func TestSoftplusSigmoid(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	all := inputs(rng, 300000)
	for _, v := range []float64{0x1p-54, 512} {
		for _, w := range []float64{v, -v, math.Nextafter(v, 0), -math.Nextafter(v, 0), math.Nextafter(v, 1e3)} {
			all = append(all, w)
		}
	}
	var lanes []float64
	for _, x := range all {
		if a := math.Abs(x); a >= 0x1p-54 && a < 512 {
			lanes = append(lanes, x)
		}
	}
	if len(lanes) < 100000 {
		t.Fatalf("%d inputs in the lanes' range of %d", len(lanes), len(all))
	}
	softplus := func(dst, src []float64) { softplusSigmoid(dst, make([]float64, len(src)), src) }
	sigmoid := func(dst, src []float64) { softplusSigmoid(make([]float64, len(src)), dst, src) }
	for _, in := range [][]float64{lanes, all} {
		fixture.SameBits(t, "SoftplusSigmoid's softplus", softplus, softplusNegAbs, in)
		fixture.SameBits(t, "SoftplusSigmoid's sigmoid", sigmoid, sigmoidC, in)
	}
}

// softplusSigmoid runs SoftplusSigmoid4 on the blocks of 4 values of z (a
// tail padded with 1), the scalar formulas where it refuses a block.
func softplusSigmoid(l, s, z []float64) {
	for i := 0; i < len(z); i += 4 {
		x := [4]float64{1, 1, 1, 1}
		m := copy(x[:], z[i:])
		var out [8]float64
		if vmath.SoftplusSigmoid4(&out, x[0], x[1], x[2], x[3]) {
			copy(l[i:i+m], out[:m])
			copy(s[i:i+m], out[4:4+m])
			continue
		}
		for j := i; j < i+m; j++ {
			l[j], s[j] = softplusNegAbs(z[j]), sigmoidC(z[j])
		}
	}
}

func softplusNegAbs(x float64) float64 { return math.Log(1 + math.Exp(-math.Abs(x))) }

func sigmoidC(x float64) float64 { return 1 / (1 + vmath.CExp(-x)) }

// TestSoftplusSigmoidExp2: where SoftplusSigmoidExp2 runs, it gives the
// scalar formulas' bits, log(1 + math.Exp(−|zi|)), 1/(1 + CExp(−zi)) and
// math.Exp(di) with di = zi − max(z0, z1), on pairs of logits in the
// lanes' range (ties included) and of every value; where it refuses a
// pair, a logit is outside the sigmoid's lanes or a di outside
// [−700, 700].
func TestSoftplusSigmoidExp2(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	all := inputs(rng, 200000)
	var lanes []float64
	for _, x := range all {
		if a := math.Abs(x); a >= 0x1p-54 && a < 512 {
			lanes = append(lanes, x)
		}
	}
	ran := 0
	for _, in := range [][]float64{lanes, all} {
		for i := 0; i+1 < len(in); i++ {
			z0, z1 := in[i], in[i+1]
			if i%7 == 0 {
				z1 = z0 // a tie for the maximum
			}
			m := math.Max(z0, z1)
			d0, d1 := z0-m, z1-m
			var out [12]float64
			if !vmath.SoftplusSigmoidExp2(&out, z0, z1, d0, d1) {
				inLanes := func(z float64) bool { a := math.Abs(z); return a >= 0x1p-54 && a < 512 }
				inExp := func(d float64) bool { return d >= -700 && d <= 700 }
				if vmath.Vector() && inLanes(z0) && inLanes(z1) && inExp(d0) && inExp(d1) {
					t.Fatalf("z %v, %v refused", z0, z1)
				}
				continue
			}
			ran++
			for j, c := range []struct {
				what      string
				got, want float64
			}{{"softplus", out[0], softplusNegAbs(z0)}, {"softplus", out[1], softplusNegAbs(z1)},
				{"sigmoid", out[4], sigmoidC(z0)}, {"sigmoid", out[5], sigmoidC(z1)},
				{"exp", out[10], math.Exp(d0)}, {"exp", out[11], math.Exp(d1)}} {
				if math.Float64bits(c.got) != math.Float64bits(c.want) {
					t.Fatalf("z %v, %v: %s of lane %d %v (%#x), scalar %v (%#x)", z0, z1, c.what, j%2, c.got, math.Float64bits(c.got), c.want, math.Float64bits(c.want))
				}
			}
		}
	}
	if vmath.Vector() && ran < 100000 {
		t.Fatalf("the lanes ran on %d pairs", ran)
	}
}

// BenchmarkSoftplusSigmoid measures the 2 logits of a trial per call, the
// vector path (padded to 4 lanes) and the scalar formulas.
func BenchmarkSoftplusSigmoid(b *testing.B) {
	src, l, s := []float64{2.5, -0.75}, make([]float64, 2), make([]float64, 2)
	b.Run("vector", func(b *testing.B) {
		var out [8]float64
		for b.Loop() {
			vmath.SoftplusSigmoid4(&out, src[0], src[1], 1, 1)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				l[i], s[i] = softplusNegAbs(x), sigmoidC(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}

// bceValues returns the scalar formulas of BCEPairs for the trial of
// logits z0, z1 and targets y0, y1: the mean of the binary cross-entropy's
// two terms and 1 − softmax(z)_c.
func bceValues(z0, z1, y0, y1 float64) (l, q0, q1 float64) {
	term := func(z, y float64) float64 { return (1-y)*z + max(-z, 0) + softplusNegAbs(z) }
	var sum float64
	sum += term(z0, y0)
	sum += term(z1, y1)
	m := max(z0, z1)
	e0, e1 := math.Exp(z0-m), math.Exp(z1-m)
	var s float64
	s += e0
	s += e1
	return sum / 2, 1 - e0/s, 1 - e1/s
}

// TestBCEPairs: where BCEPairs runs, it gives the scalar formulas' bits
// for every trial, on logits in its range (ties, zeros of both signs,
// magnitudes up to 700, pairs up to 700 apart) and of every value, with
// targets that are not one-hot too, in calls of 2 to 8 trials (the loop's
// blocks of 2 and of 4 lanes); it refuses only a call with an
// exponential's argument outside [−700, 700], and a length that is not a
// multiple of 4.
func TestBCEPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	all := inputs(rng, 100000)
	var lanes []float64
	for _, x := range all {
		if math.Abs(x) <= 700 {
			lanes = append(lanes, x)
		}
	}
	targets := []float64{0, 1, 0.25, 2, -1}
	ran := 0
	for _, in := range [][]float64{lanes, all} {
		for i := 0; i+16 <= len(in); i += 16 {
			n := 4 * (1 + (i/16)%4) // 2, 4, 6 or 8 trials
			z, y := append([]float64(nil), in[i:i+n]...), make([]float64, n)
			if i%5 == 0 {
				z[1] = z[0] // a tie for the maximum
			}
			for j := range y {
				y[j] = targets[rng.IntN(len(targets))]
			}
			tl, q := make([]float64, n), make([]float64, n)
			if !vmath.BCEPairs(tl, q, z, y) {
				ok := true
				for j := 0; j < n; j += 2 {
					m := max(z[j], z[j+1])
					for _, v := range []float64{-math.Abs(z[j]), -math.Abs(z[j+1]), z[j] - m, z[j+1] - m} {
						ok = ok && v >= -700
					}
				}
				if vmath.Vector() && ok {
					t.Fatalf("z %v refused", z)
				}
				continue
			}
			ran++
			for j := 0; j < n; j += 2 {
				l, q0, q1 := bceValues(z[j], z[j+1], y[j], y[j+1])
				for _, c := range []struct {
					what      string
					got, want float64
				}{{"loss", tl[j], l}, {"1 − p0", q[j], q0}, {"1 − p1", q[j+1], q1}} {
					if math.Float64bits(c.got) != math.Float64bits(c.want) {
						t.Fatalf("z %v, %v, y %v, %v: %s %v (%#x), scalar %v (%#x)", z[j], z[j+1], y[j], y[j+1],
							c.what, c.got, math.Float64bits(c.got), c.want, math.Float64bits(c.want))
					}
				}
			}
		}
	}
	if vmath.Vector() && ran < 4000 {
		t.Fatalf("the lanes ran on %d calls", ran)
	}
	for _, n := range []int{0, 2, 6} {
		z := make([]float64, n)
		if vmath.BCEPairs(z, z, z, z) {
			t.Fatalf("%d values taken", n)
		}
	}
}

// BenchmarkBCEPairs measures the values of 32 trials of 2 logits, the
// vector path and the scalar formulas; ns/trial is per trial.
func BenchmarkBCEPairs(b *testing.B) {
	const n = 64
	rng := rand.New(rand.NewPCG(19, 20))
	z, y, t, q := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64() * 3
		y[i] = float64(i % 2)
	}
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			vmath.BCEPairs(t, q, z, y)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n/2), "ns/trial")
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i := 0; i < n; i += 2 {
				t[i], q[i], q[i+1] = bceValues(z[i], z[i+1], y[i], y[i+1])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n/2), "ns/trial")
	})
}
