package loss_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/vmath"
)

func TestValues(t *testing.T) {
	for _, tc := range []struct {
		f    loss.Func
		z, y []float64
		want float64
	}{
		{loss.BCELogits{}, []float64{0, 0}, []float64{1, 0}, math.Log(2)},
		{loss.CrossEntropy{}, []float64{0, 0}, []float64{1, 0}, math.Log(2)},
		{loss.CrossEntropy{}, []float64{2, -1}, []float64{0, 1}, 3 + math.Log1p(math.Exp(-3))},
		// softplus(3) − 3 = log(1+e^−3); softplus(−1): mean of both.
		{loss.BCELogits{}, []float64{3, -1}, []float64{1, 0}, (math.Log1p(math.Exp(-3)) + math.Log1p(math.Exp(-1))) / 2},
		// large logits stay finite
		{loss.BCELogits{}, []float64{800, -800}, []float64{1, 0}, 0},
		{loss.CrossEntropy{}, []float64{800, -800}, []float64{0, 1}, 1600},
	} {
		got := tc.f.Eval(tc.z, tc.y, nil)
		assert.InDelta(t, tc.want, got, 1e-13, "%s %v %v", tc.f.Name(), tc.z, tc.y)
	}
}

// TestGradients checks ∂L/∂z against central differences; with h = 1e-6
// the truncation error is O(h²) ≈ 1e-12 and round-off O(ε/h) ≈ 1e-10,
// so 1e-8 relative is a safe bound.
func TestGradients(t *testing.T) {
	for _, f := range []loss.Func{loss.BCELogits{}, loss.CrossEntropy{}} {
		for _, z := range [][]float64{{0.3, -1.2}, {4, 2}, {-3, 0.5, 1}} {
			y := make([]float64, len(z))
			y[1] = 1
			dz := make([]float64, len(z))
			f.Eval(z, y, dz)
			const h = 1e-6
			zc := append([]float64(nil), z...)
			for c := range z {
				num := fdcheck.Central(func() float64 { return f.Eval(zc, y, nil) }, &zc[c], h)
				assert.InDelta(t, num, dz[c], 1e-8*math.Max(1, math.Abs(num)), "%s z=%v c=%d", f.Name(), z, c)
			}
		}
	}
}

func TestProbError(t *testing.T) {
	p := make([]float64, 2)
	assert.Equal(t, 0.5, loss.ProbError([]float64{1, 1}, 0, p))
	assert.InDelta(t, 1/(1+math.E), loss.ProbError([]float64{1, 0}, 0, p), 1e-15)
	assert.Equal(t, 0.0, loss.ProbError([]float64{1000, 0}, 0, p))
}

func TestByName(t *testing.T) {
	for _, n := range loss.Names {
		f, err := loss.ByName(n)
		require.NoError(t, err)
		assert.Equal(t, n, f.Name())
	}
	_, err := loss.ByName("mse")
	assert.ErrorContains(t, err, `unknown loss "mse"`)
}

func TestEvalAllocatesNothing(t *testing.T) {
	z, y, dz := []float64{0.1, 0.2}, []float64{1, 0}, make([]float64, 2)
	for _, f := range []loss.Func{loss.BCELogits{}, loss.CrossEntropy{}} {
		assert.Zero(t, testing.AllocsPerRun(100, func() { f.Eval(z, y, dz) }))
	}
}

// TestBCELogitsStableForm: the value is PyTorch's stable form computed
// with math.Exp everywhere (exp0 skips the call only where it gives 1),
// bit for bit, on logits of every magnitude, both zeros, infinities and NaN.
func TestBCELogitsStableForm(t *testing.T) {
	zs := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 0x1p-1074, 1, -1, 37.5, -37.5, 750, -750,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for i := range 2000 {
		zs = append(zs, math.Ldexp(float64(i%97)-48.3, i%40-20))
	}
	for _, y := range [][]float64{{1, 0}, {0, 1}, {0.3, 0.7}} {
		for _, z0 := range zs {
			z := []float64{z0, -z0 / 3}
			var want float64
			for c, zc := range z {
				m := math.Max(-zc, 0)
				want += (1-y[c])*zc + m + math.Log(math.Exp(-m)+math.Exp(-zc-m))
			}
			want /= 2
			got := loss.BCELogits{}.Eval(z, y, nil)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("z %v, y %v: %v, want %v", z, y, got, want)
			}
		}
	}
}

// TestBCELogitsLengths: with any number of logits (blocks of 4 in lanes,
// tails of 1 to 3, a block with a non-finite logit computed by the stable
// form itself) the value and the gradient have the bits of the stable
// form computed one logit at a time with math.Exp (the gradient's sigmoid
// with the C library's exp, vmath.CExp).
func TestBCELogitsLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{0, math.Copysign(0, -1), 700, -700, 700.5, -700.5, math.Inf(1), math.Inf(-1), math.NaN()}
	for n := 1; n <= 9; n++ {
		z, y, dz, want := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for trial := range 3000 {
			for c := range z {
				z[c] = math.Ldexp(rng.Float64()*2-1, rng.IntN(14)-6)
				y[c] = float64(rng.IntN(2))
			}
			if trial%3 == 0 {
				z[rng.IntN(n)] = special[rng.IntN(len(special))]
			}
			var l float64
			for c, zc := range z {
				m := math.Max(-zc, 0)
				l += (1-y[c])*zc + m + math.Log(math.Exp(-m)+math.Exp(-zc-m))
				want[c] = (1/(1+vmath.CExp(-zc)) - y[c]) / float64(n) // PyTorch's sigmoid: the C library's exp
			}
			l /= float64(n)
			got := loss.BCELogits{}.Eval(z, y, dz)
			if math.Float64bits(got) != math.Float64bits(l) && !(math.IsNaN(got) && math.IsNaN(l)) {
				t.Fatalf("z %v, y %v: %v, want %v", z, y, got, l)
			}
			for c := range dz {
				if math.Float64bits(dz[c]) != math.Float64bits(want[c]) && !(math.IsNaN(dz[c]) && math.IsNaN(want[c])) {
					t.Fatalf("z %v, y %v: gradient %v, want %v", z, y, dz, want)
				}
			}
		}
	}
}

// BenchmarkBCELogits is the loss and its gradient of a trial's 2 logits.
func BenchmarkBCELogits(b *testing.B) {
	z, y, dz := []float64{1.7, -0.4}, []float64{1, 0}, make([]float64, 2)
	for b.Loop() {
		loss.BCELogits{}.Eval(z, y, dz)
	}
}

// BenchmarkEvalProbError is the loss, its gradient and the probability
// of error of a trial's 2 logits, in one call of EvalProbError
// ("together") and in calls of ProbError and Eval ("apart"); in calls one
// after another, and each call's logit taken from the one before
// ("latency", as a trial's wait on its forward pass).
func BenchmarkEvalProbError(b *testing.B) {
	z, y, dz, p := []float64{1.7, -0.4}, []float64{0, 1}, make([]float64, 2), make([]float64, 2)
	var f loss.Func = loss.BCELogits{}
	together := func() float64 { _, pe := loss.EvalProbError(f, z, y, dz, 1, p); return pe }
	apart := func() float64 { pe := loss.ProbError(z, 1, p); f.Eval(z, y, dz); return pe }
	for _, c := range []struct {
		name string
		call func() float64
	}{{"together", together}, {"apart", apart}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.call()
			}
		})
		b.Run(c.name+"/latency", func(b *testing.B) {
			for b.Loop() {
				z[1] = -c.call()
			}
		})
	}
}

// TestEvalProbError: EvalProbError has the bits of Eval and ProbError
// called apart — the loss, the gradient, the probability of error and the
// softmax — for both losses, any number of logits, logits of every
// magnitude, ties, softmax arguments below −700, ±0, ±Inf and NaN, with
// and without a gradient.
func TestEvalProbError(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{0, math.Copysign(0, -1), 0x1p-1074, 0x1p-60, 400, -400, 511.9, 512, 800, -800,
		math.Inf(1), math.Inf(-1), math.NaN()}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, f := range []loss.Func{loss.BCELogits{}, loss.CrossEntropy{}} {
		for n := 1; n <= 5; n++ {
			z, y := make([]float64, n), make([]float64, n)
			dz, p, wantDz, wantP := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for trial := range 6000 {
				for c := range z {
					z[c] = math.Ldexp(rng.Float64()*2-1, rng.IntN(16)-8)
					y[c] = float64(rng.IntN(2))
				}
				switch trial % 4 {
				case 0:
					z[rng.IntN(n)] = special[rng.IntN(len(special))]
				case 1:
					z[rng.IntN(n)] = z[0] // a tie for the maximum
				}
				label := rng.IntN(n)
				var grad, wantGrad []float64
				if trial%5 != 0 {
					grad, wantGrad = dz, wantDz
				}
				wantPE := loss.ProbError(z, label, wantP)
				wantL := f.Eval(z, y, wantGrad)
				l, pe := loss.EvalProbError(f, z, y, grad, label, p)
				if !same(l, wantL) || !same(pe, wantPE) {
					t.Fatalf("%s of z %v, y %v, label %d: loss %v, p(error) %v; want %v, %v", f.Name(), z, y, label, l, pe, wantL, wantPE)
				}
				for c := range z {
					if !same(p[c], wantP[c]) || grad != nil && !same(dz[c], wantDz[c]) {
						t.Fatalf("%s of z %v, y %v: softmax %v, gradient %v; want %v, %v", f.Name(), z, y, p, grad, wantP, wantGrad)
					}
				}
			}
		}
	}
}

// TestSoftmaxBits: Softmax and CrossEntropy have the bits of the
// max-subtracted softmax and log-softmax computed with math.Max and
// math.Exp for every value (exp0 skips only calls that give exactly 1;
// Go's max differs from math.Max only on a NaN beside +Inf, where both
// give NaN), on logits of every magnitude, ties, infinities and NaN.
func TestSoftmaxBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	special := []float64{0, math.Copysign(0, -1), 800, -800, math.Inf(1), math.Inf(-1), math.NaN()}
	for n := 1; n <= 5; n++ {
		z, p, want, y := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for c := range y {
			y[c] = float64(c % 2)
		}
		for trial := range 3000 {
			for c := range z {
				z[c] = math.Ldexp(rng.Float64()*2-1, rng.IntN(14)-6)
			}
			switch trial % 4 {
			case 0:
				z[rng.IntN(n)] = special[rng.IntN(len(special))]
			case 1:
				z[rng.IntN(n)] = z[0] // a tie for the maximum
			case 2:
				z[0], z[n-1] = math.Inf(1), math.NaN() // one value when n is 1
			}
			m := z[0]
			for _, v := range z[1:] {
				m = math.Max(m, v)
			}
			var s float64
			for c, v := range z {
				want[c] = math.Exp(v - m)
				s += want[c]
			}
			for c := range want {
				want[c] /= s
			}
			loss.Softmax(z, p)
			for c := range p {
				if math.Float64bits(p[c]) != math.Float64bits(want[c]) && !(math.IsNaN(p[c]) && math.IsNaN(want[c])) {
					t.Fatalf("z %v: %v, want %v", z, p, want)
				}
			}
			var l float64
			for c, v := range z {
				l -= y[c] * ((v - m) - math.Log(s))
			}
			if got := (loss.CrossEntropy{}).Eval(z, y, nil); math.Float64bits(got) != math.Float64bits(l) && !(math.IsNaN(got) && math.IsNaN(l)) {
				t.Fatalf("cross-entropy of z %v, y %v: %v, want %v", z, y, got, l)
			}
		}
	}
}

// embedded is a loss that embeds BCELogits: it is not Separable, since its
// Eval may differ from the one whose gradient Gradient takes alone.
type embedded struct{ loss.BCELogits }

func TestSeparable(t *testing.T) {
	for _, tc := range []struct {
		f    loss.Func
		want bool
	}{
		{loss.BCELogits{}, true},
		{loss.CrossEntropy{}, false},
		{embedded{}, false},
	} {
		assert.Equal(t, tc.want, loss.Separable(tc.f), "%T", tc.f)
	}
}

// separableLogits returns logits of every kind the lanes take or refuse:
// of every magnitude, around the lanes' edges (2^−54, 512, ±700 for the
// softmax's and the softplus's exponentials), ties, zeros of both signs,
// infinities and NaN.
func separableLogits(rng *rand.Rand, z []float64, trial int) {
	special := []float64{0, math.Copysign(0, -1), 0x1p-1074, 0x1p-55, 0x1p-54, 0x1p-53, 511.9, 512, 699.9, 700, 700.1,
		-700.1, 750, -750, 1e300, -1e300, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for c := range z {
		z[c] = math.Ldexp(rng.Float64()*2-1, rng.IntN(24)-12)
	}
	switch trial % 4 {
	case 0:
		z[rng.IntN(len(z))] = special[rng.IntN(len(special))]
	case 1:
		z[rng.IntN(len(z))] = z[0] // a tie for the maximum
	}
}

// TestGradientAlone: Gradient writes Eval's gradient to the bit, for
// every loss (the losses that are not Separable through Eval itself).
func TestGradientAlone(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, f := range []loss.Func{loss.BCELogits{}, loss.CrossEntropy{}, embedded{}} {
		for n := 1; n <= 5; n++ {
			z, y, dz, want := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for trial := range 4000 {
				separableLogits(rng, z, trial)
				for c := range y {
					y[c] = float64(rng.IntN(2))
				}
				f.Eval(z, y, want)
				loss.Gradient(f, z, y, dz)
				for c := range dz {
					if math.Float64bits(dz[c]) != math.Float64bits(want[c]) && !(math.IsNaN(dz[c]) && math.IsNaN(want[c])) {
						t.Fatalf("%T of z %v, y %v: gradient %v, want %v", f, z, y, dz, want)
					}
				}
			}
		}
	}
}

// TestEvalProbErrors: the values of many trials taken together are
// EvalProbError's of each, to the bit, whatever the number of trials (in
// and across the lanes' chunks of 32, an odd one out), the losses, the
// number of logits and the logits (see separableLogits: in every other
// round none is special and none is 256 or more in magnitude, so that
// whole calls take the lanes), with
// targets that are not one-hot too (whose loss overflows beside finite
// logits).
func TestEvalProbErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, f := range []loss.Func{loss.BCELogits{}, loss.CrossEntropy{}, embedded{}} {
		for c := 1; c <= 4; c++ {
			for _, m := range []int{1, 2, 31, 32, 33, 64, 100} {
				z, y, label := make([]float64, m*c), make([]float64, m*c), make([]int, m)
				ls, pe, p := make([]float64, m), make([]float64, m), make([]float64, c)
				for round := range 20 {
					clear(y)
					for i := range m {
						trial := round*m + i
						if round%2 == 1 { // no special logits: whole calls of the lanes
							trial = 4*trial + 1 + 2*(i%2) // a tie, or neither
						}
						separableLogits(rng, z[i*c:(i+1)*c], trial)
						if round%2 == 1 { // below 256 in magnitude, so that no pair is 700 apart (exactly: a tie stays one)
							for k := i * c; k < (i+1)*c; k++ {
								z[k] /= 8
							}
						}
						label[i] = rng.IntN(c)
						y[i*c+label[i]] = 1
						if rng.IntN(10) == 0 {
							y[i*c+rng.IntN(c)] = []float64{2, -1, 1e308}[rng.IntN(3)]
						}
					}
					if _, ok := f.(loss.BCELogits); ok && c == 2 && m >= 2 && round%2 == 1 && vmath.Vector() {
						k := 2 * min(32, m&^1)
						scratch := make([]float64, 2*k)
						require.True(t, vmath.BCEPairs(scratch[:k], scratch[k:], z[:k], y[:k]), "%d trials: the lanes refused the first call", m)
					}
					loss.EvalProbErrors(f, ls, pe, z, y, label, p)
					for i := range m {
						zi, yi := z[i*c:(i+1)*c], y[i*c:(i+1)*c]
						wantL, wantPE := loss.EvalProbError(f, zi, yi, nil, label[i], p)
						if !same(ls[i], wantL) || !same(pe[i], wantPE) {
							t.Fatalf("%T, %d trials, trial %d: z %v, y %v, label %d: loss %v, p(error) %v; want %v, %v",
								f, m, i, zi, yi, label[i], ls[i], pe[i], wantL, wantPE)
						}
					}
				}
			}
		}
	}
}

// TestEvalProbErrorsAllocatesNothing: the values of a window of trials
// are taken on the stack.
func TestEvalProbErrorsAllocatesNothing(t *testing.T) {
	const m = 64
	z, y, label := make([]float64, 2*m), make([]float64, 2*m), make([]int, m)
	ls, pe, p := make([]float64, m), make([]float64, m), make([]float64, 2)
	for i := range m {
		z[2*i], z[2*i+1] = float64(i)/10, -float64(i)/7
		y[2*i] = 1
	}
	allocs := testing.AllocsPerRun(100, func() { loss.EvalProbErrors(loss.BCELogits{}, ls, pe, z, y, label, p) })
	assert.Zero(t, allocs)
}

// TestWindow: a window settles the trials kept since the last Settle, in
// order, with EvalProbError's values; Reset makes it a window of another
// loss and number of logits; Keep and Settle allocate nothing.
func TestWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	w := loss.NewWindow(loss.BCELogits{}, 2, 5)
	for _, tc := range []struct {
		f loss.Func
		c int
	}{{loss.BCELogits{}, 2}, {loss.CrossEntropy{}, 3}, {loss.BCELogits{}, 2}} {
		w.Reset(tc.f, tc.c)
		p := make([]float64, tc.c)
		for round := range 4 {
			type trial struct {
				z, y  []float64
				label int
			}
			var kept []trial
			for k := range 1 + round%5 {
				tr := trial{z: make([]float64, tc.c), y: make([]float64, tc.c), label: rng.IntN(tc.c)}
				separableLogits(rng, tr.z, k)
				tr.y[tr.label] = 1
				full := w.Keep(tr.z, tr.y, tr.label)
				kept = append(kept, trial{z: append([]float64(nil), tr.z...), y: tr.y, label: tr.label})
				tr.z[0] = 42 // the window keeps a copy
				for c, v := range w.Logits(k) {
					assert.Equal(t, math.Float64bits(kept[k].z[c]), math.Float64bits(v))
				}
				assert.Equal(t, len(kept) == 5, full)
			}
			require.Equal(t, len(kept), w.Len())
			ls, pe := w.Settle()
			require.Len(t, ls, len(kept))
			assert.Zero(t, w.Len())
			for i, tr := range kept {
				wantL, wantPE := loss.EvalProbError(tc.f, tr.z, tr.y, nil, tr.label, p)
				assert.Equal(t, math.Float64bits(wantL), math.Float64bits(ls[i]), "%T trial %d", tc.f, i)
				assert.Equal(t, math.Float64bits(wantPE), math.Float64bits(pe[i]), "%T trial %d", tc.f, i)
			}
		}
	}
	z, y := []float64{0.3, -0.2}, []float64{1, 0}
	w.Reset(loss.BCELogits{}, 2)
	allocs := testing.AllocsPerRun(100, func() {
		for !w.Keep(z, y, 0) {
		}
		w.Settle()
	})
	assert.Zero(t, allocs)
}

// BenchmarkEvalProbErrors times the values of a window of 64 trials of
// 2 logits taken together, against EvalProbError trial by trial; ns/op
// is per window.
func BenchmarkEvalProbErrors(b *testing.B) {
	const m = 64
	rng := rand.New(rand.NewPCG(15, 16))
	z, y, label := make([]float64, 2*m), make([]float64, 2*m), make([]int, m)
	ls, pe, p := make([]float64, m), make([]float64, m), make([]float64, 2)
	for i := range m {
		z[2*i], z[2*i+1] = rng.NormFloat64()*3, rng.NormFloat64()*3
		label[i] = rng.IntN(2)
		y[2*i+label[i]] = 1
	}
	b.Run("together", func(b *testing.B) {
		for b.Loop() {
			loss.EvalProbErrors(loss.BCELogits{}, ls, pe, z, y, label, p)
		}
	})
	b.Run("by_trial", func(b *testing.B) {
		for b.Loop() {
			for i := range ls {
				ls[i], pe[i] = loss.EvalProbError(loss.BCELogits{}, z[2*i:2*i+2], y[2*i:2*i+2], nil, label[i], p)
			}
		}
	})
}
