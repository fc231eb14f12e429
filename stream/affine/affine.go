// Package affine holds the dense kernels of affine layers y = W·x + b over
// a row-major weight matrix: the forward pass, the backward pass fused
// with an SGD step (with or without momentum), the SGD step itself (with
// or without momentum) and the ReLU with its gradient, each rounding
// exactly as PyTorch 1.13 does on the CPU (reference-BLAS summation
// order, a fused multiply-add step).
//
// Every sum keeps its scalar order; the vector kernels (amd64 with AVX2
// and FMA, or AVX-512, chosen at run time; the purego build tag forces
// the pure-Go code) run independent lanes side by side: four, two or
// (AVX-512) eight output rows at once in the forward pass, four or eight
// inputs at once in the backward pass and the step. Their results are
// those of the pure-Go code to the bit. The functions ending in 32 are the
// same kernels in float32 (the deep network's opt-in dtype; see
// affine32.go). Each function panics, naming the argument, when a slice is
// shorter than the sizes it takes from the others (see check.go).
package affine

//go:generate sh -c "cd asm && GOWORK=off go run . -out ../affine_amd64.s -stubs ../stubs_amd64.go -pkg affine"

// kernelSet is one instruction set's vector kernels (see the generator in
// asm/): each takes slices already cut to the sizes its caller checked.
type kernelSet struct {
	name string
	// The forward kernels apply the ReLU to y when relu is not 0.
	forward      func(w, x, b, y []float64, relu uint64) // up to 16 rows at a time
	forwardRows8 func(w, x, b, y []float64, relu uint64) // up to 8: rows 4 KB apart
	// 24 rows at a time, 8×8 blocks transposed in registers (AVX-512; nil
	// otherwise); tail has bit j set for each of the last len(x) mod 8
	// columns.
	forwardT func(w, x, b, y []float64, tail, relu uint64)
	// 32 rows 4 KB apart at a time, 8×8 blocks transposed in registers
	// (AVX-512; nil otherwise): rows a multiple of wideRows, len(x) a
	// multiple of aliasN.
	forwardWide      func(w, x, b, y []float64, relu uint64)
	backwardStep     func(w, x, dy, dx []float64, a float64) // four rows at a time, then one
	backwardStepCols func(w, x, dy, dx []float64, a float64) // columns outside, rows inside: small W
	backwardStepNoDx func(w, x, dy []float64, a float64)
	// 8 rows at a time, for matrices of at least wideW weights (AVX-512;
	// nil otherwise): rows a multiple of 8, len(x) a multiple of 8.
	backwardStepWide func(w, x, dy, dx []float64, a float64)
	// 8 rows anywhere in a matrix (rows[r] their first weights), in their
	// order, len(x) a multiple of 8 (AVX-512; nil otherwise).
	backwardStepListed func(rows *[8]*float64, dy *[8]float64, x, dx []float64, a float64)
	momentum           func(w, v, x, dy, dx []float64, a, m float64)
	momentumCols       func(w, v, x, dy, dx []float64, a, m float64)
	momentumNoDx       func(w, v, x, dy []float64, a, m float64)
	step               func(val, d []float64, a float64)
	stepMomentum       func(val, v, d []float64, a, m float64)
	relu               func(z, a []float64)
	reluBackward       func(a, da, dz []float64)
	// Rows of at most rowN columns held in registers (nil: none; the two
	// are set together, as are the flat ones).
	// With act not empty, dx is passed back through the ReLU of output act.
	backwardStepRow func(w, x, dy, dx, act []float64, a float64)
	momentumRow     func(w, v, x, dy, dx, act []float64, a, m float64)
	// Matrices of fewer than flatN columns without dx, stepped as one flat
	// vector (nil: none); idx and tails as flatIdx and flatTails give them.
	backwardStepFlat func(w, x, dy []float64, idx []int64, a float64, tails uint64)
	momentumFlat     func(w, v, x, dy []float64, idx []int64, a, m float64, tails uint64)

	// A Stack's passes run with this set's kernels called directly (nil:
	// through the per-layer functions): a call through a function value
	// into an assembly function goes through a wrapper that moves its
	// arguments to the stack, a direct call does not.
	stackForward, stackBackward func(s *Stack)

	// The float32 kernels (see affine32.go).
	forward32          func(w, x, b, y []float32, tail []int32) // rows a multiple of 8
	forward32Lag       func(w, x, b, y []float32)               // rows a multiple of 16, 4 KB apart
	backwardStep32     func(w, x, dy, dx []float32, a float32)
	backwardStep32NoDx func(w, x, dy []float32, a float32)
	momentum32         func(w, v, x, dy, dx []float32, a, m float32)
	momentum32NoDx     func(w, v, x, dy []float32, a, m float32)
	step32             func(val, d []float32, a float32)
	stepMomentum32     func(val, v, d []float32, a, m float32)
	relu32             func(z, a []float32)
	reluBackward32     func(a, da, dz []float32)
}

// rowN is the widest row (in values) the register kernels hold.
const rowN = 32

// flatN is the narrowest row the kernels along rows take without dx:
// narrower matrices (a network's first layer, 3 inputs in the default
// configs) are stepped as one flat vector, 8 weights at a time across
// rows, instead of a vector part or a scalar per row.
const flatN = 8

// flatIdx holds, for each width n in 1..flatN−1, the lanes' indices of
// the n vectors of 8 weights that make 8 rows of a flat row-major matrix:
// 8n columns (weight k of the 8 rows is in column k mod n), then 8n rows
// (k div n). A table of constants, built once.
var flatIdx = func() (t [flatN][]int64) {
	for n := 1; n < flatN; n++ {
		t[n] = make([]int64, 16*n)
		for k := range 8 * n {
			t[n][k] = int64(k % n)
			t[n][8*n+k] = int64(k / n)
		}
	}
	return t
}()

// flatTails packs the masks the flat kernels take: x's n values, the last
// vector's rows·n mod 8 weights and the last group's rows mod 8 dy.
func flatTails(rows, n int) uint64 {
	return 1<<n - 1 | (1<<(rows*n%8)-1)<<8 | (1<<(rows%8)-1)<<16
}

// smallW is the largest weight matrix (in values: 32 KB, within L1) whose
// backward pass runs column blocks outside and rows inside, each dx_j
// summed in a register; larger ones run four rows at a time, each row
// read from memory once.
const smallW = 4096

// Forward writes y = W·x + b, W row-major [len(y)×len(x)], b of len(y).
// As in PyTorch (nn.Linear's addmm through the reference BLAS dgemm), each
// row's products are summed one by one from the first, each rounded, and
// the bias is added last.
func Forward(w, x, b, y []float64) { forwardWith(best, w, x, b, y) }

// ForwardReLU is Forward followed by ReLU(y, y), in the same pass where
// the kernels allow (the ReLU applied before y is stored).
func ForwardReLU(w, x, b, y []float64) { forwardReLUWith(best, w, x, b, y, true) }

func forwardWith(k *kernelSet, w, x, b, y []float64) { forwardReLUWith(k, w, x, b, y, false) }

func forwardReLUWith(k *kernelSet, w, x, b, y []float64, relu bool) {
	checkForward(w, x, b, y)
	n, rows := len(x), len(y)
	w, b = w[:rows*n], b[:rows]
	var r uint64
	if relu {
		r = 1
	}
	if p, wide := leadRows(k, n, rows); p > 0 {
		if wide {
			k.forwardWide(w[:p*n], x, b[:p], y[:p], r)
		} else {
			k.forwardT(w[:p*n], x, b[:p], y[:p], 1<<(n%8)-1, r)
		}
		if p == rows {
			return
		}
		w, b, y = w[p*n:], b[p:], y[p:]
	}
	switch {
	case k == nil:
		forwardGo(w, x, b, y)
		if relu {
			reluGo(y, y)
		}
	case n%aliasN == 0:
		k.forwardRows8(w, x, b, y, r)
	default:
		k.forward(w, x, b, y, r)
	}
}

// leadRows returns how many of the first rows of a matrix of n columns
// one of k's transposing forward kernels takes (0: none), and whether the
// wide one (rows 4 KB apart) rather than forwardT; the other kernels take
// the rows after them.
func leadRows(k *kernelSet, n, rows int) (p int, wide bool) {
	switch {
	case k == nil:
		return 0, false
	case k.forwardWide != nil && n >= aliasN && n%aliasN == 0 && rows >= wideRows:
		return rows - rows%wideRows, true
	case k.forwardT != nil && n >= forwardTN && n%aliasN != 0 && rows >= panelRows:
		return panelsOf(rows), false
	}
	return 0, false
}

// aliasN is the row length (in values) whose multiples make rows a
// multiple of 4 KB apart, so that the same column of every row falls in
// the same L1 set: the forward pass then reads 8 rows at a time, not 16,
// which would need more of the set's 12 ways than it holds and read each
// cache line from L2 four times (1024×1024: 0.7× the time); with AVX-512,
// the wide kernel's 32 rows, in groups of 8 apart in columns.
const aliasN = 512

// wideRows is how many rows the wide forward kernel sums at a time: four
// groups of 8, each 128 columns behind the one before, so that the same
// column of rows 4 KB apart (one L1 set) is read by one group at a time.
// It takes 0.76–0.80 of the 8-row kernel's time at 1024×1024, 0.72–0.73
// at 2048×2048 and 0.90–0.91 at 512×512 (see the generator for the shapes
// tried); at 1032 columns, rows not 4 KB apart, it gains nothing on
// forwardT (1.14), which keeps them.
const wideRows = 32

// panelRows is how many rows the transposing forward kernel sums at a
// time, and forwardTN the fewest columns it is used for. It takes 0.8–0.9×
// the time of the 16-row kernel at 25×25 and 48×25, but 1.2× that of the
// 8-row one when rows are 4 KB apart: its 24 rows' lines then share one
// L1 set, whose 12 ways lose the lines fetched ahead before they are read
// (those rows go to the wide kernel). Rows 2 KB apart (12 lines in each of
// two sets) it takes too: two 256×256 matrices in turn forward 0.87–0.89
// of the 16-row kernel's time, 768×768 0.94, 1280×1280 0.91.
const (
	panelRows = 24
	forwardTN = 8
)

// panelExtra is how many rows after its last 24 the transposing forward
// kernel sums in the same pass, a scalar chain each that overlaps the
// panel's work (the 25th row of the default network's hidden layers); more
// go to the other kernels in a call of their own.
const panelExtra = 7

// panelsOf returns how many of rows ≥ panelRows the transposing forward
// kernel takes: the whole panels, and the rows after them when they are
// at most panelExtra.
func panelsOf(rows int) int {
	if e := rows % panelRows; e > panelExtra {
		return rows - e
	}
	return rows
}

// wideW is the fewest weights (8 MB) whose backward pass with dx and
// without momentum (len(x) a multiple of 8) runs wideStepRows rows at a
// time with each row's line fetched ahead, and wideStepRows how many. Two
// such matrices, forward and backward in turn as in a trial, take
// 0.74–0.83 of the 4-row kernel's time at 1024×1024 and 0.68–0.78 at 1536
// and 2048 with another job on the other core (0.96–1.05 beside a later
// job, 0.97–1.00 on a quieter machine); matrices of 2–4.7 MB (512×512 to
// 1024×512), which the caches hold better, 1.11–1.23.
const (
	wideW        = 1 << 20
	wideStepRows = 8
)

// BackwardStep writes ∂L/∂x = Wᵀ·dy into dx (dx may be nil) and steps W
// by w += a·(dy_o·x_j), a = −lr, in one pass over W: SGD without momentum.
// Each dx_j sums dy_o·w_oj over o = 0, 1, … one rounded product at a
// time, from W before the step (as PyTorch's backward precedes its step);
// each step rounds the product and then takes one fused multiply-add, as
// torch's p.add_(grad, alpha=−lr) with grad = dy·xᵀ. The bias is the
// caller's (its gradient is dy).
func BackwardStep(w, x, dy, dx []float64, a float64) { backwardStepWith(best, w, x, dy, dx, a) }

// BackwardStepReLU is BackwardStep followed by ReLUBackward(act, dx, dx):
// ∂L/∂x passed back through the ReLU whose output act is x (0 where
// act_j is 0), in the same pass where the kernels allow.
func BackwardStepReLU(w, x, dy, dx, act []float64, a float64) {
	backwardStepReLUWith(best, w, x, dy, dx, act, a)
}

func backwardStepWith(k *kernelSet, w, x, dy, dx []float64, a float64) {
	backwardStepReLUWith(k, w, x, dy, dx, nil, a)
}

// backwardRowsWith is the backward pass and step of the rows of w, one
// per value of dy, adding to dx's sums in memory in row order (dx not
// nil), by k's kernels along rows; size is the weights of the matrix they
// are rows of, which chooses the kernel.
func backwardRowsWith(k *kernelSet, w, x, dy, dx []float64, a float64, size int) {
	n, rows := len(x), len(dy)
	switch {
	case k == nil:
		backwardStepGo(w, x, dy, dx, a)
	case k.backwardStepWide != nil && size >= wideW && n%8 == 0:
		p := rows - rows%wideStepRows
		if p > 0 {
			k.backwardStepWide(w[:p*n], x, dy[:p], dx, a)
		}
		if p < rows {
			k.backwardStep(w[p*n:], x, dy[p:], dx, a) // dx_j's sums go on
		}
	default:
		k.backwardStep(w, x, dy, dx, a)
	}
}

// backwardStepReLUWith is the backward pass and step, then the ReLU's
// gradient when act is not nil (dx must then not be nil).
func backwardStepReLUWith(k *kernelSet, w, x, dy, dx, act []float64, a float64) {
	checkBackward(w, nil, x, dy, dx, act, false)
	n, rows := len(x), len(dy)
	w = w[:rows*n]
	if act != nil {
		act = act[:n]
	}
	if dx != nil {
		dx = dx[:n]
		if !inRegisters(k, n, true) {
			clear(dx) // the register kernels write dx whole, from +0
		}
	}
	switch {
	case k == nil:
		backwardStepGo(w, x, dy, dx, a)
	case inRegisters(k, n, dx != nil):
		k.backwardStepRow(w, x, dy, dx, act, a)
		return // through the ReLU already
	case flat(k, n, dx != nil):
		k.backwardStepFlat(w, x, dy, flatIdx[n], a, flatTails(rows, n))
	case dx == nil:
		k.backwardStepNoDx(w, x, dy, a)
	case len(w) <= smallW:
		k.backwardStepCols(w, x, dy, dx, a)
	default:
		backwardRowsWith(k, w, x, dy, dx, a, len(w))
	}
	if act != nil {
		reluBackwardWith(k, act, dx, dx)
	}
}

// inRegisters reports whether the backward pass of k with dx (or
// without) over rows of n columns runs the register kernels, which take
// dx through the ReLU themselves.
func inRegisters(k *kernelSet, n int, dx bool) bool {
	return k != nil && dx && n <= rowN && k.backwardStepRow != nil
}

// flat reports whether the backward pass of k without dx (or with) over
// rows of n columns runs the flat kernels.
func flat(k *kernelSet, n int, dx bool) bool {
	return k != nil && !dx && n > 0 && n < flatN && k.backwardStepFlat != nil
}

// BackwardStepMomentum is BackwardStep for SGD with momentum m, in one
// pass over W and its momentum buffer v (same layout): it writes dx as
// BackwardStep does, then sets v = m·v + dy_o·x_j (the product and the
// scaled buffer each rounded, then added: torch's v.mul_(m).add_(grad))
// and w += a·v with one rounding. On PyTorch's first step (v = grad) the
// caller clears v: 0 + grad rounds as the copy does, but for the sign of
// a zero, which the step cannot tell apart either.
func BackwardStepMomentum(w, v, x, dy, dx []float64, a, m float64) {
	backwardStepMomentumWith(best, w, v, x, dy, dx, a, m)
}

// BackwardStepMomentumReLU is BackwardStepMomentum followed by
// ReLUBackward(act, dx, dx), in the same pass where the kernels allow (see
// BackwardStepReLU).
func BackwardStepMomentumReLU(w, v, x, dy, dx, act []float64, a, m float64) {
	backwardStepMomentumReLUWith(best, w, v, x, dy, dx, act, a, m)
}

func backwardStepMomentumWith(k *kernelSet, w, v, x, dy, dx []float64, a, m float64) {
	backwardStepMomentumReLUWith(k, w, v, x, dy, dx, nil, a, m)
}

// backwardStepMomentumReLUWith is the backward pass and step with
// momentum, then the ReLU's gradient when act is not nil (dx must then
// not be nil).
func backwardStepMomentumReLUWith(k *kernelSet, w, v, x, dy, dx, act []float64, a, m float64) {
	checkBackward(w, v, x, dy, dx, act, true)
	n, rows := len(x), len(dy)
	w, v = w[:rows*n], v[:rows*n]
	if act != nil {
		act = act[:n]
	}
	if dx != nil {
		dx = dx[:n]
		if !inRegisters(k, n, true) {
			clear(dx) // the register kernels write dx whole, from +0
		}
	}
	switch {
	case k == nil:
		backwardStepMomentumGo(w, v, x, dy, dx, a, m)
	case inRegisters(k, n, dx != nil):
		k.momentumRow(w, v, x, dy, dx, act, a, m)
		return // through the ReLU already
	case flat(k, n, dx != nil):
		k.momentumFlat(w, v, x, dy, flatIdx[n], a, m, flatTails(rows, n))
	case dx == nil:
		k.momentumNoDx(w, v, x, dy, a, m)
	case len(w) <= smallW:
		k.momentumCols(w, v, x, dy, dx, a, m)
	default:
		k.momentum(w, v, x, dy, dx, a, m)
	}
	if act != nil {
		reluBackwardWith(k, act, dx, dx)
	}
}

// Step sets val[i] = val[i] + a·d[i] with one rounding each (a fused
// multiply-add), as torch's p.add_(d, alpha=a) does: the SGD step.
func Step(val []float64, a float64, d []float64) { stepWith(best, val, a, d) }

func stepWith(k *kernelSet, val []float64, a float64, d []float64) {
	checkSame(d, len(val), shortD)
	d = d[:len(val)]
	if k == nil {
		stepGo(val, a, d)
		return
	}
	k.step(val, d, a)
}

// StepMomentum sets v[i] = m·v[i] + d[i] (the product rounded, then the
// sum: torch's v.mul_(m).add_(d)) and then val[i] = val[i] + a·v[i] with
// one rounding, as Step: the SGD step with momentum, in one pass.
func StepMomentum(val, v, d []float64, a, m float64) { stepMomentumWith(best, val, v, d, a, m) }

func stepMomentumWith(k *kernelSet, val, v, d []float64, a, m float64) {
	checkSame(v, len(val), shortV)
	checkSame(d, len(val), shortD)
	v, d = v[:len(val)], d[:len(val)]
	if k == nil {
		stepMomentumGo(val, v, d, a, m)
		return
	}
	k.stepMomentum(val, v, d, a, m)
}

// ReLU sets a[i] = max(z[i], 0): a NaN stays the same NaN and −0 becomes
// +0; a may be z.
func ReLU(z, a []float64) { reluWith(best, z, a) }

func reluWith(k *kernelSet, z, a []float64) {
	checkSame(a, len(z), shortA)
	a = a[:len(z)]
	if k == nil {
		reluGo(z, a)
		return
	}
	k.relu(z, a)
}

// ReLUBackward writes dz = da where the ReLU's output a is positive and 0
// elsewhere (PyTorch's convention: no gradient at 0); dz may be da. As a
// is a ReLU output (≥ 0, never −0), it is positive exactly when its bits
// are not all zero, which is what the kernels test.
func ReLUBackward(a, da, dz []float64) { reluBackwardWith(best, a, da, dz) }

func reluBackwardWith(k *kernelSet, a, da, dz []float64) {
	checkSame(da, len(a), shortDA)
	checkSame(dz, len(a), shortDZ)
	da, dz = da[:len(a)], dz[:len(a)]
	if k == nil {
		reluBackwardGo(a, da, dz)
		return
	}
	k.reluBackward(a, da, dz)
}
