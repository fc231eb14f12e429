package affine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// stackNet is a network's slices laid out as the deep network lays them
// out: every weight, then every bias, in one slice, with the momentum
// buffer and the biases' gradient in the same layout.
type stackNet struct {
	params, vel, gb []float64
	x               []float64
	act, g          [][]float64
	layers          []StackLayer
	nw              int
}

// tame is random without the large magnitudes, whose products overflow
// over a few trials: the NaNs that follow carry the payload of whichever
// operand came first, which no kernel promises to keep.
func tame(rng *rand.Rand, n int) []float64 {
	v := random(rng, n)
	for i := range v {
		if math.Abs(v[i]) > 1e100 {
			v[i] = rng.NormFloat64()
		}
	}
	return v
}

func newStackNet(rng *rand.Rand, sizes []int) *stackNet {
	nl := len(sizes) - 1
	s := &stackNet{x: tame(rng, sizes[0])}
	for i := range nl {
		s.nw += sizes[i] * sizes[i+1]
	}
	nb := 0
	for i := range nl {
		nb += sizes[i+1]
	}
	s.params, s.vel, s.gb = tame(rng, s.nw+nb), tame(rng, s.nw+nb), make([]float64, nb)
	w, b := 0, s.nw
	for i := range nl {
		in, out := sizes[i], sizes[i+1]
		s.act = append(s.act, make([]float64, out))
		s.g = append(s.g, s.gb[b-s.nw:b-s.nw+out])
		l := StackLayer{W: s.params[w : w+in*out], V: s.vel[w : w+in*out], B: s.params[b : b+out],
			X: s.x, Y: s.act[i], ReLU: i < nl-1, DY: s.g[i]}
		if i > 0 {
			l.X, l.DX, l.Act = s.act[i-1], s.g[i-1], s.act[i-1]
		}
		s.layers = append(s.layers, l)
		w, b = w+in*out, b+out
	}
	return s
}

func (s *stackNet) clone() *stackNet {
	c := &stackNet{params: clone(s.params), vel: clone(s.vel), gb: clone(s.gb), x: clone(s.x), nw: s.nw}
	w, b := 0, s.nw
	for i, l := range s.layers {
		in, out := len(l.X), len(l.Y)
		c.act = append(c.act, clone(s.act[i]))
		c.g = append(c.g, c.gb[b-s.nw:b-s.nw+out])
		cl := StackLayer{W: c.params[w : w+in*out], V: c.vel[w : w+in*out], B: c.params[b : b+out],
			X: c.x, Y: c.act[i], ReLU: l.ReLU, DY: c.g[i]}
		if i > 0 {
			cl.X, cl.DX, cl.Act = c.act[i-1], c.g[i-1], c.act[i-1]
		}
		c.layers = append(c.layers, cl)
		w, b = w+in*out, b+out
	}
	return c
}

// trialGo is a trial of s layer by layer in plain Go: the forward pass,
// the top layer's gradient dTop, the backward pass and steps.
func (s *stackNet) trialGo(dTop []float64, a, m float64) {
	for _, l := range s.layers {
		forwardReLUWith(nil, l.W, l.X, l.B, l.Y, l.ReLU)
	}
	copy(s.g[len(s.g)-1], dTop)
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		if m != 0 {
			backwardStepMomentumReLUWith(nil, l.W, l.V, l.X, l.DY, l.DX, l.Act, a, m)
		} else {
			backwardStepReLUWith(nil, l.W, l.X, l.DY, l.DX, l.Act, a)
		}
	}
	if m != 0 {
		stepMomentumWith(nil, s.params[s.nw:], s.vel[s.nw:], s.gb, a, m)
	} else {
		stepWith(nil, s.params[s.nw:], a, s.gb)
	}
}

// stackTrial runs a trial of s on got's slices (its forward pass, then
// afterForward if not nil, dTop at the top and its backward pass and
// steps) and compares every layer's output, the gradients, the parameters
// and with momentum its buffer with want's, on which trialGo has run the
// trial.
func stackTrial(t *testing.T, what string, s *Stack, want, got *stackNet, dTop []float64, momentum bool, afterForward func()) {
	t.Helper()
	s.Forward()
	if afterForward != nil {
		afterForward()
	}
	for i := range want.act {
		sameBits(t, fmt.Sprintf("%s: layer %d's output", what, i), want.act[i], got.act[i])
	}
	copy(got.g[len(got.g)-1], dTop)
	s.BackwardStep()
	sameBits(t, what+": the gradients", want.gb, got.gb)
	sameBits(t, what+": the parameters", want.params, got.params)
	if momentum {
		sameBits(t, what+": the momentum buffer", want.vel, got.vel)
	}
}

// TestStackMatchesLayers: a Stack's trials, on every path, give the bits
// of the plain-Go kernels called layer by layer, for networks whose layers
// meet every kernel: the first layer's flat step (fewer than 8 inputs) and
// the kernels along rows (8 or more), the register backward kernels (≤ 32
// inputs) and the column and row ones (more, below and above smallW), the
// transposing forward kernel with and without rows after its panels and
// with more rows after them than its pass takes, and rows 4 KB apart (the
// wide forward kernel's 32 and 8-row blocks after them).
func TestStackMatchesLayers(t *testing.T) {
	nets := [][]int{
		{3, 25, 25, 25, 2}, // the default network
		{3, 25, 2},
		{9, 60, 33, 1},
		{5, 70, 70, 3},
		{8, 24, 512, 2},
		{6, 512, 45, 2},
		{1, 1},
		{4, 0, 2},
	}
	sets := append([]*kernelSet{nil}, kernelSets()...)
	for _, k := range sets {
		name := "plain Go"
		if k != nil {
			name = k.name
		}
		for _, sizes := range nets {
			for _, m := range []float64{0, 0.3} {
				rng := rand.New(rand.NewPCG(uint64(len(sizes)), uint64(sizes[1])))
				want := newStackNet(rng, sizes)
				got := want.clone()
				s := newStack(k, got.layers, got.params[got.nw:], got.vel[got.nw:], got.gb, -0.1, m)
				for trial := range 3 {
					dTop := tame(rng, sizes[len(sizes)-1])
					copy(want.x, tame(rng, sizes[0]))
					copy(got.x, want.x)
					want.trialGo(dTop, -0.1, m)
					stackTrial(t, fmt.Sprintf("%s: %v, momentum %v, trial %d", name, sizes, m, trial), s, want, got, dTop, m != 0, nil)
				}
			}
		}
	}
}

// BenchmarkStack times a trial's forward pass, then its backward pass and
// steps, of the default network (3-25-25-25-2, momentum 0.3 and none) on
// every path.
func BenchmarkStack(b *testing.B) {
	for _, k := range append([]*kernelSet{nil}, kernelSets()...) {
		name := "Go"
		if k != nil {
			name = k.name
		}
		for _, m := range []float64{0.3, 0} {
			b.Run(fmt.Sprintf("%s/momentum%v", name, m), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(7, 8))
				net := newStackNet(rng, []int{3, 25, 25, 25, 2})
				for i := range net.params { // normal values: a subnormal takes a slow path
					net.params[i] = rng.NormFloat64() / 5
				}
				for i := range net.x {
					net.x[i] = rng.NormFloat64()
				}
				clear(net.vel)
				// A step of 0 (the same operations) and a fixed gradient at
				// the top keep every value where it is over any number of
				// trials, off the slow paths of subnormals.
				s := newStack(k, net.layers, net.params[net.nw:], net.vel[net.nw:], net.gb, 0, m)
				top := net.g[len(net.g)-1]
				for b.Loop() {
					s.Forward()
					top[0], top[1] = 0.1, -0.1
					s.BackwardStep()
				}
			})
		}
	}
}

// TestStackPrunes: a Stack's backward pass that leaves out the rows of a
// ReLU's silent units (prunes) gives the bits of the plain-Go layers,
// which take every row, on every path: for a layer below 8 MB and one of
// 8 MB (the wide backward kernel's runs), and where leaving rows out would
// change the bits and must not happen: a weight −Inf in a silent unit's
// row (its dy_o·w_oj is NaN), a layer whose input has negative values
// beside weights −0 (a·(dy_o·x_j) is then +0, and −0 + (+0) is +0), a
// positive step, and a backward pass without a forward pass before it.
func TestStackPrunes(t *testing.T) {
	type tc struct {
		name  string
		sizes []int
		a     float64
		live  bool // whether layer 1's first forward pass finds its values finite, with a pruning step
		edit  func(s *stackNet)
	}
	cases := []tc{
		{"below 8 MB", []int{5, 300, 260, 2}, -0.1, true, nil},
		{"8 MB", []int{4, 1024, 1024, 2}, -0.05, true, nil},
		{"rows of a multiple of 8", []int{5, 256, 264, 2}, -0.1, true, nil},
		{"step −0", []int{5, 300, 260, 2}, math.Copysign(0, -1), true, nil},
		{"positive step", []int{5, 300, 260, 2}, 0.1, false, nil},
		{"a −Inf weight in a silent row", []int{5, 300, 260, 2}, -0.1, false, func(s *stackNet) {
			for i := range s.layers[0].B {
				s.layers[0].B[i] = 100 // every input of the next layer positive
			}
			l := s.layers[1]
			n := len(l.X)
			for o := range len(l.Y) {
				l.W[o*n] = math.Inf(-1) // every unit silent, its value −Inf
			}
		}},
		{"inputs below 0", []int{5, 300, 260, 2}, -0.1, true, func(s *stackNet) {
			s.layers[0].ReLU = false
			l := s.layers[1]
			for i := range l.W {
				if i%3 == 0 {
					l.W[i] = math.Copysign(0, -1)
				}
			}
		}},
	}
	for _, k := range append([]*kernelSet{nil}, kernelSets()...) {
		name := "plain Go"
		if k != nil {
			name = k.name
		}
		for _, c := range cases {
			rng := rand.New(rand.NewPCG(uint64(len(c.name)), 9))
			want := newStackNet(rng, c.sizes)
			if c.edit != nil {
				c.edit(want)
			}
			got := want.clone()
			for i := range want.layers {
				got.layers[i].ReLU = want.layers[i].ReLU
			}
			for _, a := range []float64{math.Copysign(math.NaN(), -1), math.Inf(-1)} {
				if newStack(k, got.layers, got.params[got.nw:], got.vel[got.nw:], got.gb, a, 0).layers[1].prune {
					t.Errorf("%s, %s: a step of %v prunes", name, c.name, a)
				}
			}
			s := newStack(k, got.layers, got.params[got.nw:], got.vel[got.nw:], got.gb, c.a, 0)
			if s.layers[1].prune != math.Signbit(c.a) {
				t.Fatalf("%s, %s: layer 1 prunes %v, want %v", name, c.name, s.layers[1].prune, math.Signbit(c.a))
			}
			// A backward pass with no forward pass before it takes every row.
			dTop := tame(rng, c.sizes[len(c.sizes)-1])
			copy(got.g[len(got.g)-1], dTop)
			s.BackwardStep()
			copy(want.g[len(want.g)-1], dTop)
			want.backwardGo(c.a)
			sameBits(t, name+", "+c.name+": a backward pass first", want.params, got.params)
			for trial := range 3 {
				dTop := tame(rng, c.sizes[len(c.sizes)-1])
				copy(want.x, tame(rng, c.sizes[0]))
				copy(got.x, want.x)
				want.trialGo(dTop, c.a, 0)
				stackTrial(t, fmt.Sprintf("%s, %s, trial %d", name, c.name, trial), s, want, got, dTop, false, func() {
					if trial == 0 && s.layers[1].live != c.live {
						t.Errorf("%s, %s: layer 1's values finite %v, want %v", name, c.name, s.layers[1].live, c.live)
					}
				})
			}
		}
	}
}

// backwardGo is trialGo's backward pass and steps without its forward
// pass (momentum 0).
func (s *stackNet) backwardGo(a float64) {
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		backwardStepReLUWith(nil, l.W, l.X, l.DY, l.DX, l.Act, a)
	}
	stepWith(nil, s.params[s.nw:], a, s.gb)
}
