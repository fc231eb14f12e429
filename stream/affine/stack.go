package affine

// A Stack is a stack of affine layers over slices fixed when it is built
// (a network's weights, outputs and gradients, cut to their sizes once),
// so that a trial's forward pass takes one call and its backward pass
// with the SGD steps another, which run the kernels from one loop: the
// same kernels on the same operands in the same order as ForwardReLU,
// BackwardStepMomentumReLU and StepMomentum (or their forms without
// momentum) called layer by layer, so the same bits.
type Stack struct {
	k        *kernelSet
	layers   []stackLayer
	bias     []float64 // every layer's bias, side by side
	vb, gb   []float64 // their momentum buffer and gradient, the same layout
	a, m     float64
	momentum bool
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
}

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
		if l.ReLU {
			c.relu = 1
		}
		c.regs, c.flat = inRegisters(k, n, c.DX != nil), flat(k, n, c.DX != nil)
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
		forwardReLUWith(s.k, l.W, l.X, l.B, l.Y, l.ReLU)
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
	if s.momentum {
		backwardStepMomentumReLUWith(s.k, l.W, l.V, l.X, l.DY, l.DX, l.Act, s.a, s.m)
	} else {
		backwardStepReLUWith(s.k, l.W, l.X, l.DY, l.DX, l.Act, s.a)
	}
}
