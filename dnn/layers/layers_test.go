package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/sgd"
)

// gradTol is the bound on the relative error of a hand-written gradient
// against central differences that the developer guide sets.
const gradTol = 1e-6

// gradCheck compares gradients with central differences at the balanced
// step ε^(1/3)·max(1, |p|) ≈ 6e-6 (truncation and round-off both near
// 1e-11 relative). A gradient below its floor of 1e-4 is held to an
// absolute error of 1e-10 instead: round-off of a loss of order 1 gives
// the differences about that much absolute noise, so a smaller gradient
// cannot be checked to 1e-6 relative.
var gradCheck = fdcheck.Checker{Method: fdcheck.Balanced, Floor: 1e-4}

// probe is a smooth non-linear scalar of a layer's output, f = Σ sin(c_o y_o),
// so that every output gets a different, non-constant weight.
func probe(c, y []float64) (f float64) {
	for o, v := range y {
		f += math.Sin(c[o] * v)
	}
	return f
}

func probeGrad(c, y, dy []float64) {
	for o, v := range y {
		dy[o] = c[o] * math.Cos(c[o]*v)
	}
}

func TestLinearGradient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in, out int
	}{
		{"3to25", 3, 25},
		{"25to25", 25, 25},
		{"25to2", 25, 2},
		{"1to1", 1, 1},
		{"7to3", 7, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tc.in*100+tc.out)))
			w := fixture.Uniform(rng, tc.in*tc.out, -1, 1)
			b := fixture.Uniform(rng, tc.out, -1, 1)
			l := NewLinear(tc.in, tc.out, w, b, make([]float64, len(w)), make([]float64, len(b)))
			x := fixture.Uniform(rng, tc.in, -1, 1)
			c := fixture.Uniform(rng, tc.out, 0.5, 2)
			y := make([]float64, tc.out)
			f := func() float64 { l.Forward(x, y); return probe(c, y) }

			f()
			dy := make([]float64, tc.out)
			probeGrad(c, y, dy)
			dx := make([]float64, tc.in)
			l.Backward(x, dy, dx)

			for _, g := range []struct {
				name  string
				param []float64
				grad  []float64
			}{
				{"weight", w, append([]float64(nil), l.DW...)},
				{"bias", b, append([]float64(nil), l.DB...)},
				{"input", x, dx},
			} {
				worst, at := gradCheck.Worst(f, g.param, g.grad)
				assert.LessOrEqualf(t, worst, gradTol, "%s: worst relative error at %d", g.name, at)
			}
		})
	}
}

func TestLinearForwardValues(t *testing.T) {
	// y = W x + b with W = [[1 2 3] [4 5 6]] stored [out, in].
	l := NewLinear(3, 2, []float64{1, 2, 3, 4, 5, 6}, []float64{0.5, -1}, make([]float64, 6), make([]float64, 2))
	y := make([]float64, 2)
	l.Forward([]float64{1, 0, -1}, y)
	assert.Equal(t, []float64{1 - 3 + 0.5, 4 - 6 - 1}, y)

	dx := make([]float64, 3)
	l.Backward([]float64{1, 0, -1}, []float64{1, 2}, dx)
	assert.Equal(t, []float64{1, 0, -1, 2, 0, -2}, l.DW)
	assert.Equal(t, []float64{1, 2}, l.DB)
	assert.Equal(t, []float64{1 + 8, 2 + 10, 3 + 12}, dx)
}

func TestReLU(t *testing.T) {
	for _, tc := range []struct {
		name       string
		z, a       []float64
		da, dzWant []float64
	}{
		{"mixed", []float64{-1, 0, 2}, []float64{0, 0, 2}, []float64{5, 6, 7}, []float64{0, 0, 7}},
		{"all positive", []float64{1, 2}, []float64{1, 2}, []float64{-1, 3}, []float64{-1, 3}},
		{"all negative", []float64{-1, -3}, []float64{0, 0}, []float64{-1, 3}, []float64{0, 0}},
		// −0 comes out of dropout (−z·0); the ReLU must make it +0 for the
		// bitwise backward pass.
		{"negative zero", []float64{math.Copysign(0, -1), 1e-300}, []float64{0, 1e-300}, []float64{2, 3}, []float64{0, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := make([]float64, len(tc.z))
			ReLU(tc.z, a)
			assert.Equal(t, tc.a, a)
			for i, v := range a {
				assert.False(t, math.Signbit(v), "a[%d] = %v", i, v)
			}
			dz := make([]float64, len(tc.z))
			ReLUBackward(a, tc.da, dz)
			assert.Equal(t, tc.dzWant, dz)
		})
	}
}

// TestReLUGradient checks the ReLU's backward pass with central
// differences at inputs kept at least 0.01 away from the kink, where the
// step of 6e-6 cannot cross it.
func TestReLUGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n := 40
	z := fixture.Uniform(rng, n, -1, 1)
	for i, v := range z {
		if math.Abs(v) < 0.01 {
			z[i] = 0.5
		}
	}
	c := fixture.Uniform(rng, n, 0.5, 2)
	a := make([]float64, n)
	f := func() float64 { ReLU(z, a); return probe(c, a) }
	f()
	da := make([]float64, n)
	probeGrad(c, a, da)
	dz := make([]float64, n)
	ReLUBackward(a, da, dz)
	worst, at := gradCheck.Worst(f, z, dz)
	assert.LessOrEqualf(t, worst, gradTol, "worst relative error at %d", at)
}

func TestDropout(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    float64
	}{
		{"none", 0},
		{"quarter", 0.25},
		{"half", 0.5},
		{"all", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 20000
			d := NewDropout[float64](tc.p, n)
			rng := rand.New(rand.NewPCG(3, 3))
			d.Draw(rng)
			kept := 0
			for _, m := range d.Mask {
				switch {
				case m == 0:
				case tc.p < 1 && m == 1/(1-tc.p):
					kept++
				default:
					t.Fatalf("mask value %v, want 0 or 1/(1-p)", m)
				}
			}
			// The kept fraction is binomial: within 5 standard deviations of 1−p.
			sd := math.Sqrt(tc.p * (1 - tc.p) / n)
			assert.InDelta(t, 1-tc.p, float64(kept)/n, 5*sd+1e-12)

			// With a fixed mask dropout is linear: check its backward pass.
			m := 30
			d = NewDropout[float64](tc.p, m)
			d.Draw(rng)
			x := fixture.Uniform(rng, m, -1, 1)
			c := fixture.Uniform(rng, m, 0.5, 2)
			y := make([]float64, m)
			f := func() float64 { d.Forward(x, y); return probe(c, y) }
			f()
			dy := make([]float64, m)
			probeGrad(c, y, dy)
			dx := make([]float64, m)
			d.Backward(dy, dx)
			worst, at := gradCheck.Worst(f, x, dx)
			assert.LessOrEqualf(t, worst, gradTol, "worst relative error at %d", at)
		})
	}
}

func TestDropoutZeroIsIdentity(t *testing.T) {
	d := NewDropout[float64](0, 4)
	d.Draw(rand.New(rand.NewPCG(4, 4)))
	x := []float64{-1, 0.5, 2, 3}
	y := make([]float64, 4)
	d.Forward(x, y)
	require.Equal(t, x, y)
}

// TestBackwardStep: the one-pass backward and step equals BackwardInput,
// AddGrad and the fused step, bit for bit, with and without dx, for row
// counts that do and do not fill the 4-row blocks.
func TestBackwardStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{3, 25}, {25, 25}, {25, 2}, {7, 5}, {1, 1}} {
		in, out := sz[0], sz[1]
		for _, withDx := range []bool{true, false} {
			w := make([]float64, in*out)
			b := make([]float64, out)
			x := make([]float64, in)
			dy := make([]float64, out)
			for _, v := range [][]float64{w, b, x, dy} {
				for i := range v {
					v[i] = rng.NormFloat64()
				}
			}
			const lr = 0.37
			// Reference: BackwardInput, gradients, then p + (−lr)·g fused.
			wr, br := append([]float64(nil), w...), append([]float64(nil), b...)
			ref := NewLinear(in, out, wr, br, make([]float64, in*out), make([]float64, out))
			dxRef := make([]float64, in)
			ref.BackwardInput(dy, dxRef)
			gw, gb := make([]float64, in*out), make([]float64, out)
			ref.AddGrad(x, dy, gw, gb)
			sgd.FusedStep(wr, -lr, gw)
			sgd.FusedStep(br, -lr, gb)

			l := NewLinear(in, out, w, b, make([]float64, in*out), make([]float64, out))
			var dx []float64
			if withDx {
				dx = make([]float64, in)
			}
			l.BackwardStep(x, dy, dx, lr)
			assert.Equal(t, wr, w, "weights %v dx %v", sz, withDx)
			assert.Equal(t, br, b, "biases %v", sz)
			if withDx {
				assert.Equal(t, dxRef, dx, "dx %v", sz)
			}
		}
	}
}

// TestBackwardStepMomentum: the one-pass backward and momentum step equals
// BackwardInput, then v = m·v + ∇ (the buffer scaled, AddGrad into it) and
// the fused step, bit for bit, over two steps, with and without dx.
func TestBackwardStepMomentum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{3, 25}, {25, 25}, {25, 2}, {7, 5}, {9, 17}, {1, 1}} {
		in, out := sz[0], sz[1]
		for _, withDx := range []bool{true, false} {
			w, b := make([]float64, in*out), make([]float64, out)
			for _, v := range [][]float64{w, b} {
				for i := range v {
					v[i] = rng.NormFloat64()
				}
			}
			const lr, m = 0.37, 0.3
			wr, br := append([]float64(nil), w...), append([]float64(nil), b...)
			ref := NewLinear(in, out, wr, br, make([]float64, in*out), make([]float64, out))
			vw, vb := make([]float64, in*out), make([]float64, out)
			vwRef, vbRef := make([]float64, in*out), make([]float64, out)
			l := NewLinear(in, out, w, b, make([]float64, in*out), make([]float64, out))
			for step := range 2 {
				x, dy := make([]float64, in), make([]float64, out)
				for _, v := range [][]float64{x, dy} {
					for i := range v {
						v[i] = rng.NormFloat64()
					}
				}
				dxRef := make([]float64, in)
				ref.BackwardInput(dy, dxRef)
				floats.Scale(m, vwRef)
				floats.Scale(m, vbRef)
				ref.AddGrad(x, dy, vwRef, vbRef)
				sgd.FusedStep(wr, -lr, vwRef)
				sgd.FusedStep(br, -lr, vbRef)

				var dx []float64
				if withDx {
					dx = make([]float64, in)
				}
				l.BackwardStepMomentum(x, dy, dx, lr, m, vw, vb)
				assert.Equal(t, wr, w, "weights %v dx %v step %d", sz, withDx, step)
				assert.Equal(t, br, b, "biases %v step %d", sz, step)
				assert.Equal(t, vwRef, vw, "momentum %v step %d", sz, step)
				assert.Equal(t, vbRef, vb, "bias momentum %v step %d", sz, step)
				if withDx {
					assert.Equal(t, dxRef, dx, "dx %v step %d", sz, step)
				}
			}
		}
	}
}

// TestFusedReLU: the forward pass with its ReLU and the backward passes
// through the ReLU below (one pass each where the kernels allow) equal
// the separate calls bit for bit, in both element types.
func TestFusedReLU(t *testing.T) {
	testFusedReLU[float64](t)
	testFusedReLU[float32](t)
}

func testFusedReLU[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	random := func(n int) []T {
		v := make([]T, n)
		for i := range v {
			v[i] = T(rng.NormFloat64())
		}
		return v
	}
	bits := func(v []T) []uint64 {
		b := make([]uint64, len(v))
		for i, x := range v {
			b[i] = math.Float64bits(float64(x))
		}
		return b
	}
	for _, sz := range [][2]int{{3, 25}, {25, 25}, {25, 2}, {7, 5}, {9, 17}, {1, 1}, {40, 30}} {
		in, out := sz[0], sz[1]
		w, b := random(in*out), random(out)
		l := NewLinear(in, out, w, b, make([]T, in*out), make([]T, out))
		x := random(in)
		want, got := make([]T, out), make([]T, out)
		l.Forward(x, want)
		ReLU(want, want)
		l.ForwardReLU(x, got)
		assert.Equal(t, bits(want), bits(got), "forward %v", sz)

		act := random(in)
		ReLU(act, act) // the input of the layer, a ReLU's output
		dy := random(out)
		for _, momentum := range []bool{false, true} {
			wRef, vRef := append([]T(nil), w...), random(in*out)
			wGot, vGot := append([]T(nil), w...), append([]T(nil), vRef...)
			ref := NewLinear(in, out, wRef, b, make([]T, in*out), make([]T, out))
			fused := NewLinear(in, out, wGot, b, make([]T, in*out), make([]T, out))
			dxRef, dxGot := make([]T, in), make([]T, in)
			if momentum {
				ref.BackwardStepMomentumW(act, dy, dxRef, 0.37, 0.3, vRef)
				fused.BackwardStepMomentumWReLU(act, dy, dxGot, act, 0.37, 0.3, vGot)
			} else {
				ref.BackwardStepW(act, dy, dxRef, 0.37)
				fused.BackwardStepWReLU(act, dy, dxGot, act, 0.37)
			}
			ReLUBackward(act, dxRef, dxRef)
			assert.Equal(t, bits(dxRef), bits(dxGot), "dx %v momentum %v", sz, momentum)
			assert.Equal(t, bits(wRef), bits(wGot), "weights %v momentum %v", sz, momentum)
			assert.Equal(t, bits(vRef), bits(vGot), "momentum buffer %v", sz)
		}
	}
}
