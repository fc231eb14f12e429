package vexp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// predictionBufs are the buffers of one Prediction.
type predictionBufs struct {
	s, sqrt, h, out, pComp, oComp, pWTA, oWTA, z []float64
}

func newPredictionBufs(n int) *predictionBufs {
	b := func(k int) []float64 { return make([]float64, k) }
	return &predictionBufs{b(n), b(n), b(n), b(n), b(n), b(n), b(n), b(n), b(2)}
}

func (b *predictionBufs) prediction(tb testing.TB, mask, assoc []float64, c, beta, temp, phi float64) *Prediction {
	tb.Helper()
	p, ok := NewPrediction(b.s, b.sqrt, b.h, mask, b.out, b.pComp, b.oComp, b.pWTA, b.oWTA, assoc, b.z, c, beta, temp, phi)
	if !ok {
		tb.Skip("no prediction kernel in this build")
	}
	return p
}

func (b *predictionBufs) all() [][]float64 {
	return [][]float64{b.s, b.sqrt, b.h, b.out, b.pComp, b.oComp, b.pWTA, b.oWTA, b.z}
}

// TestPredictionPair: the two predictions of RunPair have, buffer by
// buffer, the bits of Run run on each alone (the first's logits left as
// they were), whatever units are recruited or silent, for 4 to 16 units;
// and RunPair reports false where Run does for either.
func TestPredictionPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	names := []string{"s", "√s", "exp", "h", "competition's softmax", "competition", "winner-take-all's softmax", "winner-take-all", "z"}
	refused := 0
	for step := range 600 {
		n := 4 * (1 + step%4)
		mask, assoc := make([]float64, n), make([]float64, 2*n)
		for k := range mask {
			if step%3 == 0 || rng.IntN(4) > 0 {
				mask[k] = 1
			}
		}
		for i := range assoc {
			assoc[i] = 2*rng.Float64() - 1
		}
		c, beta, temp, phi := 0.25, 3.0, 0.012, 10.0
		switch step % 10 {
		case 7:
			c = 100 // silent units: an activation of e^−100
		case 9:
			c = 2000 // an exponential out of the lanes' range
		}
		one, two, pairOne, pairTwo := newPredictionBufs(n), newPredictionBufs(n), newPredictionBufs(n), newPredictionBufs(n)
		for k := range n {
			one.s[k] = 1e-6 + 1.5*rng.Float64()
			two.s[k] = one.s[k] * (1 + 0x1p-52*float64(rng.IntN(5)-2)) // as after the constraint moved the attention
			if step%5 == 0 {
				two.s[k] = 1e-6 + 1.5*rng.Float64()
			}
		}
		copy(pairOne.s, one.s)
		copy(pairTwo.s, two.s)
		for _, z := range [][]float64{pairOne.z, one.z} {
			z[0], z[1] = 7, 8 // the first's logits are left as they are
		}
		okOne := one.prediction(t, mask, assoc, c, beta, temp, phi).Run()
		okTwo := two.prediction(t, mask, assoc, c, beta, temp, phi).Run()
		okPair := pairTwo.prediction(t, mask, assoc, c, beta, temp, phi).RunPair(pairOne.prediction(t, mask, assoc, c, beta, temp, phi))
		if okPair != (okOne && okTwo) {
			t.Fatalf("step %d: RunPair reports %v, Run %v and %v", step, okPair, okOne, okTwo)
		}
		if !okPair {
			refused++
			continue
		}
		one.z[0], one.z[1] = 7, 8
		for _, c := range []struct {
			which     string
			want, got *predictionBufs
		}{{"first", one, pairOne}, {"second", two, pairTwo}} {
			for b, want := range c.want.all() {
				got := c.got.all()[b]
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("step %d, %d units: the %s prediction's %s[%d] is %v (%#x), Run gives %v (%#x)",
							step, n, c.which, names[b], i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
					}
				}
			}
		}
	}
	if refused == 0 || refused > 200 {
		t.Fatalf("%d of 600 pairs refused: want the out-of-range steps' (60)", refused)
	}
}

// BenchmarkPredictionPair is two predictions of config1's 8 units, all
// recruited: RunPair against Run twice (with AVX-512, the AVX2 kernels
// too).
func BenchmarkPredictionPair(b *testing.B) {
	const n = 8
	rng := rand.New(rand.NewPCG(1, 2))
	mask, assoc := make([]float64, n), make([]float64, 2*n)
	for i := range mask {
		mask[i] = 1
	}
	for i := range assoc {
		assoc[i] = 2*rng.Float64() - 1
	}
	one, two := newPredictionBufs(n), newPredictionBufs(n)
	for k := range n {
		one.s[k] = 0.05 + 1.45*rng.Float64()
		two.s[k] = one.s[k] * (1 + 0x1p-52)
	}
	p, q := two.prediction(b, mask, assoc, 0.25, 3, 0.012, 10), one.prediction(b, mask, assoc, 0.25, 3, 0.012, 10)
	kernels := func(prefix string) {
		b.Run(prefix+"pair", func(b *testing.B) {
			for b.Loop() {
				p.RunPair(q)
			}
		})
		b.Run(prefix+"twice", func(b *testing.B) {
			for b.Loop() {
				q.Run()
				p.Run()
			}
		})
	}
	kernels("")
	if p.zmm { // and the AVX2 kernels beside the AVX-512 ones
		p.zmm, q.zmm = false, false
		kernels("AVX2/")
	}
}
