package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/vmath"
	"github.com/stretchr/testify/require"
)

// TestModelGradient checks the whole model's hand-written gradient of the
// loss with respect to the centres, the attention and the association
// weights against finite differences, at random states with several
// recruited clusters (the constraint, which is outside the gradient graph
// in the original too, is not applied while differencing).
func TestModelGradient(t *testing.T) {
	base := Params{Clusters: 8, Dims: 3, R: 2, Q: 1, Specificity: 0.25, Equivalent: true, Beta: 3,
		TempSoftWTA: 0.012, Phi: 10, Thr: -0.4, SumToOne: true, LRCentres: 0.1, LRAttention: 0.1, LRAssoc: 0.1}
	cases := []struct {
		name    string
		edit    func(*Params)
		recruit int
		loss    loss.Func
		binary  bool // SHJ-like binary stimulus and centres on corners
		pair    bool // the gradient of the second prediction of a pair (Model.pair)
	}{
		{"config1, 3 clusters", nil, 3, loss.BCELogits{}, false, false},
		{"config1, 6 clusters, SHJ corners", nil, 6, loss.BCELogits{}, true, false},
		{"config1, all 8 clusters, cross-entropy", nil, 8, loss.CrossEntropy{}, false, false},
		{"numeric competition temperature", func(p *Params) { p.Equivalent, p.TempCompetition = false, 0.3 }, 5, loss.BCELogits{}, false, false},
		{"q = r = 1", func(p *Params) { p.R, p.Q = 1, 1 }, 4, loss.BCELogits{}, false, false},
		{"soft WTA T = 0.1, Phi = 3", func(p *Params) { p.TempSoftWTA, p.Phi = 0.1, 3 }, 5, loss.CrossEntropy{}, false, false},
		{"new stimuli: K=100, D=2, 12 clusters", func(p *Params) { p.Clusters, p.Dims = 100, 2 }, 12, loss.BCELogits{}, false, false},
		{"config1, 5 clusters, the second prediction of a pair", nil, 5, loss.BCELogits{}, false, true},
	}
	for ci, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base
			if c.edit != nil {
				c.edit(&p)
			}
			m, err := New(p)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(7, uint64(ci)))
			K, D := p.Clusters, p.Dims
			x := make([]float64, D)
			for j := range x {
				if c.binary {
					x[j] = float64(rng.IntN(2))
				} else {
					x[j] = rng.Float64()
				}
			}
			for _, k := range rng.Perm(K)[:c.recruit] {
				m.mask[k] = 1
			}
			m.setActive()
			for i := range m.w {
				// Keep every centre off the distance clip's kink
				// (|x − W| = 1e-3) by more than the largest step.
				for {
					if c.binary {
						m.w[i] = float64(rng.IntN(2)) + 0.3*(rng.Float64()-0.5)
					} else {
						m.w[i] = rng.Float64()
					}
					if math.Abs(m.w[i]-x[i%D]) >= 5e-3 {
						break
					}
				}
			}
			// One recruited centre sits on the stimulus, as the unit
			// recruited for an item does: its distances are clipped and pass
			// no gradient. (With r = 1 the clip's kink is at a difference
			// of 1e-6, right next to such a centre, so not there.)
			if p.R == 2 {
				on := m.active[0]
				copy(m.w[on*D:on*D+D], x)
			}
			var s float64
			for j := range m.attn {
				m.attn[j] = 0.2 + rng.Float64()
				s += m.attn[j]
			}
			for j := range m.attn {
				m.attn[j] /= s
			}
			for i := range m.asso {
				m.asso[i] = 2*rng.Float64() - 1
			}
			y := []float64{1, 0}
			if rng.IntN(2) == 1 {
				y = []float64{0, 1}
			}
			f := func() float64 {
				m.predict(x, false)
				return c.loss.Eval(m.z, y, nil)
			}
			dz := make([]float64, Classes)
			if c.pair && vmath.Vector() {
				// An attention the constraint moves twice, as after a
				// step: the pair's second prediction is differenced.
				for {
					for j := range m.attn {
						m.attn[j] *= 1 + rng.Float64()
					}
					m.constrain()
					sumToOne(m.next, m.attn)
					if !sameBits(m.next, m.attn) {
						break
					}
				}
				require.True(t, m.pair(x), "the kernel takes the pair")
				copy(m.attn, m.next)
			} else {
				m.predict(x, false)
			}
			if K == 8 && p.Equivalent && p.Q/p.R == 0.5 && vmath.Vector() {
				// config1's shape: the differences go through the fused
				// prediction, its unrecruited units masked.
				require.NotNil(t, m.fusedForward(m.dist.Out()), "the kernel takes config1's predictions")
			}
			c.loss.Eval(m.z, y, dz)
			m.backward(dz)
			gw := append([]float64(nil), m.gw...)
			ga := append([]float64(nil), m.gattn...)
			gA := append([]float64(nil), m.gasso...)
			ew, err := fdcheck.Check("W", f, m.w, gw, 1e-6)
			require.NoError(t, err)
			ea, err := fdcheck.Check("a", f, m.attn, ga, 1e-6)
			require.NoError(t, err)
			eA, err := fdcheck.Check("A", f, m.asso, gA, 1e-6)
			require.NoError(t, err)
			var nonzero int
			for k := range K {
				for j := range D {
					if gw[k*D+j] != 0 {
						nonzero++
						require.Equal(t, 1.0, m.mask[k], "only recruited centres get a gradient")
					}
				}
			}
			require.Positive(t, nonzero)
			t.Logf("max relative error: centres %.2g, attention %.2g, association %.2g", ew, ea, eA)
		})
	}
}
