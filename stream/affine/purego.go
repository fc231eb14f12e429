package affine

import "math"

// Float is the element type of the plain-Go kernels: float64 (every
// model's default) or float32 (the deep network's opt-in dtype).
type Float interface{ float32 | float64 }

// FMA returns a·x + y rounded once in float64, then to T: for float64
// the fused multiply-add itself; for float32 the product of two float32
// values is exact in float64, so only the sum is rounded twice (to
// float64, then float32), which differs from a single float32 rounding
// only when the float64 sum lands exactly on a float32 tie.
func FMA[T Float](a, x, y T) T { return T(math.FMA(float64(a), float64(x), float64(y))) }

// forwardGo is Forward in plain Go. Eight rows are summed side by side,
// so that their additions overlap; each row's own order is unchanged.
func forwardGo[T Float](w, x, b, y []T) {
	n := len(x)
	o := 0
	for ; o+8 <= len(y); o += 8 {
		w := w[o*n:]
		r0, r1, r2, r3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
		r4, r5, r6, r7 := w[4*n:][:n], w[5*n:][:n], w[6*n:][:n], w[7*n:][:n]
		var s0, s1, s2, s3, s4, s5, s6, s7 T
		for j := 0; j < n; j++ {
			v := x[j]
			s0 += T(r0[j] * v)
			s1 += T(r1[j] * v)
			s2 += T(r2[j] * v)
			s3 += T(r3[j] * v)
			s4 += T(r4[j] * v)
			s5 += T(r5[j] * v)
			s6 += T(r6[j] * v)
			s7 += T(r7[j] * v)
		}
		b := b[o : o+8 : o+8]
		y[o], y[o+1], y[o+2], y[o+3] = s0+b[0], s1+b[1], s2+b[2], s3+b[3]
		y[o+4], y[o+5], y[o+6], y[o+7] = s4+b[4], s5+b[5], s6+b[6], s7+b[7]
	}
	for ; o < len(y); o++ {
		r := w[o*n:][:n]
		var s T
		for j := 0; j < n; j++ {
			s += T(r[j] * x[j])
		}
		y[o] = s + b[o]
	}
}

// backwardStepGo is BackwardStep in plain Go, dx already cleared (or
// holding the sums of the rows before w's first).
func backwardStepGo[T Float](w, x, dy, dx []T, a T) {
	n := len(x)
	o := 0
	for ; dx != nil && o+4 <= len(dy); o += 4 {
		w := w[o*n:]
		r0, r1, r2, r3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
		g0, g1, g2, g3 := dy[o], dy[o+1], dy[o+2], dy[o+3]
		dx := dx[:n]
		for j := 0; j < n; j++ {
			w0, w1, w2, w3, xj := r0[j], r1[j], r2[j], r3[j], x[j]
			t := dx[j] + T(g0*w0)
			t += T(g1 * w1)
			t += T(g2 * w2)
			dx[j] = t + T(g3*w3)
			r0[j] = FMA(a, T(g0*xj), w0)
			r1[j] = FMA(a, T(g1*xj), w1)
			r2[j] = FMA(a, T(g2*xj), w2)
			r3[j] = FMA(a, T(g3*xj), w3)
		}
	}
	for ; o < len(dy); o++ {
		r, g := w[o*n:][:n], dy[o]
		for j := 0; j < n; j++ {
			wj := r[j]
			if dx != nil {
				dx[j] += T(g * wj)
			}
			r[j] = FMA(a, T(g*x[j]), wj)
		}
	}
}

// backwardStepMomentumGo is BackwardStepMomentum in plain Go, dx already
// cleared (or holding the sums of the rows before w's first).
func backwardStepMomentumGo[T Float](w, v, x, dy, dx []T, a, m T) {
	n := len(x)
	for o, g := range dy {
		r, u := w[o*n:][:n], v[o*n:][:n]
		for j := 0; j < n; j++ {
			wj := r[j]
			if dx != nil {
				dx[j] += T(g * wj)
			}
			vj := T(m*u[j]) + T(g*x[j])
			u[j] = vj
			r[j] = FMA(a, vj, wj)
		}
	}
}

// stepGo is Step in plain Go, four at a time: the unrolling changes no
// result.
func stepGo[T Float](val []T, a T, d []T) {
	i := 0
	for ; i+4 <= len(val); i += 4 {
		v, x := val[i:i+4:i+4], d[i:i+4:i+4]
		v[0] = FMA(a, x[0], v[0])
		v[1] = FMA(a, x[1], v[1])
		v[2] = FMA(a, x[2], v[2])
		v[3] = FMA(a, x[3], v[3])
	}
	for ; i < len(val); i++ {
		val[i] = FMA(a, d[i], val[i])
	}
}

// stepMomentumGo is StepMomentum in plain Go.
func stepMomentumGo[T Float](val, v, d []T, a, m T) {
	for i, x := range d {
		u := T(m*v[i]) + x
		v[i] = u
		val[i] = FMA(a, u, val[i])
	}
}

// reluGo is ReLU in plain Go, bit for bit as the vector kernels compute
// it (VMAXPD, then +0): Go's max(v, 0) would clear a NaN's sign.
func reluGo[T Float](z, a []T) {
	for i, v := range z {
		if v < 0 {
			v = 0
		}
		a[i] = v + 0 // −0 made +0, a NaN kept
	}
}

// reluBackwardGo is ReLUBackward in plain Go: it keeps or clears da's
// bits without a branch, as which units are silent follows the data.
func reluBackwardGo(a, da, dz []float64) {
	for i, v := range a {
		b := math.Float64bits(v)
		keep := -((b | -b) >> 63) // all ones when b ≠ 0
		dz[i] = math.Float64frombits(math.Float64bits(da[i]) & keep)
	}
}
