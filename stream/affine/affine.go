// Package affine holds the dense kernels of affine layers y = W·x + b over
// a row-major weight matrix: the forward pass, and the backward pass fused
// with an SGD step (with or without momentum), each rounding exactly as
// PyTorch 1.13 does on the CPU (reference-BLAS summation order, a fused
// multiply-add step).
//
// Every sum keeps its scalar order; the vector kernels (amd64 with AVX2
// and FMA, chosen at run time; the purego build tag forces the pure-Go
// code) run independent lanes side by side: four (or two) output rows at
// once in the forward pass, four inputs at once in the backward pass. Their
// results are those of the pure-Go code to the bit.
package affine

// Forward writes y = W·x + b, W row-major [len(y)×len(x)], b of len(y).
// As in PyTorch (nn.Linear's addmm through the reference BLAS dgemm), each
// row's products are summed one by one from the first, each rounded, and
// the bias is added last.
func Forward(w, x, b, y []float64) {
	n, rows := len(x), len(y)
	w, b = w[:rows*n], b[:rows]
	if !forwardVec(w, x, b, y) {
		forwardGo(w, x, b, y)
	}
}

// BackwardStep writes ∂L/∂x = Wᵀ·dy into dx (dx may be nil) and steps W
// by w += a·(dy_o·x_j), a = −lr, in one pass over W: SGD without momentum.
// Each dx_j sums dy_o·w_oj over o = 0, 1, … one rounded product at a
// time, from W before the step (as PyTorch's backward precedes its step);
// each step rounds the product and then takes one fused multiply-add, as
// torch's p.add_(grad, alpha=−lr) with grad = dy·xᵀ. The bias is the
// caller's (its gradient is dy).
func BackwardStep(w, x, dy, dx []float64, a float64) {
	n, rows := len(x), len(dy)
	w = w[:rows*n]
	if dx != nil {
		dx = dx[:n]
		clear(dx)
	}
	if !backwardStepVec(w, x, dy, dx, a) {
		backwardStepGo(w, x, dy, dx, a)
	}
}

// BackwardStepMomentum is BackwardStep for SGD with momentum m, in one
// pass over W and its momentum buffer v (same layout): it writes dx as
// BackwardStep does, then sets v = m·v + dy_o·x_j (the product and the
// scaled buffer each rounded, then added: torch's v.mul_(m).add_(grad))
// and w += a·v with one rounding. On PyTorch's first step (v = grad) the
// caller clears v: 0 + grad rounds as the copy does, but for the sign of
// a zero, which the step cannot tell apart either.
func BackwardStepMomentum(w, v, x, dy, dx []float64, a, m float64) {
	n, rows := len(x), len(dy)
	w, v = w[:rows*n], v[:rows*n]
	if dx != nil {
		dx = dx[:n]
		clear(dx)
	}
	if !backwardStepMomentumVec(w, v, x, dy, dx, a, m) {
		backwardStepMomentumGo(w, v, x, dy, dx, a, m)
	}
}

// Step sets val[i] = val[i] + a·d[i] with one rounding each (a fused
// multiply-add), as torch's p.add_(d, alpha=a) does: the SGD step.
func Step(val []float64, a float64, d []float64) {
	d = d[:len(val)]
	if !stepVec(val, a, d) {
		stepGo(val, a, d)
	}
}
