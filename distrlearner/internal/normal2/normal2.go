// Package normal2 holds the two-dimensional density layer's per-unit
// arithmetic over a list of units, two units per 256-bit vector where the
// CPU has AVX2 (and the build is not purego), each unit's two dimensions
// side by side as the layer stores them: each lane does the scalar code's
// operations in its order, none fused, so the bits are the scalar code's.
// The layer's six divisions a unit and trial are most of its time, and a
// vector divides four values at about the cost of one.
package normal2

import "math"

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg normal2 -out ../normal2_amd64.s -stubs ../normal2_amd64.go"

// Forward sets, for every unit k of units, with its means μ = mu[2k:2k+2],
// scales σ = scale[2k:2k+2] and their logarithms ls = logS[2k:2k+2], at
// the stimulus x (2 values),
//
//	w[2k+j] = (x_j − μ_j)/σ_j,
//	arg[i] = −0.5·(c + (w0·w0 + w1·w1)) − (ls0 + ls1)  (k = units[i]),
//
// the log density's exponent when c = 2·log 2π. arg must be as long as
// units; a unit outside the arrays panics, as an index out of range.
func Forward(x []float64, c float64, units []int, mu, scale, logS, w, arg []float64) {
	n := len(units)
	x, arg = x[:2], arg[:n]
	i := 0
	if hasVector && n >= 2 {
		// The kernel stops at a unit outside the arrays, where the loop
		// below panics.
		lim := min(len(mu), len(scale), len(logS), len(w)) / 2
		i = forwardAVX2(&x[0], c, &units[0], n&^1, lim, &mu[0], &scale[0], &logS[0], &w[0], &arg[0])
	}
	for ; i < n; i++ {
		k := 2 * units[i]
		w0 := (x[0] - mu[k]) / scale[k]
		w1 := (x[1] - mu[k+1]) / scale[k+1]
		w[k], w[k+1] = w0, w1
		m := w0*w0 + w1*w1
		arg[i] = -0.5*(c+m) - (logS[k] + logS[k+1])
	}
}

// Backward sets, for every unit k of units, with g = dAct[k]·act[k] (the
// gradient of the log density) and w, σ as in Forward,
//
//	gmu[2k+j] = b_j = g·w_j/σ_j,  gscale[2k+j] = b_j·w_j − g/σ_j,
//	glow[k] = b1·w0,
//
// the gradients of the means, the scales and the factor's lower part. A
// unit outside the arrays panics, as an index out of range.
func Backward(units []int, dAct, act, w, scale, gmu, gscale, glow []float64) {
	n := len(units)
	i := 0
	if hasVector && n >= 2 {
		lim := min(len(dAct), len(act), len(glow), min(len(w), len(scale), len(gmu), len(gscale))/2)
		i = backwardAVX2(&units[0], n&^1, lim, &dAct[0], &act[0], &w[0], &scale[0], &gmu[0], &gscale[0], &glow[0])
	}
	for ; i < n; i++ {
		k := units[i]
		j := 2 * k
		g := dAct[k] * act[k]
		w0, w1, s0, s1 := w[j], w[j+1], scale[j], scale[j+1]
		b0 := g * w0 / s0
		b1 := g * w1 / s1
		gmu[j], gmu[j+1] = b0, b1
		gscale[j] = b0*w0 - g/s0
		gscale[j+1] = b1*w1 - g/s1
		glow[k] = b1 * w0
	}
}

// BackwardStep is one SGD step without momentum of the units' parameters
// through the association layer and this layer, fused into one pass over
// units: for every unit k of units, with the association weights
// A_k = a[2k:2k+2], g = Φ·∂L/∂z (2 values) and α = act[k],
//
//	gA_j = α·g_j,  dAct = g0·A_k0 + g1·A_k1  (A before its step),
//
// then Backward's gradients from dAct (not written), and each parameter v
// of the unit with its gradient ∂v takes v + r·∂v, rounded once (a fused
// multiply-add, as sgd.FusedStep), with r = rate[0] for the scales and
// the lower part, rate[1] for the means and rate[2] for the weights (the
// negated learning rates). The bits are those of Assoc's and the density
// layer's backward passes followed by sgd's steps. A unit outside the
// arrays panics, as an index out of range.
func BackwardStep(units []int, g *[2]float64, act, w, a, mu, scale, low []float64, rate *[3]float64) {
	n := len(units)
	i := 0
	if hasStep && n >= 2 {
		lim := min(len(act), len(low), min(len(w), len(a), len(mu), len(scale))/2)
		i = backwardStepAVX2(&units[0], n&^1, lim, &g[0], &act[0], &w[0], &a[0], &mu[0], &scale[0], &low[0], &rate[0])
	}
	g0, g1 := g[0], g[1]
	rs, rm, ra := rate[0], rate[1], rate[2]
	for ; i < n; i++ {
		k := units[i]
		j := 2 * k
		al := act[k]
		a0, a1 := a[j], a[j+1]
		gd := (g0*a0 + g1*a1) * al
		a[j], a[j+1] = math.FMA(ra, al*g0, a0), math.FMA(ra, al*g1, a1)
		w0, w1, s0, s1 := w[j], w[j+1], scale[j], scale[j+1]
		b0 := gd * w0 / s0
		b1 := gd * w1 / s1
		scale[j] = math.FMA(rs, b0*w0-gd/s0, s0)
		scale[j+1] = math.FMA(rs, b1*w1-gd/s1, s1)
		low[k] = math.FMA(rs, b1*w0, low[k])
		mu[j], mu[j+1] = math.FMA(rm, b0, mu[j]), math.FMA(rm, b1, mu[j+1])
	}
}

// ForwardScan is Forward with each unit's scales first clamped, σ =
// max(σ, lo) (a NaN stays NaN) and stored, and compared with ref, the
// scales their logarithms in logS were taken of: it lists in at the
// positions 2i+j (unit units[i], dimension j) of the scales that differ
// from ref (or are NaN), sets ref to them, and returns how many it listed;
// it also sets low[k] = 0 (the factor's lower part, which the layer clears).
// arg is computed with logS as it is: once those logarithms are brought
// up to date, Arg gives the listed units' exponents. at must hold
// 2·len(units) values; a unit outside the arrays panics.
func ForwardScan(x []float64, c, lo float64, units []int, mu, scale, logS, ref, w, arg, low []float64, at []int) int {
	n := len(units)
	x, arg, at = x[:2], arg[:n], at[:2*n]
	i, cnt := 0, 0
	if hasScan && n >= 2 {
		lim := min(len(low), min(len(mu), len(scale), len(logS), len(ref), len(w))/2)
		i, cnt = forwardScanAVX2(&x[0], c, lo, &units[0], n&^1, lim, &mu[0], &scale[0], &logS[0], &ref[0], &w[0], &arg[0], &low[0], &at[0])
	}
	for q := i; q < n; q++ {
		low[units[q]] = 0
		k := 2 * units[q]
		for j := k; j < k+2; j++ {
			if scale[j] < lo {
				scale[j] = lo
			}
			if scale[j] != ref[j] {
				ref[j] = scale[j]
				at[cnt] = 2*q + j - k
				cnt++
			}
		}
	}
	Forward(x, c, units[i:], mu, scale, logS, w, arg[i:])
	return cnt
}

// Arg returns Forward's exponent for the unit k: −0.5·(c + (w0·w0 + w1·w1))
// − (ls0 + ls1) from w = w[2k:2k+2] and ls = logS[2k:2k+2].
func Arg(c float64, k int, w, logS []float64) float64 {
	j := 2 * k
	w0, w1 := w[j], w[j+1]
	m := w0*w0 + w1*w1
	return -0.5*(c+m) - (logS[j] + logS[j+1])
}
