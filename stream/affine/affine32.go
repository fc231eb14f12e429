package affine

import "math"

// The float32 kernels (the deep network's opt-in dtype): the float64
// kernels' orders with each product and sum rounded to float32, and the
// SGD step as FMA[float32] takes it, rounded once in float64 and then to
// float32. The vector kernels widen the float32 weight and gradient to
// float64 lanes (exact), take one VFMADD231PD and narrow, so that both
// paths give the same bits.

// tailMask32 holds the masks of the forward kernel's last columns: the
// 8 values from 8 − k hold all ones in their first k.
var tailMask32 = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// aliasN32 is the row length (in float32 values) whose multiples make
// rows a multiple of 4 KB apart (see aliasN): the forward pass then runs
// its two groups of 8 rows apart in columns (forward32LagAVX2).
const aliasN32 = 1024

// Forward32 is Forward in float32: the same order of sums, each product
// and sum rounded to float32.
func Forward32(w, x, b, y []float32) { forward32With(best, w, x, b, y) }

func forward32With(k *kernelSet, w, x, b, y []float32) {
	checkForward(w, x, b, y)
	n, rows := len(x), len(y)
	w, b = w[:rows*n], b[:rows]
	if k != nil && k.forward32Lag != nil && n%aliasN32 == 0 && n > 0 {
		p := rows - rows%16
		k.forward32Lag(w[:p*n], x, b[:p], y[:p])
		w, b, y = w[p*n:], b[p:], y[p:]
		rows -= p
	}
	if k != nil && k.forward32 != nil {
		p := rows - rows%8
		k.forward32(w[:p*n], x, b[:p], y[:p], tailMask32[8-n%8:][:8])
		w, b, y = w[p*n:], b[p:], y[p:]
	}
	forwardGo(w, x, b, y)
}

// BackwardStep32 is BackwardStep in float32; its step rounds as FMA does.
func BackwardStep32(w, x, dy, dx []float32, a float32) { backwardStep32With(best, w, x, dy, dx, a) }

func backwardStep32With(k *kernelSet, w, x, dy, dx []float32, a float32) {
	checkBackward(w, nil, x, dy, dx, nil, false)
	n, rows := len(x), len(dy)
	w = w[:rows*n]
	if dx != nil {
		dx = dx[:n]
		clear(dx)
	}
	switch {
	case k == nil || k.backwardStep32 == nil:
		backwardStepGo(w, x, dy, dx, a)
	case dx == nil:
		k.backwardStep32NoDx(w, x, dy, a)
	default:
		k.backwardStep32(w, x, dy, dx, a)
	}
}

// BackwardStepMomentum32 is BackwardStepMomentum in float32.
func BackwardStepMomentum32(w, v, x, dy, dx []float32, a, m float32) {
	backwardStepMomentum32With(best, w, v, x, dy, dx, a, m)
}

func backwardStepMomentum32With(k *kernelSet, w, v, x, dy, dx []float32, a, m float32) {
	checkBackward(w, v, x, dy, dx, nil, true)
	n, rows := len(x), len(dy)
	w, v = w[:rows*n], v[:rows*n]
	if dx != nil {
		dx = dx[:n]
		clear(dx)
	}
	switch {
	case k == nil || k.momentum32 == nil:
		backwardStepMomentumGo(w, v, x, dy, dx, a, m)
	case dx == nil:
		k.momentum32NoDx(w, v, x, dy, a, m)
	default:
		k.momentum32(w, v, x, dy, dx, a, m)
	}
}

// Step32 is Step in float32, rounded as FMA[float32].
func Step32(val []float32, a float32, d []float32) { step32With(best, val, a, d) }

func step32With(k *kernelSet, val []float32, a float32, d []float32) {
	checkSame(d, len(val), shortD)
	d = d[:len(val)]
	if k == nil || k.step32 == nil {
		stepGo(val, a, d)
		return
	}
	k.step32(val, d, a)
}

// StepMomentum32 is StepMomentum in float32, its step rounded as
// FMA[float32].
func StepMomentum32(val, v, d []float32, a, m float32) {
	stepMomentum32With(best, val, v, d, a, m)
}

func stepMomentum32With(k *kernelSet, val, v, d []float32, a, m float32) {
	checkSame(v, len(val), shortV)
	checkSame(d, len(val), shortD)
	v, d = v[:len(val)], d[:len(val)]
	if k == nil || k.stepMomentum32 == nil {
		stepMomentumGo(val, v, d, a, m)
		return
	}
	k.stepMomentum32(val, v, d, a, m)
}

// ReLU32 is ReLU in float32.
func ReLU32(z, a []float32) { relu32With(best, z, a) }

func relu32With(k *kernelSet, z, a []float32) {
	checkSame(a, len(z), shortA)
	a = a[:len(z)]
	if k == nil || k.relu32 == nil {
		reluGo(z, a)
		return
	}
	k.relu32(z, a)
}

// ReLUBackward32 is ReLUBackward in float32.
func ReLUBackward32(a, da, dz []float32) { reluBackward32With(best, a, da, dz) }

func reluBackward32With(k *kernelSet, a, da, dz []float32) {
	checkSame(da, len(a), shortDA)
	checkSame(dz, len(a), shortDZ)
	da, dz = da[:len(a)], dz[:len(a)]
	if k == nil || k.reluBackward32 == nil {
		reluBackward32Go(a, da, dz)
		return
	}
	k.reluBackward32(a, da, dz)
}

// reluBackward32Go is ReLUBackward32 in plain Go (see reluBackwardGo).
func reluBackward32Go(a, da, dz []float32) {
	for i, v := range a {
		b := math.Float32bits(v)
		keep := -((b | -b) >> 31) // all ones when b ≠ 0
		dz[i] = math.Float32frombits(math.Float32bits(da[i]) & keep)
	}
}
