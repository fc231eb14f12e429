// Package layers holds the building blocks of the slow stream's network:
// an affine layer, the ReLU and inverted dropout, each with a hand-written
// backward pass, working in place on caller-owned slices so that a trial
// allocates nothing.
package layers

import (
	"math/rand/v2"

	"github.com/fastslow/stream/affine"
)

// Float is the element type a network computes in: float64 (the default)
// or float32 (the opt-in dtype of the widest networks).
type Float = affine.Float

// kernels are the kernels of one element type: stream/affine's float64
// or float32 ones (vector code on CPUs that have it).
type kernels[T Float] struct {
	forward      func(w, x, b, y []T)
	forwardReLU  func(w, x, b, y []T) // forward, then the ReLU of y
	backwardStep func(w, x, dy, dx []T, a T)
	momentum     func(w, v, x, dy, dx []T, a, m T)
	// The two above with dx passed back through the ReLU of output act.
	backwardStepReLU func(w, x, dy, dx, act []T, a T)
	momentumReLU     func(w, v, x, dy, dx, act []T, a, m T)
	step             func(val []T, a T, d []T)
	stepMomentum     func(val, v, d []T, a, m T)
	relu             func(z, a []T)
	reluBackward     func(a, da, dz []T)
}

var (
	kernels64 = kernels[float64]{
		affine.Forward, affine.ForwardReLU, affine.BackwardStep, affine.BackwardStepMomentum,
		affine.BackwardStepReLU, affine.BackwardStepMomentumReLU,
		affine.Step, affine.StepMomentum, affine.ReLU, affine.ReLUBackward,
	}
	kernels32 = kernels[float32]{
		affine.Forward32,
		func(w, x, b, y []float32) {
			affine.Forward32(w, x, b, y)
			affine.ReLU32(y, y)
		},
		affine.BackwardStep32, affine.BackwardStepMomentum32,
		func(w, x, dy, dx, act []float32, a float32) {
			affine.BackwardStep32(w, x, dy, dx, a)
			affine.ReLUBackward32(act, dx, dx)
		},
		func(w, v, x, dy, dx, act []float32, a, m float32) {
			affine.BackwardStepMomentum32(w, v, x, dy, dx, a, m)
			affine.ReLUBackward32(act, dx, dx)
		},
		affine.Step32, affine.StepMomentum32, affine.ReLU32, affine.ReLUBackward32,
	}
)

// kernelsOf returns the kernels of T.
func kernelsOf[T Float]() *kernels[T] {
	var k any = &kernels64
	if _, ok := any(T(0)).(float32); ok {
		k = &kernels32
	}
	return k.(*kernels[T])
}

// Linear is an affine layer y = W·x + b with W stored row-major as
// [Out, In], the layout of PyTorch's nn.Linear weight, so that a
// state_dict array copies in unchanged.
//
// W, B, DW and DB are views into storage the caller owns (the network
// keeps every parameter in one flat slice for one SGD step).
type Linear[T Float] struct {
	In, Out int
	W, B    []T // weight [Out×In] and bias [Out]
	DW, DB  []T // their gradients, written by Backward
	k       *kernels[T]
}

// NewLinear returns a layer over the given views, checking their sizes.
func NewLinear[T Float](in, out int, w, b, dw, db []T) Linear[T] {
	if len(w) != in*out || len(dw) != in*out || len(b) != out || len(db) != out {
		panic("layers: Linear views do not match [out, in]")
	}
	return Linear[T]{In: in, Out: out, W: w, B: b, DW: dw, DB: db, k: kernelsOf[T]()}
}

// Forward writes y = W·x + b in PyTorch's order (affine.Forward): each
// row's products summed one by one from the first, each rounded, then the
// bias.
func (l *Linear[T]) Forward(x, y []T) {
	l.k.forward(l.W, x[:l.In], l.B, y[:l.Out])
}

// ForwardReLU is Forward followed by ReLU(y, y), in the same pass where
// the kernels allow.
func (l *Linear[T]) ForwardReLU(x, y []T) {
	l.k.forwardReLU(l.W, x[:l.In], l.B, y[:l.Out])
}

// Backward writes the parameter gradients of a loss whose gradient with
// respect to y is dy, given the input x of the forward pass:
// ∂L/∂W = dy·xᵀ, ∂L/∂b = dy. If dx is not nil it also writes
// ∂L/∂x = Wᵀ·dy (see BackwardInput).
func (l *Linear[T]) Backward(x, dy, dx []T) {
	clear(l.DW)
	clear(l.DB)
	l.AddGrad(x, dy, l.DW, l.DB)
	if dx != nil {
		l.BackwardInput(dy, dx)
	}
}

// BackwardInput writes ∂L/∂x = Wᵀ·dy, from W as it is now: call it before
// the parameters are updated. As in PyTorch (dy·W through the reference
// BLAS dgemm), each ∂L/∂x_j sums dy_o·W_oj over o = 0, 1, … one rounded
// product at a time.
func (l *Linear[T]) BackwardInput(dy, dx []T) {
	n := l.In
	dx = dx[:n]
	dy = dy[:l.Out]
	clear(dx)
	o := 0
	for ; o+4 <= len(dy); o += 4 {
		w := l.W[o*n:]
		r0, r1, r2, r3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
		g0, g1, g2, g3 := dy[o], dy[o+1], dy[o+2], dy[o+3]
		for j := 0; j < n; j++ {
			t := dx[j] + T(g0*r0[j])
			t += T(g1 * r1[j])
			t += T(g2 * r2[j])
			dx[j] = t + T(g3*r3[j])
		}
	}
	for ; o < len(dy); o++ {
		r, g := l.W[o*n:][:n], dy[o]
		for j := 0; j < n; j++ {
			dx[j] += T(g * r[j])
		}
	}
}

// BackwardStep is BackwardInput followed by an SGD step without momentum,
// in one pass over the weights (affine.BackwardStep): it writes ∂L/∂x into
// dx (dx may be nil for the first layer) summing in BackwardInput's order,
// reading each weight before it changes, then sets w += (−lr)·(dy_o·x_j)
// and b += (−lr)·dy_o, each one fused multiply-add, as torch's
// p.add_(grad, alpha=−lr). The result is bit for bit that of
// BackwardInput, AddGrad and the step; a large network is read from memory
// once instead of three times.
func (l *Linear[T]) BackwardStep(x, dy, dx []T, lr T) {
	l.BackwardStepW(x, dy, dx, lr)
	Step(l.B, -lr, dy[:l.Out])
}

// BackwardStepW is BackwardStep without the bias's step, which the
// caller takes (Step, with dy as its gradient): a network whose biases
// lie side by side steps them all in one call.
func (l *Linear[T]) BackwardStepW(x, dy, dx []T, lr T) {
	l.k.backwardStep(l.W, x[:l.In], dy[:l.Out], dx, -lr)
}

// BackwardStepWReLU is BackwardStepW followed by ReLUBackward(act, dx,
// dx): dx passed back through the ReLU whose output act is this layer's
// input, in the same pass over the weights where the kernels allow.
func (l *Linear[T]) BackwardStepWReLU(x, dy, dx, act []T, lr T) {
	l.k.backwardStepReLU(l.W, x[:l.In], dy[:l.Out], dx[:l.In], act[:l.In], -lr)
}

// BackwardStepMomentum is BackwardStep for SGD with momentum m, whose
// buffers vw ([Out×In]) and vb ([Out]) it updates on the way
// (affine.BackwardStepMomentum, affine.StepMomentum): v = m·v + ∇ (each
// term rounded, then added), p += (−lr)·v with one rounding, as
// torch.optim.SGD. The caller clears the buffers before PyTorch's first
// step, which sets v = ∇.
func (l *Linear[T]) BackwardStepMomentum(x, dy, dx []T, lr, m T, vw, vb []T) {
	l.BackwardStepMomentumW(x, dy, dx, lr, m, vw)
	StepMomentum(l.B, vb[:l.Out], dy[:l.Out], -lr, m)
}

// BackwardStepMomentumW is BackwardStepMomentum without the bias's step,
// which the caller takes (StepMomentum), as for BackwardStepW.
func (l *Linear[T]) BackwardStepMomentumW(x, dy, dx []T, lr, m T, vw []T) {
	l.k.momentum(l.W, vw, x[:l.In], dy[:l.Out], dx, -lr, m)
}

// BackwardStepMomentumWReLU is BackwardStepMomentumW followed by
// ReLUBackward(act, dx, dx), as BackwardStepWReLU.
func (l *Linear[T]) BackwardStepMomentumWReLU(x, dy, dx, act []T, lr, m T, vw []T) {
	l.k.momentumReLU(l.W, vw, x[:l.In], dy[:l.Out], dx[:l.In], act[:l.In], -lr, m)
}

// Step sets val[i] += a·d[i] with one rounding each (affine.Step): the
// SGD step of a bias, whose gradient is its layer's dy.
func Step[T Float](val []T, a T, d []T) { kernelsOf[T]().step(val, a, d) }

// StepMomentum is Step with momentum m and buffer v (affine.StepMomentum).
func StepMomentum[T Float](val, v, d []T, a, m T) { kernelsOf[T]().stepMomentum(val, v, d, a, m) }

// AddGrad adds the parameter gradients dy·xᵀ and dy to dw ([Out×In]) and
// db ([Out]). Each product dy_o·x_j is rounded before it is added, so
// adding to a momentum buffer already scaled by m rounds exactly as
// PyTorch's m·v + ∇ does.
func (l *Linear[T]) AddGrad(x, dy, dw, db []T) {
	n := l.In
	x = x[:n]
	dy = dy[:l.Out]
	for o, g := range dy {
		r := dw[o*n:][:n]
		for j, v := range x {
			r[j] += T(g * v)
		}
		db[o] += g
	}
}

// ReLU writes a = max(z, 0) (affine.ReLU: a NaN stays a NaN, −0 becomes
// +0); a may be z.
func ReLU[T Float](z, a []T) { kernelsOf[T]().relu(z, a) }

// ReLUBackward writes dz = da where the ReLU's output a is positive and 0
// elsewhere (PyTorch's convention: no gradient at 0); dz may be da.
func ReLUBackward[T Float](a, da, dz []T) { kernelsOf[T]().reluBackward(a, da, dz) }

// Dropout is inverted dropout as PyTorch's nn.Dropout applies it in
// training mode: each value is kept with probability 1−P and scaled by
// 1/(1−P), or set to 0. Mask holds the factor of each value (0 or
// 1/(1−P)) for the forward and backward passes of one trial.
type Dropout[T Float] struct {
	P    float64
	Mask []T
}

// NewDropout returns a dropout of rate p over n values, its mask all
// ones (the identity) until the first Draw.
func NewDropout[T Float](p float64, n int) Dropout[T] {
	d := Dropout[T]{P: p, Mask: make([]T, n)}
	for i := range d.Mask {
		d.Mask[i] = 1
	}
	return d
}

// Draw draws a fresh mask from rng: one uniform number per value, kept
// when it is at least P. A rate of 1 drops everything, as PyTorch does.
func (d *Dropout[T]) Draw(rng *rand.Rand) {
	if d.P >= 1 {
		for i := range d.Mask {
			d.Mask[i] = 0
		}
		return
	}
	scale := 1 / (1 - d.P)
	for i := range d.Mask {
		keep := 0 // an integer flag, which compiles without a branch
		if rng.Float64() >= d.P {
			keep = 1
		}
		d.Mask[i] = T(scale * float64(keep))
	}
}

// Forward writes y = x ⊙ Mask; y may be x.
func (d *Dropout[T]) Forward(x, y []T) {
	y = y[:len(x)]
	m := d.Mask[:len(x)]
	for i, v := range x {
		y[i] = v * m[i]
	}
}

// Backward writes dx = dy ⊙ Mask; dx may be dy.
func (d *Dropout[T]) Backward(dy, dx []T) {
	dx = dx[:len(dy)]
	m := d.Mask[:len(dy)]
	for i, g := range dy {
		dx[i] = g * m[i]
	}
}
