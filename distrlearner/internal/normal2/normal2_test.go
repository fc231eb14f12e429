package normal2

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// values returns n inputs mixing the edge cases (zeros of both signs,
// subnormals, huge and tiny magnitudes, infinities, NaN) with random bit
// patterns and the magnitudes a density layer sees.
func values(rng *rand.Rand, n int) []float64 {
	edges := []float64{0, math.Copysign(0, -1), 0x1p-1074, -0x1p-1074, 0x1p-1022, 1e-6, 1e-300, 1e300,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0.5}
	v := make([]float64, n)
	for i := range v {
		switch rng.IntN(4) {
		case 0:
			v[i] = edges[rng.IntN(len(edges))]
		case 1:
			v[i] = math.Float64frombits(rng.Uint64())
		default:
			v[i] = (rng.Float64()*2 - 1) * math.Ldexp(1, rng.IntN(20)-12)
		}
	}
	return v
}

// same reports whether a and b have the same bits, or are both NaN (the
// payload of a NaN made from two NaNs depends on which operand an
// instruction takes first, which the compiler may swap).
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// refForward and refBackward are the layer's scalar expressions, written
// out as the density layer had them, one unit at a time.
func refForward(x0, x1, c, mu0, mu1, s0, s1, ls0, ls1 float64) (w0, w1, arg float64) {
	w0 = (x0 - mu0) / s0
	w1 = (x1 - mu1) / s1
	m := w0*w0 + w1*w1
	hld := ls0 + ls1
	return w0, w1, -0.5*(c+m) - hld
}

func refBackward(dAct, act, w0, w1, s0, s1 float64) (gmu0, gmu1, gs0, gs1, glow float64) {
	g := dAct * act
	b0 := g * w0 / s0
	b1 := g * w1 / s1
	return b0, b1, b0*w0 - g/s0, b1*w1 - g/s1, b1 * w0
}

// TestKernels: Forward and Backward (the vector kernels with their scalar
// tail, or the pure-Go loop under purego) give the scalar expressions'
// bits on random and edge-case inputs, for lists of every length up to 13
// and a long one, the units in random order, and leave every unit not
// listed as it was.
func TestKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const c = 2 * 1.8378770664093453
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 5000} {
		for rep := range 20 {
			N := n + rng.IntN(7)
			units := rng.Perm(N)[:n]
			mu, scale, logS := values(rng, 2*N), values(rng, 2*N), values(rng, 2*N)
			dAct, act := values(rng, N), values(rng, N)
			x := []float64{rng.Float64(), rng.Float64()}
			if rep%3 == 0 {
				x[0] = values(rng, 1)[0]
			}
			w, arg := values(rng, 2*N), make([]float64, n)
			w0 := append([]float64(nil), w...)
			Forward(x, c, units, mu, scale, logS, w, arg)
			listed := make([]bool, N)
			for i, k := range units {
				listed[k] = true
				a, b, e := refForward(x[0], x[1], c, mu[2*k], mu[2*k+1], scale[2*k], scale[2*k+1], logS[2*k], logS[2*k+1])
				if !same(a, w[2*k]) || !same(b, w[2*k+1]) || !same(e, arg[i]) {
					t.Fatalf("Forward, n %d, unit %d (x %v, μ %v %v, σ %v %v, log σ %v %v): got %v %v %v, want %v %v %v",
						n, k, x, mu[2*k], mu[2*k+1], scale[2*k], scale[2*k+1], logS[2*k], logS[2*k+1], w[2*k], w[2*k+1], arg[i], a, b, e)
				}
			}
			for k := range N {
				if !listed[k] && (!same(w0[2*k], w[2*k]) || !same(w0[2*k+1], w[2*k+1])) {
					t.Fatalf("Forward, n %d: unit %d not listed was written", n, k)
				}
			}
			w = values(rng, 2*N) // any w, not only Forward's
			gmu, gscale, glow := values(rng, 2*N), values(rng, 2*N), values(rng, N)
			before := [][]float64{append([]float64(nil), gmu...), append([]float64(nil), gscale...), append([]float64(nil), glow...)}
			Backward(units, dAct, act, w, scale, gmu, gscale, glow)
			for _, k := range units {
				var want [5]float64
				want[0], want[1], want[2], want[3], want[4] = refBackward(dAct[k], act[k], w[2*k], w[2*k+1], scale[2*k], scale[2*k+1])
				got := [5]float64{gmu[2*k], gmu[2*k+1], gscale[2*k], gscale[2*k+1], glow[k]}
				for j := range want {
					if !same(want[j], got[j]) {
						t.Fatalf("Backward, n %d, unit %d, output %d (dAct %v, act %v, w %v %v, σ %v %v): got %v, want %v",
							n, k, j, dAct[k], act[k], w[2*k], w[2*k+1], scale[2*k], scale[2*k+1], got[j], want[j])
					}
				}
			}
			for k := range N {
				if !listed[k] && (!same(before[0][2*k], gmu[2*k]) || !same(before[1][2*k+1], gscale[2*k+1]) || !same(before[2][k], glow[k])) {
					t.Fatalf("Backward, n %d: unit %d not listed was written", n, k)
				}
			}
		}
	}
}

// TestBackwardStep: BackwardStep (the vector kernel with its scalar tail,
// or the pure-Go loop under purego) gives the bits of the association
// layer's backward pass, refBackward and the fused SGD steps written out
// one unit at a time, on random and edge-case inputs, for lists of every
// length up to 13 and a long one, and leaves every unit not listed as it
// was.
func TestBackwardStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 5000} {
		for range 20 {
			N := n + rng.IntN(7)
			units := rng.Perm(N)[:n]
			act, low := values(rng, N), values(rng, N)
			w, a, mu, scale := values(rng, 2*N), values(rng, 2*N), values(rng, 2*N), values(rng, 2*N)
			g := [2]float64(values(rng, 2))
			rate := [3]float64(values(rng, 3))
			if rng.IntN(2) == 0 {
				rate = [3]float64{-0.002, -0.002, -0.025}
			}
			want := [][]float64{slices.Clone(a), slices.Clone(mu), slices.Clone(scale), slices.Clone(low)}
			for _, k := range units {
				j := 2 * k
				a0, a1 := want[0][j], want[0][j+1]
				dAct := g[0]*a0 + g[1]*a1
				want[0][j] = math.FMA(rate[2], act[k]*g[0], a0)
				want[0][j+1] = math.FMA(rate[2], act[k]*g[1], a1)
				gmu0, gmu1, gs0, gs1, glow := refBackward(dAct, act[k], w[j], w[j+1], scale[j], scale[j+1])
				want[1][j] = math.FMA(rate[1], gmu0, mu[j])
				want[1][j+1] = math.FMA(rate[1], gmu1, mu[j+1])
				want[2][j] = math.FMA(rate[0], gs0, scale[j])
				want[2][j+1] = math.FMA(rate[0], gs1, scale[j+1])
				want[3][k] = math.FMA(rate[0], glow, low[k])
			}
			BackwardStep(units, &g, act, w, a, mu, scale, low, &rate)
			for q, got := range [][]float64{a, mu, scale, low} {
				for i := range got {
					if !same(want[q][i], got[i]) {
						t.Fatalf("BackwardStep, n %d, array %d, value %d (unit %d): got %v, want %v", n, q, i, i/(len(got)/N), got[i], want[q][i])
					}
				}
			}
		}
	}
}

// TestForwardScan: ForwardScan clamps and stores the scales, lists those
// that differ from ref in order and sets ref to them, and gives Forward's
// bits with the clamped scales (Arg gives the exponent again from w and
// logS), on random and edge-case inputs, with about half the scales equal
// to ref, for lists of every length up to 13 and a long one.
func TestForwardScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const c, lo = 2 * 1.8378770664093453, 1e-6
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 5000} {
		for range 20 {
			N := n + rng.IntN(7)
			units := rng.Perm(N)[:n]
			mu, scale, logS, ref := values(rng, 2*N), values(rng, 2*N), values(rng, 2*N), values(rng, 2*N)
			for j := range ref {
				if rng.IntN(2) == 0 {
					ref[j] = max(scale[j], lo) // unchanged, NaN aside
				}
			}
			x := []float64{rng.Float64(), rng.Float64()}
			wantScale, wantRef := slices.Clone(scale), slices.Clone(ref)
			var wantAt []int
			for i, k := range units {
				for j := 2 * k; j < 2*k+2; j++ {
					if wantScale[j] < lo {
						wantScale[j] = lo
					}
					if wantScale[j] != wantRef[j] {
						wantRef[j] = wantScale[j]
						wantAt = append(wantAt, 2*i+j-2*k)
					}
				}
			}
			wantW, wantArg := make([]float64, 2*N), make([]float64, n)
			Forward(x, c, units, mu, wantScale, logS, wantW, wantArg)
			w, arg, at := make([]float64, 2*N), make([]float64, n), make([]int, 2*n)
			low := values(rng, N)
			wantLow := slices.Clone(low)
			for _, k := range units {
				wantLow[k] = 0
			}
			got := ForwardScan(x, c, lo, units, mu, scale, logS, ref, w, arg, low, at)
			for k := range low {
				require.True(t, same(wantLow[k], low[k]), "n %d, unit %d: low %v, want %v", n, k, low[k], wantLow[k])
			}
			require.Equal(t, wantAt, append([]int(nil), at[:got]...), "n %d: listed", n)
			for j := range scale {
				require.True(t, same(wantScale[j], scale[j]) && same(wantRef[j], ref[j]) && same(wantW[j], w[j]),
					"n %d, value %d: σ %v ref %v w %v, want %v %v %v", n, j, scale[j], ref[j], w[j], wantScale[j], wantRef[j], wantW[j])
			}
			for i, k := range units {
				require.True(t, same(wantArg[i], arg[i]) && same(wantArg[i], Arg(c, k, w, logS)), "n %d, unit %d: arg %v, Arg %v, want %v", n, k, arg[i], Arg(c, k, w, logS), wantArg[i])
			}
		}
	}
}

// TestOutside: a unit outside the arrays panics, wherever it is in the
// list, instead of reaching memory the kernels must not touch.
func TestOutside(t *testing.T) {
	mu, a := make([]float64, 8), make([]float64, 4)
	for _, units := range [][]int{{0, 4}, {-1, 0}, {1, 2, 3, 4}, {1, 2, 4, 3}, {0, 1, 2, 3, 0, 1, 1 << 62, 2}} {
		require.Panics(t, func() { Forward([]float64{0, 0}, 0, units, mu, mu, mu, mu, make([]float64, len(units))) }, "%v", units)
		require.Panics(t, func() { Backward(units, a, a, mu, mu, mu, mu, a) }, "%v", units)
		require.Panics(t, func() {
			ForwardScan([]float64{0, 0}, 0, 0, units, mu, mu, mu, mu, mu, make([]float64, len(units)), a, make([]int, 2*len(units)))
		}, "%v", units)
		require.Panics(t, func() {
			BackwardStep(units, &[2]float64{}, a, mu, mu, mu, mu, a, &[3]float64{})
		}, "%v", units)
	}
	require.NotPanics(t, func() { Backward([]int{3, 0}, a, a, mu, mu, mu, mu, a) })
	require.NotPanics(t, func() { BackwardStep([]int{3, 0}, &[2]float64{}, a, mu, mu, mu, mu, a, &[3]float64{}) })
}

// bench times one of the kernels over 100 of 500 units (the dual
// stream's typical count of groups); -tags purego times the pure-Go loop.
// ForwardScan finds a fifth of the scales changed, as in the main job.
func bench(b *testing.B, kernel string) {
	rng := rand.New(rand.NewPCG(1, 1))
	const N, n = 500, 100
	units := rng.Perm(N)[:n]
	slices.Sort(units)
	f := func(m int) []float64 {
		v := make([]float64, m)
		for i := range v {
			v[i] = 0.1 + rng.Float64()
		}
		return v
	}
	mu, scale, logS, w, arg := f(2*N), f(2*N), f(2*N), f(2*N), f(n)
	dAct, act, gmu, gscale, glow := f(N), f(N), f(2*N), f(2*N), f(N)
	a, low, at := f(2*N), f(N), make([]int, 2*n)
	x := []float64{0.3, 0.7}
	ref := slices.Clone(scale)
	changed := make([][]int, 16) // a fifth of the scales, at random, per round
	for r := range changed {
		for j := range scale {
			if rng.IntN(5) == 0 {
				changed[r] = append(changed[r], j)
			}
		}
	}
	g, rate := [2]float64{0.1, -0.2}, [3]float64{-1e-9, -1e-9, -1e-9}
	b.ResetTimer()
	for i := range b.N {
		switch kernel {
		case "Forward":
			Forward(x, 3.6, units, mu, scale, logS, w, arg)
		case "Backward":
			Backward(units, dAct, act, w, scale, gmu, gscale, glow)
		case "ForwardScan":
			for _, j := range changed[i%len(changed)] {
				ref[j] = 0 // out of date
			}
			ForwardScan(x, 3.6, 1e-6, units, mu, scale, logS, ref, w, arg, low, at)
		case "BackwardStep":
			BackwardStep(units, &g, act, w, a, mu, scale, low, &rate)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/unit")
}

func BenchmarkForward(b *testing.B)      { bench(b, "Forward") }
func BenchmarkBackward(b *testing.B)     { bench(b, "Backward") }
func BenchmarkForwardScan(b *testing.B)  { bench(b, "ForwardScan") }
func BenchmarkBackwardStep(b *testing.B) { bench(b, "BackwardStep") }
