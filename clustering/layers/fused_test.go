package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/vmath"
	"github.com/stretchr/testify/require"
)

// stack is the four layers of a prediction after the distances, with the
// model's buffers around them and its backward's scratch.
type stack struct {
	act             *Activation
	comp, wta       *ClusterSoftmax
	cls             *Association
	fused           *Fused
	h, z            []float64
	mask, asso      []float64 // the model's, which fused reads
	gz, gd, ga, gas []float64
	gout, gg, gh    []float64
}

func newStack(k, d int, c, qr, beta, compTemp, temp, phi float64) *stack {
	s := &stack{act: NewActivation(k, d, c, qr), wta: NewSoftmax(k, temp), cls: NewAssociation(k, 2, phi),
		h: make([]float64, k), z: make([]float64, 2), gz: make([]float64, 2), gd: make([]float64, k*d), ga: make([]float64, d),
		gas: make([]float64, 2*k), gout: make([]float64, k), gg: make([]float64, k), gh: make([]float64, k)}
	if beta > 0 {
		s.comp = NewCompetition(k, beta)
	} else {
		s.comp = NewSoftmax(k, compTemp)
	}
	s.mask, s.asso = make([]float64, k), make([]float64, 2*k)
	s.fused = NewFused(s.act, s.comp, s.wta, s.cls, s.mask, s.h, s.asso)
	return s
}

// forward is the model's prediction from the distances, fused when
// useFused and the kernel takes it; it reports whether the kernel ran.
func (s *stack) forward(d, a, mask, asso []float64, rows []int, useFused bool) bool {
	clear(s.h)
	copy(s.mask, mask)
	copy(s.asso, asso)
	mask, asso = s.mask, s.asso
	if useFused {
		if z := s.fused.Forward(d, a, rows); z != nil {
			copy(s.z, z)
			return true
		}
	}
	H := s.act.Forward(d, a, rows)
	for _, k := range rows {
		s.h[k] = H[k] * mask[k]
	}
	copy(s.z, s.cls.Forward(s.wta.Forward(s.comp.Forward(s.h)), asso, rows))
	return false
}

// backward is the model's backward from dz to the distances and the
// attention.
func (s *stack) backward(dz, mask []float64) {
	copy(s.gz, dz)
	s.cls.Backward(s.gz, s.gout, s.gas)
	s.wta.Backward(s.gout, s.gg)
	s.comp.Backward(s.gg, s.gh)
	for k := range s.gh {
		s.gh[k] *= mask[k]
	}
	s.act.Backward(s.gh, s.gd, s.ga)
}

func requireSameBits(t *testing.T, what string, want, got []float64) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("%s[%d]: fused %v (%#x), layers %v (%#x)", what, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
}

// TestFused: the fused prediction leaves every value of the layers and
// every gradient of their backward bit for bit as the layers run one by
// one do, over sequences of calls where the units listed change (as
// recruitments and new runs change them), on inputs the kernel takes and
// on inputs it sends back to the layers.
// requireSameStacks fails unless every value and gradient of got has the
// bits of want's, and both list the same nonzero units.
func requireSameStacks(t *testing.T, want, got *stack) {
	t.Helper()
	for _, v := range []struct {
		what      string
		want, got []float64
	}{
		{"z", want.z, got.z}, {"h", want.h, got.h},
		{"s", want.act.s, got.act.s}, {"H", want.act.out, got.act.out},
		{"competition", want.comp.out, got.comp.out}, {"competition's softmax", want.comp.p, got.comp.p},
		{"winner-take-all", want.wta.out, got.wta.out}, {"winner-take-all's softmax", want.wta.p, got.wta.p},
		{"∂L/∂o", want.gout, got.gout}, {"∂L/∂g", want.gg, got.gg}, {"∂L/∂h", want.gh, got.gh},
		{"∂L/∂d", want.gd, got.gd}, {"∂L/∂a", want.ga, got.ga}, {"∂L/∂A", want.gas, got.gas},
	} {
		requireSameBits(t, v.what, v.want, v.got)
	}
	require.Equal(t, want.comp.NonZero(), got.comp.NonZero())
	require.Equal(t, want.wta.NonZero(), got.wta.NonZero())
}

func TestFused(t *testing.T) {
	cases := []struct {
		name                             string
		k, d                             int
		c, qr, beta, compTemp, temp, phi float64
		dLo, dHi                         float64 // the distances' range
		kernel                           bool    // whether the kernel takes every call with at least half its lanes live (or none)
	}{
		{"config1", 8, 3, 0.25, 0.5, 3, 0, 0.012, 10, 1e-6, 1.5, true},
		{"4 units, 2 dims", 4, 2, 1, 0.5, 2, 0, 0.1, 3, 1e-6, 3, true},
		{"12 units, 1 dim", 12, 1, 0.5, 0.5, 3, 0, 0.05, 10, 1e-6, 2, true},
		{"activations out of the lanes' range", 8, 3, 2000, 0.5, 3, 0, 0.012, 10, 1e-6, 1.5, false},
		{"winner-take-all out of the lanes' range", 8, 3, 0.25, 0.5, 3, 0, 1e-5, 10, 1e-6, 1.5, false},
		{"6 units, not whole lanes", 6, 3, 0.25, 0.5, 3, 0, 0.012, 10, 1e-6, 1.5, false},
		{"q/r = 1", 8, 3, 0.25, 1, 3, 0, 0.012, 10, 1e-6, 1.5, false},
		{"numeric competition temperature", 8, 3, 0.25, 0.5, 0, 0.5, 0.012, 10, 1e-6, 1.5, false},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, uint64(ci)))
			fused := newStack(c.k, c.d, c.c, c.qr, c.beta, c.compTemp, c.temp, c.phi)
			layers := newStack(c.k, c.d, c.c, c.qr, c.beta, c.compTemp, c.temp, c.phi)
			ran, dense := 0, 0
			for step := range 40 {
				rows := allRows(c.k)
				if step%3 != 0 { // some units not recruited
					rows = rows[:0]
					for k := range c.k {
						if rng.IntN(3) > 0 {
							rows = append(rows, k)
						}
					}
				}
				if lanes(c.k) <= 2*lanes(len(rows)) {
					dense++ // the kernel's: at least half the lanes live
				}
				mask := make([]float64, c.k)
				for _, k := range rows {
					mask[k] = 1
				}
				d := fixture.Uniform(rng, c.k*c.d, c.dLo, c.dHi)
				a := fixture.Uniform(rng, c.d, 0.05, 1)
				asso := fixture.Uniform(rng, 2*c.k, -1, 1)
				dz := fixture.Uniform(rng, 2, -1, 1)
				if fused.forward(d, a, mask, asso, rows, true) {
					ran++
				}
				layers.forward(d, a, mask, asso, rows, false)
				fused.backward(dz, mask)
				layers.backward(dz, mask)
				requireSameStacks(t, layers, fused)
			}
			want := 0
			if c.kernel && vmath.Vector() {
				want = dense
			}
			require.Equal(t, want, ran, "calls the kernel took, of %d with at least half its lanes live", dense)
		})
	}
}

// TestFusedSilent: a unit live in the competition whose output there is 0
// (h⁴/Σ below the smallest subnormal, every exponential in range) is left
// out of the winner-take-all's sum; the kernel masks it, with the layers'
// bits.
func TestFusedSilent(t *testing.T) {
	const k = 8
	fused, layers := newStack(k, 1, 100, 0.5, 3, 0, 0.012, 10), newStack(k, 1, 100, 0.5, 3, 0, 0.012, 10)
	d := []float64{0.01, 4, 0.02, 0.5, 1, 0.03, 2, 0.04} // √4·100 = 200: h = e^−200, its output e^−800/Σ = 0
	a, mask, dz := []float64{1}, []float64{1, 1, 1, 1, 1, 1, 1, 1}, []float64{0.3, -0.7}
	asso := fixture.Uniform(rand.New(rand.NewPCG(3, 4)), 2*k, -1, 1)
	require.Equal(t, vmath.Vector(), fused.forward(d, a, mask, asso, allRows(k), true), "the kernel takes a prediction with a silent unit")
	layers.forward(d, a, mask, asso, allRows(k), false)
	require.Zero(t, layers.comp.out[1])
	require.NotContains(t, layers.wta.NonZero(), 1)
	fused.backward(dz, mask)
	layers.backward(dz, mask)
	requireSameBits(t, "z", layers.z, fused.z)
	requireSameBits(t, "winner-take-all", layers.wta.out, fused.wta.out)
	requireSameBits(t, "∂L/∂d", layers.gd, fused.gd)
	require.Equal(t, layers.wta.NonZero(), fused.wta.NonZero())
}

// TestFusedPair: ForwardPair leaves the layers as Forward with its second
// attention would, every buffer and gradient of their backward to the bit,
// and its first prediction's masked activations and winners' outputs are
// those of the layers with the first attention; over calls whose
// recruited units change, and with a unit silent in the winner-take-all.
func TestFusedPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const k, d = 8, 3
	stacks := func(c float64) [3]*stack {
		return [3]*stack{newStack(k, d, c, 0.5, 3, 0, 0.012, 10), newStack(k, d, c, 0.5, 3, 0, 0.012, 10), newStack(k, d, c, 0.5, 3, 0, 0.012, 10)}
	}
	normal, silent := stacks(0.25), stacks(100) // c = 100: silent units
	for step := range 60 {
		st := normal
		if step%6 == 5 {
			st = silent
		}
		pair, second, first := st[0], st[1], st[2]
		var rows []int
		for u := range k {
			if step%3 == 0 || rng.IntN(3) > 0 {
				rows = append(rows, u)
			}
		}
		if len(rows) == 0 {
			rows = append(rows, 3)
		}
		mask := make([]float64, k)
		for _, u := range rows {
			mask[u] = 1
		}
		dist := fixture.Uniform(rng, k*d, 1e-6, 1.5)
		a1 := fixture.Uniform(rng, d, 0.05, 1)
		a := append([]float64(nil), a1...)
		a[rng.IntN(d)] *= 1 + 0x1p-52 // the constraint's second application
		asso := fixture.Uniform(rng, 2*k, -1, 1)
		dz := fixture.Uniform(rng, 2, -1, 1)

		clear(pair.h)
		copy(pair.mask, mask)
		copy(pair.asso, asso)
		z := pair.fused.ForwardPair(dist, a1, a, rows)
		if !vmath.Vector() {
			require.Nil(t, z, "no kernel of two in this build")
			return
		}
		require.NotNil(t, z, "step %d: the kernel takes the pair", step)
		copy(pair.z, z)
		second.forward(dist, a, mask, asso, rows, false)
		first.forward(dist, a1, mask, asso, rows, false)
		h1, o1 := pair.fused.First()
		requireSameBits(t, "the first's h", first.h, h1)
		requireSameBits(t, "the first's winner-take-all", first.wta.out, o1)
		pair.backward(dz, mask)
		second.backward(dz, mask)
		requireSameStacks(t, second, pair)
	}
}

// BenchmarkPredict is a prediction of config1 with its 8 units recruited,
// from the distances to the logits: fused (the layers when the build has
// no kernel) and the layers one by one.
func BenchmarkPredict(b *testing.B) {
	for _, fused := range []bool{true, false} {
		b.Run(map[bool]string{true: "fused", false: "layers"}[fused], func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			s := newStack(8, 3, 0.25, 0.5, 3, 0, 0.012, 10)
			d := fixture.Uniform(rng, 24, 1e-6, 1.5)
			a := fixture.Uniform(rng, 3, 0.05, 1)
			asso := fixture.Uniform(rng, 16, -1, 1)
			mask, rows := []float64{1, 1, 1, 1, 1, 1, 1, 1}, allRows(8)
			for b.Loop() {
				s.forward(d, a, mask, asso, rows, fused)
			}
		})
	}
}
