package layers

import (
	"math"

	"github.com/fastslow/clustering/internal/vexp"
	"github.com/fastslow/stream/vmath"
)

// Activation computes the attention-weighted activation of every cluster,
// H_k = exp(−c · s_k^(q/r)) with s_k = Σ_j a_j d_kj, from the dimensional
// distances d (K×D) and the attention a (D).
type Activation struct {
	K, D int
	C    float64 // specificity c
	QR   float64 // the exponent q/r

	d, a []float64
	s    []float64 // s_k
	ps   []float64 // s_k^(q/r)
	gs   []float64 // ∂L/∂s_k
	out  []float64 // H_k
	// By position in rows, computed together:
	ss, pc []float64 // s_k and s_k^(q/r)
	arg    []float64 // −c·s_k^(q/r), then H_k
	rows   []int
}

// NewActivation returns the activation layer of k clusters over d
// dimensions, with specificity c and exponent qr = q/r.
func NewActivation(k, d int, c, qr float64) *Activation {
	return &Activation{K: k, D: d, C: c, QR: qr, s: make([]float64, k), ps: make([]float64, k), gs: make([]float64, k), out: make([]float64, k),
		ss: make([]float64, lanes(k)), pc: make([]float64, lanes(k)), arg: make([]float64, lanes(k))}
}

// Reset puts the layer back as NewActivation made it, for a model
// reused by another run.
func (l *Activation) Reset() {
	for _, b := range [...][]float64{l.s, l.ps, l.gs, l.out, l.ss, l.pc, l.arg} {
		clear(b)
	}
	l.d, l.a, l.rows = nil, nil, nil
}

// lanes returns n rounded up to whole vector lanes of 4: the layers pad
// the values they exponentiate together, so that none is left to a
// scalar call.
func lanes(n int) int { return (n + 3) &^ 3 }

// Forward returns H (K values, owned by the layer) for the rows listed;
// the other rows are 0.
func (l *Activation) Forward(d, a []float64, rows []int) []float64 {
	D := l.D
	for _, k := range l.rows {
		l.out[k], l.s[k] = 0, 0
	}
	l.d, l.a, l.rows = d, a, rows
	n := len(rows)
	// Every row listed in whole lanes: the kernels run on them by row.
	dense := n == l.K && n == lanes(n)
	ss, ps, arg := l.s, l.ps, l.out
	if !dense {
		ss, ps, arg = l.ss[:lanes(n)], l.pc[:lanes(n)], l.arg[:lanes(n)]
	}
	for i, k := range rows {
		s := weighted(d[k*D:k*D+D], a)
		l.s[k] = s
		ss[i] = s
	}
	if l.QR == 0.5 {
		// Padded to whole lanes with 0 (whose exponential is exp(−0) = 1).
		clear(ss[n:])
		vexp.ExpNegSqrt(arg, ps, ss, l.C) // torch's pow takes the square root for 0.5
	} else {
		for i, s := range ss[:n] {
			ps[i] = math.Pow(s, l.QR)
			arg[i] = -(ps[i] * l.C)
		}
		vmath.To(arg[:n], arg[:n])
	}
	if !dense {
		for i, k := range rows {
			l.ps[k] = ps[i]
			l.out[k] = arg[i]
		}
	}
	return l.out
}

// weighted returns s = Σ_j d_j a_j, added in order from 0.
func weighted(d, a []float64) float64 {
	var s float64
	for j, v := range d {
		s += v * a[j]
	}
	return s
}

// Backward writes ∂L/∂d into gd (K×D) and ∂L/∂a into ga (D) from
// gh = ∂L/∂H.
func (l *Activation) Backward(gh, gd, ga []float64) {
	clear(gd) // ga is written whole below
	D, qr := l.D, l.QR
	for _, k := range l.rows {
		if gh[k] == 0 {
			continue // nothing flows (a masked or silent unit)
		}
		// Each factor as autograd forms it: exp, neg, mul by c, pow.
		var dp float64 // q/r · s^(q/r − 1)
		if qr == 0.5 {
			dp = qr * (1 / l.ps[k]) // s^(−1/2) as torch's rsqrt: 1/√s
		} else {
			dp = qr * math.Pow(l.s[k], qr-1)
		}
		gs := (-(gh[k] * l.out[k]) * l.C) * dp
		l.gs[k] = gs
		gdk := gd[k*D : k*D+D]
		for j := range gdk {
			gdk[j] = gs * l.a[j]
		}
	}
	// ∂L/∂a_j summed over the rows in their order, in a register.
	for j := range ga {
		var g float64
		for _, k := range l.rows {
			if gh[k] != 0 {
				g += l.gs[k] * l.d[k*D+j]
			}
		}
		ga[j] = g
	}
}
