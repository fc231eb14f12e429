package loss_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
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

// TestSoftmaxExact: Softmax, ProbError and CrossEntropy give the bits of
// their formulas computed with math.Exp everywhere (exp0 skips the call
// only at ±0, where it gives 1), for ties, both zeros, infinities and NaN.
func TestSoftmaxExact(t *testing.T) {
	vs := []float64{0, math.Copysign(0, -1), 0x1p-1074, 1, -1, 37.5, -745.2, 709.8,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for i := range 400 {
		vs = append(vs, math.Ldexp(float64(i%97)-48.3, i%40-20))
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	p, want := make([]float64, 3), make([]float64, 3)
	for i, a := range vs {
		for _, z := range [][]float64{{a, a}, {a, -a / 3}, {vs[(i*7)%len(vs)], a, a / 5}} {
			m := z[0]
			for _, v := range z[1:] {
				m = math.Max(m, v)
			}
			var s float64
			for c, v := range z {
				want[c] = math.Exp(v - m)
				s += want[c]
			}
			for c := range z {
				want[c] /= s
			}
			loss.Softmax(z, p[:len(z)])
			for c := range z {
				if !same(p[c], want[c]) {
					t.Fatalf("softmax(%v)[%d] = %v, want %v", z, c, p[c], want[c])
				}
			}
			if pe := loss.ProbError(z, 1, p[:len(z)]); !same(pe, 1-want[1]) {
				t.Fatalf("ProbError(%v) = %v, want %v", z, pe, 1-want[1])
			}
			y := []float64{0.25, 0.75, 0}[:len(z)]
			ls := math.Log(s)
			var l float64
			for c, v := range z {
				l -= y[c] * ((v - m) - ls)
			}
			if got := (loss.CrossEntropy{}).Eval(z, y, nil); !same(got, l) {
				t.Fatalf("CrossEntropy(%v) = %v, want %v", z, got, l)
			}
		}
	}
}
