package model

import "math"

// group is one of the original's SGD parameter groups (a view of the
// learner's storage), stepped exactly as torch.optim.SGD steps it on the
// CPU: v = m·v + g (v = g on the first step), then p = p − lr·v. The last
// is one fused multiply-add: torch's p.add_(v, alpha=−lr) computes
// p + (−lr)·v with a single rounding, and the dual stream amplifies the
// difference from a rounded product.
type group struct {
	val, grad, vel []float64
	lr, mom        float64
	started        bool
}

// newGroup returns a group over val and its gradient grad.
func newGroup(val, grad []float64, lr, mom float64) *group {
	g := &group{val: val, grad: grad, lr: lr, mom: mom}
	if mom != 0 {
		g.vel = make([]float64, len(val))
	}
	return g
}

// stepN steps the first n values, for a learner whose later units were
// never recruited: their gradient is zero and, without momentum history,
// a step would leave them as they are.
func (p *group) stepN(n int) {
	val, g := p.val[:n], p.grad[:n]
	if p.mom == 0 {
		fmaStep(val, -p.lr, g)
		return
	}
	v := p.vel[:n]
	if !p.started {
		copy(v, g)
		p.started = true
	} else {
		m := p.mom
		for i, x := range g {
			v[i] = float64(m*v[i]) + x // torch: v.mul_(m).add_(g), two roundings
		}
	}
	fmaStep(val, -p.lr, v)
}

// fmaStep sets val[i] = val[i] + a·d[i] with one rounding each, four at a
// time (independent: the unrolling changes no result).
func fmaStep(val []float64, a float64, d []float64) {
	d = d[:len(val)]
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
