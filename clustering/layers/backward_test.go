package layers

import (
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
				require.Equal(t, want, s.fused.Backward(dist, dz, gw, ga, gas), "step %d: whether it applies", step)
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
