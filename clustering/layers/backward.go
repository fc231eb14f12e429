package layers

// Backward writes the gradients of the last prediction's loss from
// gz = ∂L/∂z (2 values): ∂L/∂W into gw (K×D), ∂L/∂a into ga (D) and
// ∂L/∂A into gasso (K×2), using gout, gg and gs (K values each) as
// scratch, with the bits of
//
//	cls.Backward(gz, gout, gasso)
//	wta.Backward(gout, gg)
//	comp.Backward(gg, gh)
//	gh[k] *= mask[k] for every k
//	act.Backward(gh, gd, ga)
//	dist.Backward(gd, gw)
//
// but in three passes over the units, by index, without the layers' lists
// of units, their scratch or their clears: at config1's size (8 units, 3
// dimensions) those calls cost more than the arithmetic. The last
// prediction may have run fused or by the layers; dist must be the
// distances it used. It reports false, writing nothing, where it does not
// apply (a distance power r other than 2, an activation exponent q/r other
// than ½, a competition without the equivalent temperature or a
// winner-take-all without a fixed one, not 2 classes, or fewer units
// recruited than the kernel's bound, where the layers' lists do less);
// the caller then runs the layers.
func (f *Fused) Backward(dist *Distance, gz, gw, ga, gasso, gout, gg, gs []float64) bool {
	act, comp, wta, cls := f.act, f.comp, f.wta, f.cls
	rows := act.rows
	K, D := act.K, act.D
	if !f.straight || dist.R != 2 || len(rows) == 0 || K > 2*lanes(len(rows)) || len(dist.rows) != len(rows) {
		return false
	}
	// Every slice to its length once, so that the loops check no bounds.
	mask, asso := f.mask[:K], f.asso[:2*K]
	gasso, gw, ga = gasso[:2*K], gw[:K*D], ga[:D]
	pw, pc, hin, win := wta.p[:K], comp.p[:K], comp.in[:K], wta.in[:K]
	ps, hout := act.ps[:K], act.out[:K]
	d, a := act.d[:K*D], act.a[:D]
	diff := dist.diff[:K*D]
	gout, gg = gout[:K], gg[:K]

	// The association, and the winner-take-all's Σ p·(gout·v) over its
	// nonzero inputs (those its list holds), in order.
	gl0, gl1 := gz[0]*cls.Phi, gz[1]*cls.Phi
	o := cls.o[:K]
	var dot float64
	for k, ok := range o {
		var g float64
		g += gl0 * asso[2*k]
		g += gl1 * asso[2*k+1]
		gasso[2*k] = ok * gl0
		gasso[2*k+1] = ok * gl1
		gout[k] = g
		if win[k] != 0 {
			dot += pw[k] * (g * win[k])
		}
	}
	// The winner-take-all's gradient, and the competition's Σ.
	temp := wta.Temp
	var dotc float64
	for k, v := range win {
		var g float64
		if v != 0 {
			gu := pw[k] * (gout[k]*v - dot)
			g = gout[k]*pw[k] + gu/temp
		}
		gg[k] = g
		if h := hin[k]; h != 0 {
			dotc += pc[k] * (g * h)
		}
	}
	if len(rows) == K && f.every(dist, gg, gs, dotc, gw, ga) {
		return true
	}
	// The competition's gradient, the mask, the activation's (its rows
	// with a nonzero gradient) and the distances' (their rows listed),
	// ∂L/∂a summed over the rows in order, in one pass.
	beta, c := comp.Beta, act.C
	for j := range ga {
		ga[j] = 0
	}
	r := 0 // the next listed row's position in rows
	for k, h := range hin {
		gh := competitionGrad(gg[k], pc[k], h, dotc, beta) * mask[k]
		gwk := gw[k*D : k*D+D]
		if r == len(rows) || rows[r] != k {
			for j := range gwk {
				gwk[j] = 0
			}
			continue
		}
		r++
		diffk := diff[k*D : k*D+D]
		if gh == 0 {
			for j := range gwk {
				gwk[j] = euclidGrad(diffk[j]*diffk[j], diffk[j], 0)
			}
			continue
		}
		gs := activationGrad(gh, hout[k], ps[k], c)
		dk := d[k*D : k*D+D]
		for j := range gwk {
			gwk[j] = euclidGrad(diffk[j]*diffk[j], diffk[j], gs*a[j])
			ga[j] += gs * dk[j]
		}
	}
	return true
}

// every is Backward's last pass when every row is listed: it takes each
// row's ∂L/∂s and, when none is 0, writes the distances' gradient in one
// pass and sums ∂L/∂a in registers, without slicing each row, and reports
// true; otherwise it reports false, having written nothing but scratch.
func (f *Fused) every(dist *Distance, gg, gs []float64, dotc float64, gw, ga []float64) bool {
	act, comp := f.act, f.comp
	K, D := act.K, act.D
	pc, hin, gg, gs := comp.p[:K], comp.in[:K], gg[:K], gs[:K]
	ps, hout, mask := act.ps[:K], act.out[:K], f.mask[:K]
	beta, c := comp.Beta, act.C
	for k, h := range hin {
		gh := competitionGrad(gg[k], pc[k], h, dotc, beta) * mask[k]
		if gh == 0 {
			return false
		}
		gs[k] = activationGrad(gh, hout[k], ps[k], c)
	}
	d, a := act.d[:K*D], act.a[:D]
	diff := dist.diff[:K*D]
	gw, ga = gw[:K*D], ga[:D]
	if D == 3 {
		every3(gs, d, a, diff, gw, ga)
		return true
	}
	i := 0
	for _, g := range gs {
		for _, aj := range a {
			v := diff[i]
			gw[i] = euclidGrad(v*v, v, g*aj)
			i++
		}
	}
	for j := range ga {
		var g float64
		for k, gk := range gs {
			g += gk * d[k*D+j]
		}
		ga[j] = g
	}
	return true
}

// every3 is every's pass over the rows with 3 dimensions (config1's): the
// distances' gradient and ∂L/∂a's three ordered sums in one pass, each sum
// in a register, so that the three chains of additions overlap instead of
// following one another.
func every3(gs, d, a, diff, gw, ga []float64) {
	a, ga = a[:3], ga[:3]
	a0, a1, a2 := a[0], a[1], a[2]
	var g0, g1, g2 float64
	for k, g := range gs {
		dk, vk, gwk := d[3*k:3*k+3], diff[3*k:3*k+3], gw[3*k:3*k+3]
		v0, v1, v2 := vk[0], vk[1], vk[2]
		gwk[0] = euclidGrad(v0*v0, v0, g*a0)
		gwk[1] = euclidGrad(v1*v1, v1, g*a1)
		gwk[2] = euclidGrad(v2*v2, v2, g*a2)
		g0 += g * dk[0]
		g1 += g * dk[1]
		g2 += g * dk[2]
	}
	ga[0], ga[1], ga[2] = g0, g1, g2
}

// competitionGrad returns ∂L/∂h of one unit through the competition with
// the equivalent temperature of beta, from its gradient g = ∂L/∂out, its
// softmax p, its input h and the layer's Σ p·g·h, dot: 0 for an input of
// 0, as ClusterSoftmax.Backward computes it.
func competitionGrad(g, p, h, dot, beta float64) float64 {
	if h == 0 {
		return 0
	}
	gu := p * (g*h - dot)
	return g*p + gu*(beta/h)
}

// activationGrad returns ∂L/∂s of one unit from gh = ∂L/∂H, its
// activation H and its √s, with specificity c and q/r = ½, as
// Activation.Backward computes it.
func activationGrad(gh, H, sqrt, c float64) float64 {
	dp := 0.5 * (1 / sqrt) // s^(−1/2) as torch's rsqrt: 1/√s
	return (-(gh * H) * c) * dp
}
