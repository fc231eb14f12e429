// Package normal2 holds the two-dimensional density layer's per-unit
// arithmetic over a list of units, two units per 256-bit vector where the
// CPU has AVX2 (and the build is not purego), each unit's two dimensions
// side by side as the layer stores them: each lane does the scalar code's
// operations in its order, none fused, so the bits are the scalar code's.
// The layer's six divisions a unit and trial are most of its time, and a
// vector divides four values at about the cost of one.
package normal2

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
