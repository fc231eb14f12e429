//go:build purego || !amd64

package normal2

// hasVector is false: this build has no vector kernel.
const hasVector = false

func forwardAVX2(x *float64, c float64, units *int, n, lim int, mu, scale, logS, w, arg *float64) int {
	panic("normal2: no vector kernel in this build")
}

func backwardAVX2(units *int, n, lim int, dAct, act, w, scale, gmu, gscale, glow *float64) int {
	panic("normal2: no vector kernel in this build")
}
