package layers

import (
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// gradTol is the relative error the finite-difference checks allow (the
// project's rule; the stencil's own error is ~1e-10, see fdcheck.Step).
const gradTol = 1e-6

func allRows(k int) []int {
	r := make([]int, k)
	for i := range r {
		r[i] = i
	}
	return r
}

// dot is the test loss: a fixed random linear functional of a layer's
// output, whose gradient with respect to the output is the weights.
func dot(w, out []float64) float64 {
	var s float64
	for i := range w {
		s += w[i] * out[i]
	}
	return s
}

func TestDistanceGradient(t *testing.T) {
	cases := []struct {
		name    string
		k, d    int
		r       float64
		onPoint int // a row whose centre sits on x (clipped: zero gradient), or −1
	}{
		{"euclid", 8, 3, 2, -1},
		{"euclid, a centre on the stimulus", 8, 3, 2, 5},
		{"city-block power (negative differences clip)", 6, 2, 1, -1},
		{"cube", 4, 3, 3, -1},
		{"many clusters, two dims", 100, 2, 2, 17},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(i)))
			x := fixture.Uniform(rng, c.d, 0, 1)
			w := fixture.Uniform(rng, c.k*c.d, -0.5, 1.5)
			if c.onPoint >= 0 {
				copy(w[c.onPoint*c.d:], x)
			}
			wt := fixture.Uniform(rng, c.k*c.d, -1, 1)
			l := NewDistance(c.k, c.d, c.r)
			rows := allRows(c.k)
			f := func() float64 { return dot(wt, l.Forward(x, w, rows)) }
			f()
			gw := make([]float64, c.k*c.d)
			l.Backward(wt, gw)
			worst, err := fdcheck.Check("W", f, w, gw, gradTol)
			require.NoError(t, err)
			t.Logf("max relative error %.2g", worst)
			if c.onPoint >= 0 {
				for j := range c.d {
					require.Zero(t, gw[c.onPoint*c.d+j], "a clipped distance passes no gradient")
				}
			}
		})
	}
}

func TestDistanceRows(t *testing.T) {
	// Rows that are not listed are 0, also after a call that listed them.
	l := NewDistance(3, 2, 2)
	x := []float64{0, 1}
	w := []float64{1, 1, 0, 0, 0.5, 0.5}
	d := l.Forward(x, w, []int{0, 1, 2})
	require.Equal(t, []float64{1, MinDistance, MinDistance, 1, 0.25, 0.25}, d)
	d = l.Forward(x, w, []int{1})
	require.Equal(t, []float64{0, 0, MinDistance, 1, 0, 0}, d)
	d = l.Forward(x, w, []int{0, 2})
	require.Equal(t, []float64{1, MinDistance, 0, 0, 0.25, 0.25}, d)
	d = l.Forward(x, w, []int{1, 2})
	require.Equal(t, []float64{0, 0, MinDistance, 1, 0.25, 0.25}, d)
}

func TestActivationGradient(t *testing.T) {
	cases := []struct {
		name string
		k, d int
		c    float64
		qr   float64
	}{
		{"config1 (q=1, r=2)", 8, 3, 0.25, 0.5},
		{"q=r", 8, 3, 2, 1},
		{"new stimuli size", 100, 2, 0.25, 0.5},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, uint64(i)))
			d := fixture.Uniform(rng, c.k*c.d, 1e-3, 1.5)
			a := fixture.Uniform(rng, c.d, 0.1, 1)
			wt := fixture.Uniform(rng, c.k, -1, 1)
			l := NewActivation(c.k, c.d, c.c, c.qr)
			rows := allRows(c.k)
			f := func() float64 { return dot(wt, l.Forward(d, a, rows)) }
			f()
			gd := make([]float64, c.k*c.d)
			ga := make([]float64, c.d)
			l.Backward(wt, gd, ga)
			worst, err := fdcheck.Check("d", f, d, gd, gradTol)
			require.NoError(t, err)
			w2, err := fdcheck.Check("a", f, a, ga, gradTol)
			require.NoError(t, err)
			t.Logf("max relative error d %.2g, a %.2g", worst, w2)
		})
	}
}

func TestClusterSoftmaxGradient(t *testing.T) {
	cases := []struct {
		name   string
		l      *ClusterSoftmax
		k      int
		lo, hi float64
		zeros  []int // inputs that are 0 (not recruited)
	}{
		{"competition, equivalent temperature β=3", NewCompetition(8, 3), 8, 0.5, 0.99, []int{1, 4}},
		{"competition, equivalent temperature β=1", NewCompetition(8, 1), 8, 0.3, 0.99, nil},
		{"competition, numeric temperature", NewSoftmax(8, 0.5), 8, 0.3, 0.99, []int{0, 7}},
		{"soft winner-take-all T=0.012", NewSoftmax(8, 0.012), 8, 0.01, 0.2, []int{2, 3, 6}},
		{"soft winner-take-all, one input", NewSoftmax(8, 0.012), 8, 0.01, 0.2, []int{0, 1, 2, 3, 4, 5, 7}},
		{"100 clusters, 12 recruited", NewCompetition(100, 3), 100, 0.5, 0.99, nil},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, uint64(i)))
			v := fixture.Uniform(rng, c.k, c.lo, c.hi)
			for _, z := range c.zeros {
				v[z] = 0
			}
			if c.k == 100 {
				for k := range v {
					if k%8 != 3 {
						v[k] = 0
					}
				}
			}
			wt := fixture.Uniform(rng, c.k, -1, 1)
			f := func() float64 { return dot(wt, c.l.Forward(v)) }
			f()
			gv := make([]float64, c.k)
			c.l.Backward(wt, gv)
			var params, grads []float64 // only nonzero inputs: 0 is where the set changes
			var idx []int
			for k := range v {
				if v[k] != 0 {
					idx = append(idx, k)
				}
			}
			for _, k := range idx {
				params = append(params, v[k])
				grads = append(grads, gv[k])
			}
			g := func() float64 {
				for n, k := range idx {
					v[k] = params[n]
				}
				return f()
			}
			worst, err := fdcheck.Check("v", g, params, grads, gradTol)
			require.NoError(t, err)
			for _, z := range c.zeros {
				require.Zero(t, gv[z], "an input of 0 is outside the softmax")
			}
			t.Logf("max relative error %.2g", worst)
		})
	}
}

func TestCompetitionEquivalent(t *testing.T) {
	// With the equivalent temperature, g_k = h_k · h_k^β / Σ h_l^β.
	l := NewCompetition(4, 3)
	h := []float64{0.9, 0, 0.5, 0.7}
	out := l.Forward(h)
	var s float64
	for _, v := range h {
		if v != 0 {
			s += v * v * v
		}
	}
	for k, v := range h {
		require.InDelta(t, v*v*v*v/s, out[k], 1e-15)
	}
	require.Equal(t, []int{0, 2, 3}, l.NonZero())
}

func TestAssociationGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 0))
	const k, c = 8, 2
	o := fixture.Uniform(rng, k, 0, 1)
	a := fixture.Uniform(rng, k*c, -1, 1)
	wt := fixture.Uniform(rng, c, -1, 1)
	l := NewAssociation(k, c, 10)
	rows := allRows(k)
	f := func() float64 { return dot(wt, l.Forward(o, a, rows)) }
	f()
	g0 := make([]float64, k)
	ga := make([]float64, k*c)
	l.Backward(wt, g0, ga)
	_, err := fdcheck.Check("o", f, o, g0, gradTol)
	require.NoError(t, err)
	_, err = fdcheck.Check("A", f, a, ga, gradTol)
	require.NoError(t, err)
}

// TestDenseGathered: with every unit live in whole lanes the softmaxes and
// the activation run on their units in place; with one unit more, not
// live, they gather the live ones and pad them. Both give the same bits.
func TestDenseGathered(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	const k, d = 8, 3
	for _, qr := range []float64{0.5, 1} {
		dist := fixture.Uniform(rng, (k+1)*d, 1e-3, 1.5)
		a := fixture.Uniform(rng, d, 0.1, 1)
		dense := append([]float64(nil), NewActivation(k, d, 0.25, qr).Forward(dist[:k*d], a, allRows(k))...)
		gathered := NewActivation(k+1, d, 0.25, qr).Forward(dist, a, allRows(k))
		require.Equal(t, dense, gathered[:k], "activation, q/r = %v", qr)
	}
	for _, c := range []struct {
		name        string
		dense, more *ClusterSoftmax
	}{
		{"competition", NewCompetition(k, 3), NewCompetition(k+1, 3)},
		{"soft winner-take-all", NewSoftmax(k, 0.012), NewSoftmax(k+1, 0.012)},
	} {
		v := append(fixture.Uniform(rng, k, 0.01, 0.99), 0)
		dense := append([]float64(nil), c.dense.Forward(v[:k])...)
		gathered := c.more.Forward(v)
		require.Equal(t, dense, gathered[:k], c.name)
		require.Zero(t, gathered[k], c.name)
	}
}
