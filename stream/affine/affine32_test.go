package affine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sizes32 are the awkward widths for the float32 kernels: around one and
// two vectors of 8 and 16 values, the forward pass's chunk of 16 columns
// and its blocks of 8 and 16 rows, and rows 4 KB and 8 KB apart.
var sizes32 = []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 40, 1024, 2048}

// fill32 sets v to normal values with a sprinkle of zeros of either
// sign, subnormals and large magnitudes, where rounding differences
// would show.
func fill32(rng *rand.Rand, v []float32) {
	for i := range v {
		switch rng.IntN(16) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = float32(math.Copysign(0, -1))
		case 2:
			v[i] = float32(rng.NormFloat64() * 1e-40)
		case 3:
			v[i] = float32(rng.NormFloat64() * 1e18)
		default:
			v[i] = float32(rng.NormFloat64())
		}
	}
}

// random32 returns n random values (fill32) that start off values into
// a fresh array, so that the kernels meet every alignment.
func random32(rng *rand.Rand, n, off int) []float32 {
	v := make([]float32, off+n)[off:]
	fill32(rng, v)
	return v
}

func clone32(v []float32) []float32 {
	if v == nil {
		return nil
	}
	return append([]float32(nil), v...)
}

// sameBits32 reports the first index where a and b differ in their bits.
func sameBits32(t *testing.T, what string, want, got []float32) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
			t.Fatalf("%s[%d] = %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestForward32VecMatchesGo: the vector float32 forward pass equals the
// pure-Go one bit for bit, for every pair of awkward sizes and offsets.
func TestForward32VecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, rows := range sizes32 {
			for _, n := range sizes32 {
				if rows*n > 1<<16 {
					continue // 1024×1024 adds time, not cases
				}
				off := rng.IntN(8)
				w, x, b := random32(rng, rows*n, off), random32(rng, n, off/2), random32(rng, rows, off/4)
				want, got := make([]float32, rows), make([]float32, rows)
				forwardGo(w, x, b, want)
				forward32With(k, w, x, b, got)
				what := fmt.Sprintf("%s: y [%d×%d] offset %d", k.name, rows, n, off)
				sameBits32(t, what, want, got)
				// Both kernels, whichever forward32With chose.
				p := rows - rows%8
				clear(got)
				k.forward32(w[:p*n], x, b[:p], got[:p], tailMask32[8-n%8:][:8])
				sameBits32(t, what+" forward32", want[:p], got[:p])
				if n%aliasN32 == 0 && n > 0 {
					p := rows - rows%16
					clear(got)
					k.forward32Lag(w[:p*n], x, b[:p], got[:p])
					sameBits32(t, what+" forward32Lag", want[:p], got[:p])
				}
			}
		}
	}
}

// TestBackwardStep32VecMatchesGo: the vector float32 backward passes and
// steps, with and without dx and momentum, equal the pure-Go ones bit for
// bit, for every pair of awkward sizes and offsets.
func TestBackwardStep32VecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(23, 24))
		const a, m = -0.37, 0.3
		for _, rows := range sizes32 {
			for _, n := range sizes32 {
				if rows*n > 1<<16 {
					continue
				}
				for _, withDx := range []bool{true, false} {
					for _, momentum := range []bool{false, true} {
						off := rng.IntN(8)
						what := fmt.Sprintf("%s: [%d×%d] offset %d dx %v momentum %v", k.name, rows, n, off, withDx, momentum)
						w, v := random32(rng, rows*n, off), random32(rng, rows*n, off/2)
						x, dy := random32(rng, n, off/4), random32(rng, rows, 1)
						var dx []float32
						if withDx {
							dx = random32(rng, n, 3-off%4)
						}
						wGo, vGo, dxGo := clone32(w), clone32(v), clone32(dx)
						if momentum {
							backwardStepMomentum32With(nil, wGo, vGo, x, dy, dxGo, a, m)
							backwardStepMomentum32With(k, w, v, x, dy, dx, a, m)
						} else {
							backwardStep32With(nil, wGo, x, dy, dxGo, a)
							backwardStep32With(k, w, x, dy, dx, a)
						}
						sameBits32(t, "w "+what, wGo, w)
						sameBits32(t, "v "+what, vGo, v)
						sameBits32(t, "dx "+what, dxGo, dx)
					}
				}
			}
		}
	}
}

// TestStep32VecMatchesGo: the vector float32 steps, with and without
// momentum, equal the pure-Go ones bit for bit at every awkward length
// and offset, and in a case where rounding the fused sum in float32
// directly would differ from rounding it first to float64.
func TestStep32VecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(25, 26))
		for _, n := range append(sizes32, 47, 48, 49, 65) {
			for off := range 4 {
				what := fmt.Sprintf("%s: [%d] offset %d", k.name, n, off)
				val, v, d := random32(rng, n, off), random32(rng, n, 3-off), random32(rng, n, off/2)
				want := clone32(val)
				stepGo(want, -0.37, d)
				got := clone32(val)
				step32With(k, got, -0.37, d)
				sameBits32(t, "step "+what, want, got)

				wantV := clone32(v)
				stepMomentumGo(want, wantV, d, -0.37, 0.3)
				stepMomentum32With(k, got, v, d, -0.37, 0.3)
				sameBits32(t, "step momentum val "+what, want, got)
				sameBits32(t, "step momentum v "+what, wantV, v)
			}
		}
	}
}

// TestReLU32VecMatchesGo: the vector float32 ReLU and its gradient equal
// the pure-Go ones bit for bit, with zeros of both signs, NaNs,
// infinities and subnormals among the values, in place and not, at
// every awkward length and offset.
func TestReLU32VecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(27, 28))
		for _, n := range append(sizes32, 47, 48, 49, 65) {
			off := rng.IntN(4)
			z := random32(rng, n, off)
			for i := range z {
				switch rng.IntN(10) {
				case 0:
					z[i] = float32(math.NaN())
				case 9: // a NaN with its sign set, what ∞ − ∞ gives
					z[i] = float32(defaultNaN)
				case 1:
					z[i] = float32(math.Inf(2*rng.IntN(2) - 1))
				}
			}
			what := fmt.Sprintf("%s: [%d] offset %d", k.name, n, off)
			want, got := make([]float32, n), make([]float32, n)
			reluGo(z, want)
			relu32With(k, z, got)
			sameBits32(t, "relu "+what, want, got)
			inPlace := clone32(z)
			relu32With(k, inPlace, inPlace)
			sameBits32(t, "relu in place "+what, want, inPlace)

			a, da := want, random32(rng, n, 3-off) // a: a ReLU's output
			wantD, gotD := make([]float32, n), make([]float32, n)
			reluBackward32Go(a, da, wantD)
			reluBackward32With(k, a, da, gotD)
			sameBits32(t, "relu backward "+what, wantD, gotD)
			reluBackward32With(k, a, da, da)
			sameBits32(t, "relu backward in place "+what, wantD, da)
		}
	}
}

// TestFMA32DoubleRounding pins the step's rounding on both paths to
// FMA[float32]'s (once to float64, then to float32) where a float32 FMA
// would round once: 1 + 2⁻²⁴ + 2⁻⁶⁰ is just above the tie between 1 and
// its float32 successor (where one rounding goes), and its float64
// rounding lands on the tie, which rounds to even: 1.
func TestFMA32DoubleRounding(t *testing.T) {
	a, d := float32(0x1p-25*(1+0x1p-12)), float32(2-4095*0x1p-23)
	if float64(a)*float64(d) != 0x1p-24+0x1p-60 {
		t.Fatal("the example's product is not 2⁻²⁴ + 2⁻⁶⁰")
	}
	const want = float32(1)
	for _, k := range append([]*kernelSet{nil}, kernelSets()...) {
		for _, n := range []int{1, 16, 17} {
			val, dv := make([]float32, n), make([]float32, n)
			for i := range val {
				val[i], dv[i] = 1, d
			}
			step32With(k, val, a, dv)
			for i, v := range val {
				if v != want {
					t.Fatalf("set %v, [%d]: val[%d] = %v (%#x), want %v", k, n, i, v, math.Float32bits(v), want)
				}
			}
		}
	}
}

// TestKernels32Values checks the float32 kernels against sums and steps
// written out in float32 on a small case, and that they round each
// product to float32 (a float64 sum would differ).
func TestKernels32Values(t *testing.T) {
	w := []float32{1, 2, 3, 4, 5, 6} // 2×3
	x := []float32{0.1, 0.2, 0.3}
	b := []float32{0.5, -0.5}
	y := make([]float32, 2)
	Forward32(w, x, b, y)
	for o := range 2 {
		var s float32
		for j := range 3 {
			s += w[o*3+j] * x[j]
		}
		if want := s + b[o]; y[o] != want {
			t.Errorf("Forward32: y[%d] = %v, want %v", o, y[o], want)
		}
	}
	dy := []float32{1, -2}
	dx := make([]float32, 3)
	w0 := append([]float32(nil), w...)
	BackwardStep32(w, x, dy, dx, -0.1)
	for j := range 3 {
		if want := dy[0]*w0[j] + dy[1]*w0[3+j]; math.Abs(float64(dx[j]-want)) > 1e-6 {
			t.Errorf("BackwardStep32: dx[%d] = %v, want %v", j, dx[j], want)
		}
		for o := range 2 {
			want := float32(float64(w0[o*3+j]) - 0.1*float64(dy[o]*x[j]))
			if d := math.Abs(float64(w[o*3+j] - want)); d > 1e-6 {
				t.Errorf("BackwardStep32: w[%d,%d] = %v, want %v", o, j, w[o*3+j], want)
			}
		}
	}
	v := make([]float32, 6)
	w = append(w[:0], w0...)
	BackwardStepMomentum32(w, v, x, dy, nil, -0.1, 0.3)
	for i := range w {
		if want := dy[i/3] * x[i%3]; v[i] != want {
			t.Errorf("BackwardStepMomentum32: v[%d] = %v, want %v (the first step's gradient)", i, v[i], want)
		}
	}
}

// BenchmarkKernels32 times the float32 kernels on both paths at the
// widths of the default network, of a layer in L2 and of the widest of
// the sweep (1024×1024: 4 MB).
func BenchmarkKernels32(b *testing.B) {
	benchKernels(b, kernelOps[float32]{
		forward: forward32With, step: step32With, backwardStep: backwardStep32With,
		backwardStepMomentum: backwardStepMomentum32With, stepMomentum: stepMomentum32With,
		relu: relu32With, reluBackward: reluBackward32With,
	})
}
