package affine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sizes are the awkward widths the kernels are tested on: empty, shorter
// than a vector, around one and two vectors, the default network's, the
// widest row the register kernels hold and one more, and large.
var sizes = []int{0, 1, 3, 5, 7, 8, 9, 17, 25, 31, 32, 33, 1024}

// fill sets v to normal values with a sprinkle of zeros of either sign,
// subnormals and large magnitudes, where rounding differences would show.
func fill(rng *rand.Rand, v []float64) {
	for i := range v {
		switch rng.IntN(16) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = math.Copysign(0, -1)
		case 2:
			v[i] = rng.NormFloat64() * 1e-310
		case 3:
			v[i] = rng.NormFloat64() * 1e150
		default:
			v[i] = rng.NormFloat64()
		}
	}
}

func random(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	fill(rng, v)
	return v
}

func clone(v []float64) []float64 { return append([]float64(nil), v...) }

// sameBits reports the first index where a and b differ in their bits.
func sameBits(t *testing.T, what string, want, got []float64) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("%s[%d] = %v (%#x), want %v (%#x)", what, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
}

// vecSets returns the kernel sets to test, skipping without any.
func vecSets(t testing.TB) []*kernelSet {
	ks := kernelSets()
	if len(ks) == 0 {
		t.Skip("no vector kernels in this build or on this CPU")
	}
	return ks
}

// TestForwardVecMatchesGo: the vector forward pass equals the pure-Go one
// bit for bit, for every pair of awkward sizes.
func TestForwardVecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, rows := range sizes {
			for _, n := range sizes {
				if rows*n > 1<<16 {
					continue // 1024×1024 adds time, not cases: 1024 meets every other size
				}
				w, x, b := random(rng, rows*n), random(rng, n), random(rng, rows)
				for i := range b { // NaNs and infinities for the ReLU
					switch rng.IntN(10) {
					case 0:
						b[i] = math.NaN()
					case 1:
						b[i] = math.Inf(2*rng.IntN(2) - 1)
					}
				}
				for _, relu := range []bool{false, true} {
					want, got := make([]float64, rows), make([]float64, rows)
					forwardGo(w, x, b, want)
					r := uint64(0)
					if relu {
						reluGo(want, want)
						r = 1
					}
					what := fmt.Sprintf("y [%d×%d] relu %v", rows, n, relu)
					forwardReLUWith(k, w, x, b, got, relu)
					sameBits(t, k.name+": "+what, want, got)
					// Both row blockings, whichever forwardReLUWith chose.
					kernels := map[string]func(w, x, b, y []float64){
						"16 rows": func(w, x, b, y []float64) { k.forward(w, x, b, y, r) },
						"8 rows":  func(w, x, b, y []float64) { k.forwardRows8(w, x, b, y, r) },
					}
					if k.forwardT != nil {
						kernels["transposed"] = func(w, x, b, y []float64) {
							p := len(y) - len(y)%panelRows
							k.forwardT(w[:p*len(x)], x, b[:p], y[:p], 1<<(len(x)%8)-1, r)
							k.forward(w[p*len(x):], x, b[p:], y[p:], r)
						}
						if rows >= panelRows {
							kernels["transposed, the rows after the panels in its pass"] = func(w, x, b, y []float64) {
								p := panelsOf(len(y))
								k.forwardT(w[:p*len(x)], x, b[:p], y[:p], 1<<(len(x)%8)-1, r)
								k.forward(w[p*len(x):], x, b[p:], y[p:], r)
							}
						}
					}
					for name, f := range kernels {
						clear(got)
						f(w, x, b, got)
						sameBits(t, fmt.Sprintf("%s (%s): %s", k.name, name, what), want, got)
					}
				}
			}
		}
	}
}

// TestForwardTEveryTail runs the transposing forward kernel over one and
// two panels followed by every number of rows it sums in the last panel's
// pass (0 to panelExtra), at widths with and without a masked chunk,
// against plain Go, with awkward values and with tame ones (see
// TestForwardWideMatchesGo).
func TestForwardTEveryTail(t *testing.T) {
	for _, k := range vecSets(t) {
		if k.forwardT == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(15, 16))
		for _, n := range []int{8, 9, 15, 16, 17, 25, 31, 33, 256, 768} {
			for rows := panelRows; rows <= 2*panelRows+panelExtra; rows++ {
				if rows%panelRows > panelExtra {
					continue
				}
				for _, values := range []func(*rand.Rand, int) []float64{random, tame} {
					w, x, b := values(rng, rows*n), values(rng, n), values(rng, rows)
					b[rows-1] = math.NaN()
					for _, relu := range []uint64{0, 1} {
						want, got := make([]float64, rows), make([]float64, rows+1)
						forwardGo(w, x, b, want)
						if relu != 0 {
							reluGo(want, want)
						}
						got[rows] = 42 // past the end: never written
						k.forwardT(w, x, b, got[:rows], 1<<(n%8)-1, relu)
						sameBits(t, fmt.Sprintf("%s: y [%d×%d] relu %d", k.name, rows, n, relu), want, got[:rows])
						if got[rows] != 42 {
							t.Fatalf("%s: y [%d×%d]: wrote past the end", k.name, rows, n)
						}
					}
				}
			}
		}
	}
}

// defaultNaN is x86's default NaN, what an infinity less an infinity
// gives: the NaN whose payload no order of operands can change.
var defaultNaN = math.Float64frombits(0xfff8000000000000)

// sprinkle sets about one value in every `every` of each of vs (at least
// one) to +∞, −∞ or defaultNaN, at random, and returns where the NaNs are.
func sprinkle(rng *rand.Rand, every int, vs ...[]float64) []*float64 {
	var at []*float64
	for _, v := range vs {
		for range 1 + len(v)/every {
			i := rng.IntN(len(v))
			switch rng.IntN(3) {
			case 0:
				v[i] = math.Inf(1)
			case 1:
				v[i] = math.Inf(-1)
			default:
				v[i] = defaultNaN
				at = append(at, &v[i])
			}
		}
	}
	return at
}

// TestForwardWideMatchesGo runs the wide forward kernel (rows 4 KB apart)
// at widths of one, two and four times 4 KB and row counts with and
// without rows after its blocks of 32, called directly and through the
// dispatch (the rows after it in the 8-row kernel), against plain Go, with
// NaNs, infinities, zeros of both signs, subnormals and large magnitudes in
// W, x and b, ReLU on and off. Where two NaNs meet, which one's payload
// an addition keeps depends on its operands' order, which Go's compiler
// chooses: against plain Go the NaNs are x86's default NaN (what an
// infinity less an infinity gives), so that every NaN has the same bits;
// against the 8-row kernel it replaces, Go's math.NaN(), whose payload
// the two kernels keep alike. Each shape runs
// again with tame values (no large magnitudes, infinities or NaNs): with
// them, a row's few products of 1e150s absorb its other terms and its
// bias, so that the sums would hide a term out of order or the bias added
// first.
func TestForwardWideMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		if k.forwardWide == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(17, 18))
		for c, tc := range []struct{ rows, n int }{
			{32, 512}, {33, 512}, {71, 512}, {32, 1024}, {64, 1024}, {95, 1024}, {32, 2048}, {39, 2048},
		} {
			for _, awkward := range []bool{true, false} {
				rows, n := tc.rows, tc.n
				values := tame
				if awkward {
					values = random
				}
				w, x, b := values(rng, rows*n), values(rng, n), values(rng, rows)
				var at []*float64 // where the NaNs are
				if awkward {
					special := [][]float64{w, b}
					if c%2 == 1 { // an infinity or a NaN in x reaches every row
						special = append(special, x)
					}
					at = sprinkle(rng, 500, special...)
				}
				p, wide := leadRows(k, n, rows)
				if !wide || p != rows-rows%wideRows {
					t.Fatalf("%s: [%d×%d]: the dispatch gives the wide kernel %d rows (%v), want %d", k.name, rows, n, p, wide, rows-rows%wideRows)
				}
				for _, relu := range []uint64{0, 1} {
					what := fmt.Sprintf("%s: y [%d×%d] relu %d, awkward values %v", k.name, rows, n, relu, awkward)
					want := make([]float64, rows)
					forwardGo(w, x, b, want)
					if relu != 0 {
						reluGo(want, want)
					}
					got := make([]float64, p+2)
					got[0], got[p+1] = 42, 42 // before and after y: never written
					k.forwardWide(w[:p*n], x, b[:p], got[1:p+1], relu)
					sameBits(t, what+" (the kernel)", want[:p], got[1:p+1])
					if got[0] != 42 || got[p+1] != 42 {
						t.Fatalf("%s: wrote outside y", what)
					}
					got = make([]float64, rows)
					forwardReLUWith(k, w, x, b, got, relu != 0)
					sameBits(t, what+" (the dispatch)", want, got)

					for _, v := range at {
						*v = math.NaN()
					}
					k.forwardRows8(w[:p*n], x, b[:p], want[:p], relu)
					k.forwardWide(w[:p*n], x, b[:p], got[:p], relu)
					sameBits(t, what+", Go's NaNs (against the 8-row kernel)", want[:p], got[:p])
					for _, v := range at {
						*v = defaultNaN
					}
				}
			}
		}
	}
}

// TestBackwardStepVecMatchesGo: the vector backward passes and steps, with
// and without dx and momentum, equal the pure-Go ones bit for bit.
func TestBackwardStepVecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		testBackwardStep(t, k)
	}
}

func testBackwardStep(t *testing.T, k *kernelSet) {
	rng := rand.New(rand.NewPCG(3, 4))
	const a, m = -0.37, 0.3
	for _, rows := range sizes {
		for _, n := range sizes {
			if rows*n > 1<<16 {
				continue // 1024×1024 adds time, not cases: 1024 meets every other size
			}
			for _, withDx := range []bool{true, false} {
				for _, momentum := range []bool{false, true} {
					what := fmt.Sprintf("%s: [%d×%d] dx %v momentum %v", k.name, rows, n, withDx, momentum)
					w, v, x, dy := random(rng, rows*n), random(rng, rows*n), random(rng, n), random(rng, rows)
					var dx []float64
					if withDx {
						dx = random(rng, n)
					}
					wGo, vGo, dxGo := clone(w), clone(v), clone(dx)
					if momentum {
						backwardStepMomentumWith(nil, wGo, vGo, x, dy, dxGo, a, m)
					} else {
						backwardStepWith(nil, wGo, x, dy, dxGo, a)
					}
					for _, kern := range backwardKernels(k, x, withDx, momentum) {
						w, v, dx := clone(w), clone(v), clone(dx)
						kern.f(w, v, x, dy, dx, a, m)
						sameBits(t, "w "+what+" "+kern.name, wGo, w)
						sameBits(t, "v "+what+" "+kern.name, vGo, v)
						sameBits(t, "dx "+what+" "+kern.name, dxGo, dx)
					}
				}
			}
		}
	}
}

// TestBackwardStepWideMatchesGo runs the backward pass and step of
// matrices of at least wideW weights through the dispatch, whose wide
// kernel takes the rows up to a multiple of 8 when len(x) is a multiple of
// 8, against plain Go, with infinities, NaNs, zeros of both signs,
// subnormals and large magnitudes in W, x and dy: NaNs of x86's default
// bits against plain Go, and Go's math.NaN() against the 4-row kernel, as
// in TestForwardWideMatchesGo; and again with tame values where it takes
// the wide kernel, whose dx_j's sums no product of 1e150s absorbs.
func TestBackwardStepWideMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		if k.backwardStepWide == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(19, 20))
		for c, tc := range []struct {
			rows, n int
			wide    bool
		}{
			{1024, 1024, true}, {1031, 1024, true}, {129, 8192, true}, {1025, 1025, false}, {1023, 1024, false},
		} {
			for _, awkward := range []bool{true, false} {
				if !awkward && !tc.wide {
					continue
				}
				rows, n := tc.rows, tc.n
				values := tame
				if awkward {
					values = random
				}
				w, x, dy := values(rng, rows*n), values(rng, n), values(rng, rows)
				var at []*float64
				if awkward {
					special := [][]float64{w, dy}
					if c%2 == 1 { // an infinity or a NaN in x reaches every row's step
						special = append(special, x)
					}
					at = sprinkle(rng, 5000, special...)
				}
				what := fmt.Sprintf("%s: [%d×%d], awkward values %v", k.name, rows, n, awkward)
				if wide := len(w) >= wideW && n%8 == 0; wide != tc.wide {
					t.Fatalf("%s: the wide kernel %v, want %v", what, wide, tc.wide)
				}
				wGo, dxGo, wVec, dxVec := clone(w), make([]float64, n), clone(w), make([]float64, n)
				backwardStepWith(nil, wGo, x, dy, dxGo, -0.37)
				backwardStepWith(k, wVec, x, dy, dxVec, -0.37)
				sameBits(t, what+": w", wGo, wVec)
				sameBits(t, what+": dx", dxGo, dxVec)
				if !tc.wide {
					continue
				}
				for _, v := range at {
					*v = math.NaN()
				}
				w4, dx4 := clone(w), make([]float64, n)
				k.backwardStep(w4, x, dy, dx4, -0.37)
				wVec, dxVec = clone(w), make([]float64, n)
				backwardStepWith(k, wVec, x, dy, dxVec, -0.37)
				sameBits(t, what+", Go's NaNs: w (against the 4-row kernel)", w4, wVec)
				sameBits(t, what+", Go's NaNs: dx (against the 4-row kernel)", dx4, dxVec)
			}
		}
	}
}

// backwardKernel is one way of running a backward pass and step.
type backwardKernel struct {
	name string
	f    func(w, v, x, dy, dx []float64, a, m float64)
}

// backwardKernels returns the dispatch of k and, with dx, both of its
// loop orders whatever the dispatch would choose, so that every kernel
// meets every size.
func backwardKernels(k *kernelSet, x []float64, withDx, momentum bool) []backwardKernel {
	ks := []backwardKernel{{"dispatch", func(w, v, x, dy, dx []float64, a, m float64) {
		if momentum {
			backwardStepMomentumWith(k, w, v, x, dy, dx, a, m)
		} else {
			backwardStepWith(k, w, x, dy, dx, a)
		}
	}}}
	if !withDx {
		return ks
	}
	cleared := func(f func(w, v, x, dy, dx []float64, a, m float64)) func(w, v, x, dy, dx []float64, a, m float64) {
		return func(w, v, x, dy, dx []float64, a, m float64) {
			clear(dx)
			f(w, v, x, dy, dx, a, m)
		}
	}
	if k.backwardStepRow != nil && len(x) <= rowN {
		if momentum {
			ks = append(ks, backwardKernel{"row", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.momentumRow(w, v, x, dy, dx, nil, a, m) })})
		} else {
			ks = append(ks, backwardKernel{"row", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.backwardStepRow(w, x, dy, dx, nil, a) })})
		}
	}
	if momentum {
		return append(ks,
			backwardKernel{"rows", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.momentum(w, v, x, dy, dx, a, m) })},
			backwardKernel{"cols", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.momentumCols(w, v, x, dy, dx, a, m) })})
	}
	if k.backwardStepWide != nil && len(x)%8 == 0 {
		// The rows past a multiple of 8 in the 4-row kernel, as the dispatch runs them.
		ks = append(ks, backwardKernel{"wide", cleared(func(w, v, x, dy, dx []float64, a, m float64) {
			n, p := len(x), len(dy)-len(dy)%wideStepRows
			k.backwardStepWide(w[:p*n], x, dy[:p], dx, a)
			k.backwardStep(w[p*n:], x, dy[p:], dx, a)
		})})
	}
	if k.backwardStepListed != nil && len(x)%8 == 0 && len(x) > 0 {
		ks = append(ks, backwardKernel{"listed", cleared(func(w, v, x, dy, dx []float64, a, m float64) { listedRows(k, w, x, dy, dx, a) })})
	}
	return append(ks,
		backwardKernel{"rows", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.backwardStep(w, x, dy, dx, a) })},
		backwardKernel{"cols", cleared(func(w, v, x, dy, dx []float64, a, m float64) { k.backwardStepCols(w, x, dy, dx, a) })})
}

// TestReLUVecMatchesGo: the vector ReLU and its gradient equal the
// pure-Go ones bit for bit, with zeros of both signs, NaNs, infinities
// and subnormals among the values, in place and not.
func TestReLUVecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, n := range append(sizes, 15, 16, 31, 65) {
			z := random(rng, n)
			for i := range z {
				switch rng.IntN(10) {
				case 0:
					z[i] = math.NaN()
				case 9: // a NaN with its sign set, what ∞ − ∞ gives
					z[i] = defaultNaN
				case 1:
					z[i] = math.Inf(2*rng.IntN(2) - 1)
				}
			}
			what := fmt.Sprintf("%s: [%d]", k.name, n)
			want, got := make([]float64, n), make([]float64, n)
			reluGo(z, want)
			reluWith(k, z, got)
			sameBits(t, "relu "+what, want, got)
			inPlace := clone(z)
			reluWith(k, inPlace, inPlace)
			sameBits(t, "relu in place "+what, want, inPlace)

			a, da := want, random(rng, n) // a: a ReLU's output
			wantD, gotD := make([]float64, n), make([]float64, n)
			reluBackwardGo(a, da, wantD)
			reluBackwardWith(k, a, da, gotD)
			sameBits(t, "relu backward "+what, wantD, gotD)
			reluBackwardWith(k, a, da, da)
			sameBits(t, "relu backward in place "+what, wantD, da)
		}
	}
}

// TestStepMomentumVecMatchesGo: the vector SGD step with momentum equals
// the pure-Go one bit for bit at every awkward length.
func TestStepMomentumVecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, n := range append(sizes, 15, 16, 31, 32, 33, 65) {
			val, v, d := random(rng, n), random(rng, n), random(rng, n)
			want, wantV := clone(val), clone(v)
			stepMomentumGo(want, wantV, d, -0.37, 0.3)
			stepMomentumWith(k, val, v, d, -0.37, 0.3)
			sameBits(t, fmt.Sprintf("%s: val [%d]", k.name, n), want, val)
			sameBits(t, fmt.Sprintf("%s: v [%d]", k.name, n), wantV, v)
		}
	}
}

// TestStepVecMatchesGo: the vector SGD step equals the pure-Go one bit
// for bit at every awkward length.
func TestStepVecMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, n := range append(sizes, 15, 16, 31, 32, 33, 65) {
			val, d := random(rng, n), random(rng, n)
			want := clone(val)
			stepGo(want, -0.37, d)
			stepWith(k, val, -0.37, d)
			sameBits(t, fmt.Sprintf("%s: val [%d]", k.name, n), want, val)
		}
	}
}

// TestKernelsValues checks the kernels against sums written out by hand
// on a 2×3 layer, so that both paths are held to the definition.
func TestKernelsValues(t *testing.T) {
	w := []float64{1, 2, 3, 4, 5, 6}
	x := []float64{1, -1, 2}
	y := make([]float64, 2)
	Forward(w, x, []float64{0.5, -0.5}, y)
	sameBits(t, "y", []float64{1 - 2 + 6 + 0.5, 4 - 5 + 12 - 0.5}, y)

	dy := []float64{1, -2}
	dx := make([]float64, 3)
	v := []float64{1, 1, 1, 1, 1, 1}
	BackwardStepMomentum(w, v, x, dy, dx, -0.5, 0.5)
	sameBits(t, "dx", []float64{1 - 8, 2 - 10, 3 - 12}, dx)
	sameBits(t, "v", []float64{0.5 + 1, 0.5 - 1, 0.5 + 2, 0.5 - 2, 0.5 + 2, 0.5 - 4}, v)
	sameBits(t, "w", []float64{1 - 0.75, 2 + 0.25, 3 - 1.25, 4 + 0.75, 5 - 1.25, 6 + 1.75}, w)

	BackwardStep(w, x, dy, nil, -1)
	sameBits(t, "w", []float64{0.25 - 1, 2.25 + 1, 1.75 - 2, 4.75 + 2, 3.75 - 2, 7.75 + 4}, w)

	// −0.1·0.1 + 0.1·0.1 is 0 with the product rounded, and its rounding
	// error (≈ 5.6e-19) with one rounding.
	p := 0.1
	sq := float64(p * p)
	val := []float64{-sq, -sq, -sq, -sq, -sq}
	Step(val, p, []float64{p, p, p, p, p})
	want := math.FMA(p, p, -sq)
	if want == 0 {
		t.Fatal("the example does not tell one rounding from two")
	}
	sameBits(t, "val", []float64{want, want, want, want, want}, val)
}

// BenchmarkKernels times every kernel on both paths at the widths of the
// default network (25×3, its first layer, stepped without dx as one flat
// vector with AVX-512; 25: the backward passes in registers), of
// a layer that fits in L2 (256) and of the widest of the sweep (1024: 8
// MB, the forward pass 8 rows at a time), as the dispatch chooses them.
func BenchmarkKernels(b *testing.B) {
	benchKernels(b, kernelOps[float64]{
		forward: forwardWith, step: stepWith, backwardStep: backwardStepWith,
		backwardStepMomentum: backwardStepMomentumWith, stepMomentum: stepMomentumWith,
		relu: reluWith, reluBackward: reluBackwardWith,
	})
}

// BenchmarkWideLayers times the kernels of the sweep's widest network
// (three hidden layers of 1024) on every path as a trial runs them: two
// 8 MB matrices in turn, 16.8 MB that the caches do not hold as they hold
// BenchmarkKernels' one matrix called again and again; the forward passes
// of both, the backward passes and steps of both (from the top), and the
// two after each other as in a trial.
func BenchmarkWideLayers(b *testing.B) {
	const n = 1024
	rng := rand.New(rand.NewPCG(9, 10))
	normal := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64() / 32
		}
		return v
	}
	w1, w2, x, b1, b2 := normal(n*n), normal(n*n), normal(n), normal(n), normal(n)
	y1, y2, dy1, dy2, dx1, dx2 := make([]float64, n), make([]float64, n), normal(n), normal(n), make([]float64, n), make([]float64, n)
	for _, k := range append([]*kernelSet{nil}, kernelSets()...) {
		path := "go"
		if k != nil {
			path = k.name
		}
		forward := func() {
			forwardReLUWith(k, w1, x, b1, y1, true)
			forwardReLUWith(k, w2, y1, b2, y2, true)
		}
		// A step of 0: the same operations, the weights kept as they are.
		backward := func() {
			backwardStepReLUWith(k, w2, y1, dy2, dx2, y1, 0)
			backwardStepWith(k, w1, x, dy1, dx1, 0)
		}
		b.Run("Forward/"+path, func(b *testing.B) {
			for b.Loop() {
				forward()
			}
		})
		b.Run("BackwardStep/"+path, func(b *testing.B) {
			for b.Loop() {
				backward()
			}
		})
		b.Run("Trial/"+path, func(b *testing.B) {
			for b.Loop() {
				forward()
				backward()
			}
		})
	}
}

// kernelOps are one precision's kernels, each run with a kernel set (nil:
// plain Go), for benchKernels.
type kernelOps[T float32 | float64] struct {
	forward              func(k *kernelSet, w, x, b, y []T)
	step                 func(k *kernelSet, val []T, a T, d []T)
	backwardStep         func(k *kernelSet, w, x, dy, dx []T, a T)
	backwardStepMomentum func(k *kernelSet, w, v, x, dy, dx []T, a, m T)
	stepMomentum         func(k *kernelSet, val, v, d []T, a, m T)
	relu                 func(k *kernelSet, z, a []T)
	reluBackward         func(k *kernelSet, a, da, dz []T)
}

// benchKernels times every kernel of ops on every path (plain Go and each
// kernel set this CPU runs) at a small, a middle and the widest layer.
func benchKernels[T float32 | float64](b *testing.B, ops kernelOps[T]) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{25, 3}, {25, 25}, {256, 256}, {1024, 1024}} {
		rows, n := sz[0], sz[1]
		// Normal values only: a subnormal operand costs a slow microcode path.
		normal := func(n int) []T {
			v := make([]T, n)
			for i := range v {
				v[i] = T(rng.NormFloat64())
			}
			return v
		}
		w, v, x, bias, dy := normal(rows*n), make([]T, rows*n), normal(n), normal(rows), normal(rows)
		y, dx, dz := make([]T, rows), make([]T, n), make([]T, rows)
		for _, k := range append([]*kernelSet{nil}, kernelSets()...) {
			path := "go"
			if k != nil {
				path = k.name
			}
			name := func(kernel string) string { return fmt.Sprintf("%s/%dx%d/%s", kernel, rows, n, path) }
			b.Run(name("Forward"), func(b *testing.B) {
				for b.Loop() {
					ops.forward(k, w, x, bias, y)
				}
			})
			b.Run(name("Step"), func(b *testing.B) {
				for b.Loop() {
					ops.step(k, w, -1e-9, v)
				}
			})
			b.Run(name("BackwardStep"), func(b *testing.B) {
				for b.Loop() {
					ops.backwardStep(k, w, x, dy, dx, -1e-9)
				}
			})
			b.Run(name("BackwardStepMomentum"), func(b *testing.B) {
				for b.Loop() {
					ops.backwardStepMomentum(k, w, v, x, dy, dx, -1e-9, 0.3)
				}
			})
			// Without dx: a network's first layer (the flat kernels below 8 columns).
			b.Run(name("BackwardStepMomentumNoDx"), func(b *testing.B) {
				for b.Loop() {
					ops.backwardStepMomentum(k, w, v, x, dy, nil, -1e-9, 0.3)
				}
			})
			// The vectors of a layer's width: its biases and activations.
			b.Run(name("StepMomentum"), func(b *testing.B) {
				for b.Loop() {
					ops.stepMomentum(k, bias, y, dy, -1e-9, 0.3)
				}
			})
			b.Run(name("ReLU"), func(b *testing.B) {
				for b.Loop() {
					ops.relu(k, bias, y)
				}
			})
			b.Run(name("ReLUBackward"), func(b *testing.B) {
				for b.Loop() {
					ops.reluBackward(k, y, dy, dz)
				}
			})
		}
	}
}

// TestBackwardStepRowEveryWidth runs the register kernels at every width
// they take (each combination of their zmm, ymm, xmm and scalar parts)
// against plain Go.
func TestBackwardStepRowEveryWidth(t *testing.T) {
	for _, k := range vecSets(t) {
		if k.backwardStepRow == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(13, 14))
		for n := range rowN + 1 {
			for _, rows := range []int{1, 5} {
				for _, momentum := range []bool{false, true} {
					w, v, x, dy, dx := random(rng, rows*n), random(rng, rows*n), random(rng, n), random(rng, rows), random(rng, n)
					wGo, vGo, dxGo := clone(w), clone(v), clone(dx)
					if momentum {
						backwardStepMomentumWith(nil, wGo, vGo, x, dy, dxGo, -0.37, 0.3)
						k.momentumRow(w, v, x, dy, dx, nil, -0.37, 0.3)
					} else {
						backwardStepWith(nil, wGo, x, dy, dxGo, -0.37)
						k.backwardStepRow(w, x, dy, dx, nil, -0.37)
					}
					what := fmt.Sprintf("%s: [%d×%d] momentum %v", k.name, rows, n, momentum)
					sameBits(t, "w "+what, wGo, w)
					sameBits(t, "v "+what, vGo, v)
					sameBits(t, "dx "+what, dxGo, dx)
				}
			}
		}
	}
}

// TestBackwardStepFlatEveryShape runs the flat kernels (no dx, fewer than
// flatN columns) at every width they take and at row counts covering
// every tail of the last 8 rows and of the last vector, against plain Go.
func TestBackwardStepFlatEveryShape(t *testing.T) {
	for _, k := range vecSets(t) {
		if k.backwardStepFlat == nil {
			continue
		}
		rng := rand.New(rand.NewPCG(15, 16))
		for n := 1; n < flatN; n++ {
			for rows := range 26 {
				for _, momentum := range []bool{false, true} {
					// One value past the matrix, which the kernels must not write.
					w, v, x, dy := random(rng, rows*n+1), random(rng, rows*n+1), random(rng, n), random(rng, rows)
					wGo, vGo := clone(w), clone(v)
					if momentum {
						backwardStepMomentumWith(nil, wGo[:rows*n], vGo[:rows*n], x, dy, nil, -0.37, 0.3)
						k.momentumFlat(w[:rows*n], v[:rows*n], x, dy, flatIdx[n], -0.37, 0.3, flatTails(rows, n))
					} else {
						backwardStepWith(nil, wGo[:rows*n], x, dy, nil, -0.37)
						k.backwardStepFlat(w[:rows*n], x, dy, flatIdx[n], -0.37, flatTails(rows, n))
					}
					what := fmt.Sprintf("%s: [%d×%d] momentum %v", k.name, rows, n, momentum)
					sameBits(t, "w "+what, wGo, w)
					sameBits(t, "v "+what, vGo, v)
				}
			}
		}
	}
}

// TestBackwardStepReLUMatchesGo: the backward pass and step passed back
// through a ReLU (fused into the register kernels, or the ReLU's gradient
// after the pass) equal plain Go's pass followed by its ReLU gradient,
// bit for bit, at every awkward size, act holding zeros, NaNs and
// infinities as a ReLU's output can.
func TestBackwardStepReLUMatchesGo(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(17, 18))
		const a, m = -0.37, 0.3
		for _, rows := range sizes {
			for _, n := range append(sizes, 2, 4, 6, 12, 14, 15, 16, 24) {
				if rows*n > 1<<16 {
					continue
				}
				z := random(rng, n)
				for i := range z {
					switch rng.IntN(10) {
					case 0:
						z[i] = math.NaN()
					case 1:
						z[i] = math.Inf(2*rng.IntN(2) - 1)
					}
				}
				act := make([]float64, n)
				reluGo(z, act)
				for _, momentum := range []bool{false, true} {
					what := fmt.Sprintf("%s: [%d×%d] momentum %v", k.name, rows, n, momentum)
					w, v, x, dy, dx := random(rng, rows*n), random(rng, rows*n), random(rng, n), random(rng, rows), random(rng, n)
					wGo, vGo, dxGo := clone(w), clone(v), clone(dx)
					if momentum {
						backwardStepMomentumWith(nil, wGo, vGo, x, dy, dxGo, a, m)
						backwardStepMomentumReLUWith(k, w, v, x, dy, dx, act, a, m)
					} else {
						backwardStepWith(nil, wGo, x, dy, dxGo, a)
						backwardStepReLUWith(k, w, x, dy, dx, act, a)
					}
					reluBackwardGo(act, dxGo, dxGo)
					sameBits(t, "w "+what, wGo, w)
					sameBits(t, "v "+what, vGo, v)
					sameBits(t, "dx "+what, dxGo, dx)
				}
			}
		}
	}
}

// listedRows is the backward pass and step of every row of w through the
// listed kernel (every row listed, 8 at a time, the rows past a multiple
// of 8 in the 4-row kernel), len(x) a positive multiple of 8.
func listedRows(k *kernelSet, w, x, dy, dx []float64, a float64) {
	n, p := len(x), len(dy)-len(dy)%8
	var rows [8]*float64
	var g [8]float64
	for o := 0; o < p; o += 8 {
		for r := range rows {
			rows[r], g[r] = &w[(o+r)*n], dy[o+r]
		}
		k.backwardStepListed(&rows, &g, x, dx, a)
	}
	k.backwardStep(w[p*n:], x, dy[p:], dx, a)
}
