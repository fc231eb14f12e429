package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// TestFusedBackward: Fused.Backward writes the gradients of the centres,
// the attention and the association weights with the bits of the layers'
// backward and the distances', after predictions run fused and by the
// layers, with units not recruited, silent units (c = 100), activations of 0 (c = 1000), centres on the
// stimulus (the clip bites), gradients of zero and every row listed; and
// it refuses, writing nothing, where it does not apply.
func TestFusedBackward(t *testing.T) {
	cases := []struct {
		name    string
		k, d    int
		c, qr   float64
		beta    float64 // 0: a numeric competition temperature of 0.5
		r       float64
		applies bool
	}{
		{"config1", 8, 3, 0.25, 0.5, 3, 2, true},
		{"silent units", 8, 3, 100, 0.5, 3, 2, true},
		{"activations of 0", 8, 3, 1000, 0.5, 3, 2, true},
		{"4 units, 2 dims", 4, 2, 1, 0.5, 2, 2, true},
		{"6 units, not whole lanes", 6, 3, 0.25, 0.5, 3, 2, true},
		{"12 units, 1 dim", 12, 1, 0.5, 0.5, 3, 2, true},
		{"r = 1", 8, 3, 0.25, 0.5, 3, 1, false},
		{"q/r = 1", 8, 3, 0.25, 1, 3, 2, false},
		{"numeric competition temperature", 8, 3, 0.25, 0.5, 0, 2, false},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(31, uint64(ci)))
			s := newStack(c.k, c.d, c.c, c.qr, c.beta, 0.5, 0.012, 10)
			dist := NewDistance(c.k, c.d, c.r)
			applied := 0
			for step := range 60 {
				rows := allRows(c.k)
				if step%3 != 0 {
					rows = rows[:0]
					for k := range c.k {
						if rng.IntN(4) > 0 || k == step%c.k {
							rows = append(rows, k)
						}
					}
				}
				mask := make([]float64, c.k)
				for _, k := range rows {
					mask[k] = 1
				}
				x := fixture.Uniform(rng, c.d, 0, 1)
				w := fixture.Uniform(rng, c.k*c.d, 0, 1)
				for i := range w {
					if rng.IntN(5) == 0 {
						w[i] = x[i%c.d] // on the stimulus: the clip bites
					}
				}
				a := fixture.Uniform(rng, c.d, 0.05, 1)
				asso := fixture.Uniform(rng, 2*c.k, -1, 1)
				dz := fixture.Uniform(rng, 2, -1, 1)
				switch step % 7 {
				case 5:
					dz[0] = 0 // a class with no gradient
				case 6:
					dz[0], dz[1] = 0, 0 // no gradient: zeros of both signs
				}
				d := dist.Forward(x, w, rows)
				s.forward(d, a, mask, asso, rows, step%2 == 0)

				gw, ga, gas := fixture.Uniform(rng, c.k*c.d, -9, 9), fixture.Uniform(rng, c.d, -9, 9), fixture.Uniform(rng, 2*c.k, -9, 9)
				before := [][]float64{append([]float64(nil), gw...), append([]float64(nil), ga...), append([]float64(nil), gas...)}
				want := c.applies && c.k <= 2*lanes(len(rows))
				require.Equal(t, want, s.fused.Backward(dist, dz, gw, ga, gas, make([]float64, c.k), make([]float64, c.k), make([]float64, c.k)), "step %d: whether it applies", step)
				if !want {
					requireSameBits(t, "∂L/∂W untouched", before[0], gw)
					requireSameBits(t, "∂L/∂a untouched", before[1], ga)
					requireSameBits(t, "∂L/∂A untouched", before[2], gas)
					continue
				}
				applied++
				s.backward(dz, mask)
				wgw := make([]float64, c.k*c.d)
				dist.Backward(s.gd, wgw)
				requireSameBits(t, "∂L/∂W", wgw, gw)
				requireSameBits(t, "∂L/∂a", s.ga, ga)
				requireSameBits(t, "∂L/∂A", s.gas, gas)
			}
			if c.applies {
				require.Greater(t, applied, 20)
			}
		})
	}
}

// TestForwardFrom: ForwardFrom and ForwardPairFrom, which compute the
// distances and the activation's sums in one pass when every row is
// listed, leave the distances, every layer and the first prediction of a
// pair with the bits of Distance.Forward followed by Forward and
// ForwardPair, with rows listed and not, centres on the stimulus and NaN
// coordinates; euclidSums and rowSums alone have the distances' and sums'
// bits.
func TestForwardFrom(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	const k, d = 8, 3
	from, want := newStack(k, d, 0.25, 0.5, 3, 0, 0.012, 10), newStack(k, d, 0.25, 0.5, 3, 0, 0.012, 10)
	dFrom, dWant := NewDistance(k, d, 2), NewDistance(k, d, 2)
	for step := range 60 {
		rows := allRows(k)
		if step%3 == 2 {
			rows = rows[:0]
			for u := range k {
				if rng.IntN(3) > 0 || u == 0 {
					rows = append(rows, u)
				}
			}
		}
		mask := make([]float64, k)
		for _, u := range rows {
			mask[u] = 1
		}
		x := fixture.Uniform(rng, d, 0, 1)
		w := fixture.Uniform(rng, k*d, 0, 1)
		for i := range w {
			if rng.IntN(5) == 0 {
				w[i] = x[i%d]
			}
		}
		if step == 59 {
			x[1] = math.NaN()
		}
		a1 := fixture.Uniform(rng, d, 0.05, 1)
		a := fixture.Uniform(rng, d, 0.05, 1)
		asso := fixture.Uniform(rng, 2*k, -1, 1)

		// euclidSums alone.
		s, s1 := make([]float64, k), make([]float64, k)
		dFrom.euclidSums(x, w, a, s, a1, s1)
		dWant.Forward(x, w, allRows(k))
		requireSameBits(t, "distances", dWant.out, dFrom.out)
		ws, ws1 := make([]float64, k), make([]float64, k)
		sums(ws, dWant.out, a, allRows(k), d)
		sums(ws1, dWant.out, a1, allRows(k), d)
		requireSameBits(t, "sums", ws, s)
		requireSameBits(t, "the pair's first sums", ws1, s1)
		// rowSums alone, over the rows listed (after every row, so that
		// it clears those no longer listed).
		dFrom.rowSums(x, w, rows, a, s, a1, s1)
		dWant.Forward(x, w, rows)
		requireSameBits(t, "distances of the rows listed", dWant.out, dFrom.out)
		sums(ws, dWant.out, a, rows, d)
		sums(ws1, dWant.out, a1, rows, d)
		requireSameBits(t, "sums of the rows listed", ws, s)
		requireSameBits(t, "the pair's first sums of the rows listed", ws1, s1)
		dFrom.rowSums(x, w, rows, a, s, nil, nil)
		requireSameBits(t, "sums of the rows listed, alone", ws, s)

		for _, s := range []*stack{from, want} {
			clear(s.h)
			copy(s.mask, mask)
			copy(s.asso, asso)
		}
		pair := step%2 == 1
		var z, zw []float64
		if pair {
			z = from.fused.ForwardPairFrom(dFrom, x, w, a1, a, rows)
			zw = want.fused.ForwardPair(dWant.Forward(x, w, rows), a1, a, rows)
		} else {
			z = from.fused.ForwardFrom(dFrom, x, w, a, rows)
			zw = want.fused.Forward(dWant.Forward(x, w, rows), a, rows)
		}
		requireSameBits(t, "distances after the prediction", dWant.out, dFrom.out)
		requireSameBits(t, "differences", dWant.diff, dFrom.diff)
		require.Equal(t, zw == nil, z == nil, "step %d: whether the kernel ran", step)
		if z == nil {
			continue
		}
		copy(from.z, z)
		copy(want.z, zw)
		requireSameStacks(t, want, from)
		if pair {
			h1, o1 := from.fused.First()
			wh1, wo1 := want.fused.First()
			requireSameBits(t, "the first's h", wh1, h1)
			requireSameBits(t, "the first's winner-take-all", wo1, o1)
		}
	}
}
