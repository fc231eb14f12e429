package layers

import (
	"math"

	"github.com/fastslow/clustering/internal/vexp"
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
	out  []float64 // H_k
	arg  []float64 // −c·s_k^(q/r) by position in rows, exponentiated together
	rows []int
}

// NewActivation returns the activation layer of k clusters over d
// dimensions, with specificity c and exponent qr = q/r.
func NewActivation(k, d int, c, qr float64) *Activation {
	return &Activation{K: k, D: d, C: c, QR: qr, s: make([]float64, k), ps: make([]float64, k), out: make([]float64, k),
		arg: make([]float64, k)}
}

// Forward returns H (K values, owned by the layer) for the rows listed;
// the other rows are 0.
func (l *Activation) Forward(d, a []float64, rows []int) []float64 {
	D := l.D
	for _, k := range l.rows {
		l.out[k], l.s[k] = 0, 0
	}
	l.d, l.a, l.rows = d, a, rows
	arg := l.arg[:len(rows)]
	for i, k := range rows {
		dk := d[k*D : k*D+D]
		var s float64
		for j, v := range dk {
			s += v * a[j]
		}
		l.s[k] = s
		var ps float64
		if l.QR == 0.5 {
			ps = math.Sqrt(s) // torch's pow takes the square root for 0.5
		} else {
			ps = math.Pow(s, l.QR)
		}
		l.ps[k] = ps
		arg[i] = -(ps * l.C)
	}
	vexp.To(arg, arg)
	for i, k := range rows {
		l.out[k] = arg[i]
	}
	return l.out
}

// Backward writes ∂L/∂d into gd (K×D) and ∂L/∂a into ga (D) from
// gh = ∂L/∂H.
func (l *Activation) Backward(gh, gd, ga []float64) {
	clear(gd)
	clear(ga)
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
		dk := l.d[k*D : k*D+D]
		gdk := gd[k*D : k*D+D]
		for j := range gdk {
			gdk[j] = gs * l.a[j]
			ga[j] += gs * dk[j]
		}
	}
}
