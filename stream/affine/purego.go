package affine

import "math"

// forwardGo is Forward in plain Go. Eight rows are summed side by side,
// so that their additions overlap; each row's own order is unchanged.
func forwardGo(w, x, b, y []float64) {
	n := len(x)
	o := 0
	for ; o+8 <= len(y); o += 8 {
		w := w[o*n:]
		r0, r1, r2, r3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
		r4, r5, r6, r7 := w[4*n:][:n], w[5*n:][:n], w[6*n:][:n], w[7*n:][:n]
		var s0, s1, s2, s3, s4, s5, s6, s7 float64
		for j := 0; j < n; j++ {
			v := x[j]
			s0 += float64(r0[j] * v)
			s1 += float64(r1[j] * v)
			s2 += float64(r2[j] * v)
			s3 += float64(r3[j] * v)
			s4 += float64(r4[j] * v)
			s5 += float64(r5[j] * v)
			s6 += float64(r6[j] * v)
			s7 += float64(r7[j] * v)
		}
		b := b[o : o+8 : o+8]
		y[o], y[o+1], y[o+2], y[o+3] = s0+b[0], s1+b[1], s2+b[2], s3+b[3]
		y[o+4], y[o+5], y[o+6], y[o+7] = s4+b[4], s5+b[5], s6+b[6], s7+b[7]
	}
	for ; o < len(y); o++ {
		r := w[o*n:][:n]
		var s float64
		for j := 0; j < n; j++ {
			s += float64(r[j] * x[j])
		}
		y[o] = s + b[o]
	}
}

// backwardStepGo is BackwardStep in plain Go, dx already cleared (or
// holding the sums of the rows before w's first).
func backwardStepGo(w, x, dy, dx []float64, a float64) {
	n := len(x)
	o := 0
	for ; dx != nil && o+4 <= len(dy); o += 4 {
		w := w[o*n:]
		r0, r1, r2, r3 := w[:n], w[n:][:n], w[2*n:][:n], w[3*n:][:n]
		g0, g1, g2, g3 := dy[o], dy[o+1], dy[o+2], dy[o+3]
		dx := dx[:n]
		for j := 0; j < n; j++ {
			w0, w1, w2, w3, xj := r0[j], r1[j], r2[j], r3[j], x[j]
			t := dx[j] + float64(g0*w0)
			t += float64(g1 * w1)
			t += float64(g2 * w2)
			dx[j] = t + float64(g3*w3)
			r0[j] = math.FMA(a, float64(g0*xj), w0)
			r1[j] = math.FMA(a, float64(g1*xj), w1)
			r2[j] = math.FMA(a, float64(g2*xj), w2)
			r3[j] = math.FMA(a, float64(g3*xj), w3)
		}
	}
	for ; o < len(dy); o++ {
		r, g := w[o*n:][:n], dy[o]
		for j := 0; j < n; j++ {
			wj := r[j]
			if dx != nil {
				dx[j] += float64(g * wj)
			}
			r[j] = math.FMA(a, float64(g*x[j]), wj)
		}
	}
}

// backwardStepMomentumGo is BackwardStepMomentum in plain Go, dx already
// cleared (or holding the sums of the rows before w's first).
func backwardStepMomentumGo(w, v, x, dy, dx []float64, a, m float64) {
	n := len(x)
	for o, g := range dy {
		r, u := w[o*n:][:n], v[o*n:][:n]
		for j := 0; j < n; j++ {
			wj := r[j]
			if dx != nil {
				dx[j] += float64(g * wj)
			}
			vj := float64(m*u[j]) + float64(g*x[j])
			u[j] = vj
			r[j] = math.FMA(a, vj, wj)
		}
	}
}

// stepGo is Step in plain Go, four at a time: the unrolling changes no
// result.
func stepGo(val []float64, a float64, d []float64) {
	i := 0
	for ; i+4 <= len(val); i += 4 {
		v, x := val[i:i+4:i+4], d[i:i+4:i+4]
		v[0] = math.FMA(a, x[0], v[0])
		v[1] = math.FMA(a, x[1], v[1])
		v[2] = math.FMA(a, x[2], v[2])
		v[3] = math.FMA(a, x[3], v[3])
	}
	for ; i < len(val); i++ {
		val[i] = math.FMA(a, d[i], val[i])
	}
}
