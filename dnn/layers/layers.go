// Package layers holds the building blocks of the slow stream's network:
// an affine layer, the ReLU and inverted dropout, each with a hand-written
// backward pass, working in place on caller-owned slices so that a trial
// allocates nothing.
package layers

import "math/rand/v2"

// Linear is an affine layer y = W·x + b with W stored row-major as
// [Out, In], the layout of PyTorch's nn.Linear weight, so that a
// state_dict array copies in unchanged.
//
// W, B, DW and DB are views into storage the caller owns (the network
// keeps every parameter in one flat slice for one SGD step).
type Linear struct {
	In, Out int
	W, B    []float64 // weight [Out×In] and bias [Out]
	DW, DB  []float64 // their gradients, written by Backward
}

// NewLinear returns a layer over the given views, checking their sizes.
func NewLinear(in, out int, w, b, dw, db []float64) Linear {
	if len(w) != in*out || len(dw) != in*out || len(b) != out || len(db) != out {
		panic("layers: Linear views do not match [out, in]")
	}
	return Linear{In: in, Out: out, W: w, B: b, DW: dw, DB: db}
}

// Forward writes y = W·x + b; the dot product is summed first and the bias
// added last, as PyTorch's addmm does.
func (l *Linear) Forward(x, y []float64) {
	x = x[:l.In]
	y = y[:l.Out]
	for o := range y {
		row := l.W[o*l.In : (o+1)*l.In]
		var s float64
		for j, v := range x {
			s += row[j] * v
		}
		y[o] = s + l.B[o]
	}
}

// Backward writes the parameter gradients of a loss whose gradient with
// respect to y is dy, given the input x of the forward pass:
// ∂L/∂W = dy·xᵀ, ∂L/∂b = dy. If dx is not nil it also writes
// ∂L/∂x = Wᵀ·dy, from W as it was before any update.
func (l *Linear) Backward(x, dy, dx []float64) {
	x = x[:l.In]
	dy = dy[:l.Out]
	copy(l.DB, dy)
	for o, g := range dy {
		drow := l.DW[o*l.In : (o+1)*l.In]
		for j, v := range x {
			drow[j] = g * v
		}
	}
	if dx == nil {
		return
	}
	dx = dx[:l.In]
	for j := range dx {
		dx[j] = 0
	}
	for o, g := range dy {
		row := l.W[o*l.In : (o+1)*l.In]
		for j, w := range row {
			dx[j] += w * g
		}
	}
}

// ReLU writes a = max(z, 0); a may be z.
func ReLU(z, a []float64) {
	a = a[:len(z)]
	for i, v := range z {
		if v > 0 {
			a[i] = v
		} else {
			a[i] = 0
		}
	}
}

// ReLUBackward writes dz = da where the ReLU's output a is positive and 0
// elsewhere (PyTorch's convention: no gradient at 0); dz may be da.
func ReLUBackward(a, da, dz []float64) {
	da = da[:len(a)]
	dz = dz[:len(a)]
	for i, v := range a {
		if v > 0 {
			dz[i] = da[i]
		} else {
			dz[i] = 0
		}
	}
}

// Dropout is inverted dropout as PyTorch's nn.Dropout applies it in
// training mode: each value is kept with probability 1−P and scaled by
// 1/(1−P), or set to 0. Mask holds the factor of each value (0 or
// 1/(1−P)) for the forward and backward passes of one trial.
type Dropout struct {
	P    float64
	Mask []float64
}

// NewDropout returns a dropout of rate p over n values, its mask all
// ones (the identity) until the first Draw.
func NewDropout(p float64, n int) Dropout {
	d := Dropout{P: p, Mask: make([]float64, n)}
	for i := range d.Mask {
		d.Mask[i] = 1
	}
	return d
}

// Draw draws a fresh mask from rng: one uniform number per value, kept
// when it is at least P. A rate of 1 drops everything, as PyTorch does.
func (d *Dropout) Draw(rng *rand.Rand) {
	if d.P >= 1 {
		for i := range d.Mask {
			d.Mask[i] = 0
		}
		return
	}
	scale := 1 / (1 - d.P)
	for i := range d.Mask {
		if rng.Float64() >= d.P {
			d.Mask[i] = scale
		} else {
			d.Mask[i] = 0
		}
	}
}

// Forward writes y = x ⊙ Mask; y may be x.
func (d *Dropout) Forward(x, y []float64) {
	y = y[:len(x)]
	m := d.Mask[:len(x)]
	for i, v := range x {
		y[i] = v * m[i]
	}
}

// Backward writes dx = dy ⊙ Mask; dx may be dy.
func (d *Dropout) Backward(dy, dx []float64) {
	dx = dx[:len(dy)]
	m := d.Mask[:len(dy)]
	for i, g := range dy {
		dx[i] = g * m[i]
	}
}
