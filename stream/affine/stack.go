package affine

import "math"

// A Stack is a stack of affine layers over slices fixed when it is built
// (a network's weights, outputs and gradients, cut to their sizes once),
// so that a trial's forward pass takes one call and its backward pass
// with the SGD steps another, which run the kernels from one loop: the
// same kernels on the same operands in the same order as ForwardReLU,
// BackwardStepMomentumReLU and StepMomentum (or their forms without
// momentum) called layer by layer, so the same bits; but a wide layer's
// backward pass leaves out the rows of its ReLU's silent units, which
// those functions take and which change no bit (see prunes).
type Stack struct {
	k        *kernelSet
	layers   []stackLayer
	bias     []float64 // every layer's bias, side by side
	vb, gb   []float64 // their momentum buffer and gradient, the same layout
	a, m     float64
	momentum bool
	// The rows of a pruned backward pass's kernel call (backwardLive):
	// their first weights and their gradients.
	listed    [8]*float64
	listedG   [8]float64
	listedRow [8]int
}

// stackLayer is a StackLayer cut to its sizes, with its kernels' choices
// for the kernel sets that run a Stack themselves (kernelSet.stack…).
type stackLayer struct {
	StackLayer
	tw, tb, ty []float64 // the rows a transposing forward kernel takes (none: empty)
	wide       bool      // the wide one takes them (rows 4 KB apart), not forwardT
	rw, rb, ry []float64 // the others
	tail, relu uint64    // the transposing kernel's mask of the last columns; 1: the ReLU
	regs, flat bool      // the backward pass in the register kernels, or the flat ones
	idx        []int64   // the flat kernels' lanes and masks
	tails      uint64
	// prune: the backward pass may leave out the rows of DY +0 (see
	// backwardLive), its ReLU then applied after the forward kernels; live:
	// the last forward pass found every value before the ReLU finite.
	prune, live bool
}

// pruneW is the fewest weights of a layer whose backward pass leaves out
// the rows of DY +0 (those of its ReLU's silent units).
const pruneW = 1 << 16

// StackLayer is one layer of a Stack: Y = W·X + B, then the ReLU of Y
// when ReLU is set; its backward pass reads DY, the gradient of the loss
// with respect to W·X + B, and writes DX, that with respect to X (nil: not
// wanted, as for a first layer), passed back through the ReLU whose output
// is Act unless Act is nil (Act is then X).
type StackLayer struct {
	W, V    []float64 // row-major [len(Y)×len(X)], and W's momentum buffer (nil without momentum)
	B, X, Y []float64
	ReLU    bool
	DY, DX  []float64
	Act     []float64
}

// NewStack returns the stack of layers ls (the bottom one first), which
// steps each weight matrix by a (−lr) with momentum m (none when m is 0)
// and then every bias at once: bias is every layer's B side by side, vb
// its momentum buffer and gb its gradient (every layer's DY side by side).
func NewStack(ls []StackLayer, bias, vb, gb []float64, a, m float64) *Stack {
	checkSame(gb, len(bias), shortGB)
	if m != 0 {
		checkSame(vb, len(bias), shortVB)
	}
	for _, l := range ls {
		checkForward(l.W, l.X, l.B, l.Y)
		checkSame(l.DY, len(l.Y), shortDY)
		checkBackward(l.W, l.V, l.X, l.Y, l.DX, l.Act, m != 0)
	}
	return newStack(best, ls, bias, vb, gb, a, m)
}

func newStack(k *kernelSet, ls []StackLayer, bias, vb, gb []float64, a, m float64) *Stack {
	s := &Stack{k: k, bias: bias, gb: gb[:len(bias)], a: a, m: m, momentum: m != 0}
	if s.momentum {
		s.vb = vb[:len(bias)]
	}
	for _, l := range ls {
		n, rows := len(l.X), len(l.Y)
		c := stackLayer{StackLayer: StackLayer{W: l.W[:rows*n], B: l.B[:rows], X: l.X, Y: l.Y, ReLU: l.ReLU, DY: l.DY[:rows]}}
		if s.momentum {
			c.V = l.V[:rows*n]
		}
		if l.DX != nil {
			c.DX = l.DX[:n]
		}
		if l.Act != nil {
			c.Act = l.Act[:n]
		}
		p, wide := leadRows(k, n, rows)
		c.wide = wide
		c.tw, c.tb, c.ty, c.tail = c.W[:p*n], c.B[:p], c.Y[:p], 1<<(n%8)-1
		c.rw, c.rb, c.ry = c.W[p*n:], c.B[p:], c.Y[p:]
		c.regs, c.flat = inRegisters(k, n, c.DX != nil), flat(k, n, c.DX != nil)
		c.prune = prunes(s, &c)
		if l.ReLU && !c.prune {
			c.relu = 1
		}
		if c.flat {
			c.idx, c.tails = flatIdx[n], flatTails(rows, n)
		}
		s.layers = append(s.layers, c)
	}
	return s
}

// Forward runs every layer's forward pass, from the bottom.
func (s *Stack) Forward() {
	if s.k != nil && s.k.stackForward != nil {
		s.k.stackForward(s)
		return
	}
	for i := range s.layers {
		l := &s.layers[i]
		forwardReLUWith(s.k, l.W, l.X, l.B, l.Y, l.ReLU && !l.prune)
		if l.prune {
			l.live = reluFinite(s.k, l.Y)
		}
	}
}

// BackwardStep runs every layer's backward pass and step, from the top
// (each ∂L/∂x from the weights before they change), then steps the biases.
func (s *Stack) BackwardStep() {
	if s.k != nil && s.k.stackBackward != nil {
		s.k.stackBackward(s)
		return
	}
	for i := len(s.layers) - 1; i >= 0; i-- {
		s.backwardLayer(&s.layers[i])
	}
	if s.momentum {
		stepMomentumWith(s.k, s.bias, s.vb, s.gb, s.a, s.m)
	} else {
		stepWith(s.k, s.bias, s.a, s.gb)
	}
}

// backwardLayer is layer l's backward pass and step through the per-layer
// functions.
func (s *Stack) backwardLayer(l *stackLayer) {
	if l.prune && l.live && signClear(l.X) {
		l.live = false // the weights change: the next pass must find out again
		s.backwardLive(l)
		return
	}
	if s.momentum {
		backwardStepMomentumReLUWith(s.k, l.W, l.V, l.X, l.DY, l.DX, l.Act, s.a, s.m)
	} else {
		backwardStepReLUWith(s.k, l.W, l.X, l.DY, l.DX, l.Act, s.a)
	}
}

// prunes reports whether layer l's backward pass may leave out the rows
// whose gradient DY is +0: a layer of at least pruneW weights with a ReLU,
// ∂L/∂x wanted, no momentum, a step a = −lr that is −0 or negative and
// finite, and a backward pass whose kernels add to dx's sums in memory
// (not the register or flat ones). Such a row changes nothing, to the bit,
// when X has no sign bit set and its weights are finite: its products
// dy_o·x_j are +0, a·(+0) is −0 and w + (−0) is w, for every w; and
// dy_o·w_oj is ±0, which leaves dx_j's sum as it is, since the sum starts
// at +0 and no sum of values is −0 but that of two −0s. Its weights are
// finite when the forward pass's value of its unit before the ReLU was:
// with x_j ≥ +0 finite, a weight ±Inf or NaN makes its product ±Inf or
// NaN, which no finite term takes back (Backward checks X; Forward records
// whether every value was finite, live).
func prunes(s *Stack, l *stackLayer) bool {
	n := len(l.X)
	return l.ReLU && l.DX != nil && !s.momentum && len(l.W) >= pruneW && len(l.W) > smallW &&
		!l.regs && !l.flat && math.Signbit(s.a) && s.a-s.a == 0 && n > 0 // a finite: a − a is NaN for ±Inf and NaN
}

// reluFinite applies the ReLU to y, as the forward kernels do, and
// reports whether every value of y before it was finite.
func reluFinite(k *kernelSet, y []float64) bool {
	const exp = 0x7ff0000000000000 // the exponent's bits: all set for ±Inf and NaN
	bad := uint64(0)
	for _, v := range y {
		bad |= ((math.Float64bits(v) & exp) ^ exp) - 1 // the top bit set only when all are
	}
	reluWith(k, y, y)
	return bad>>63 == 0
}

// signClear reports whether no value of x has its sign bit set.
func signClear(x []float64) bool {
	var or uint64
	for _, v := range x {
		or |= math.Float64bits(v)
	}
	return or>>63 == 0
}

// backwardLive is the backward pass and step of layer l (see prunes) over
// its rows of DY not +0 only, which the kernels add to dx's sums in row
// order: 8 at a time wherever they are where the kernel set has a kernel
// for it (backwardStepListed) and the rest one by one, or each run of
// consecutive ones in one call; then the ReLU's gradient below.
func (s *Stack) backwardLive(l *stackLayer) {
	n, dy, dx := len(l.X), l.DY, l.DX
	clear(dx)
	if k := s.k; k != nil && k.backwardStepListed != nil && n%8 == 0 {
		m := 0
		for o, g := range dy {
			if math.Float64bits(g) == 0 {
				continue
			}
			s.listed[m], s.listedG[m], s.listedRow[m] = &l.W[o*n], g, o
			if m++; m == len(s.listed) {
				k.backwardStepListed(&s.listed, &s.listedG, l.X, dx, s.a)
				m = 0
			}
		}
		for _, o := range s.listedRow[:m] {
			k.backwardStep(l.W[o*n:(o+1)*n], l.X, dy[o:o+1], dx, s.a)
		}
	} else {
		for o := 0; o < len(dy); {
			for o < len(dy) && math.Float64bits(dy[o]) == 0 {
				o++
			}
			e := o
			for e < len(dy) && math.Float64bits(dy[e]) != 0 {
				e++
			}
			if e > o {
				backwardRowsWith(s.k, l.W[o*n:e*n], l.X, dy[o:e], dx, s.a, len(l.W))
			}
			o = e
		}
	}
	if l.Act != nil {
		reluBackwardWith(s.k, l.Act, dx, dx)
	}
}
