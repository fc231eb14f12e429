//go:build purego || !amd64

package normal2

// hasVector, hasStep and hasScan are false: this build has no vector kernel.
const (
	hasVector = false
	hasStep   = false
	hasScan   = false
)

func forwardAVX2(x *float64, c float64, units *int, n, lim int, mu, scale, logS, w, arg *float64) int {
	panic("normal2: no vector kernel in this build")
}

func backwardAVX2(units *int, n, lim int, dAct, act, w, scale, gmu, gscale, glow *float64) int {
	panic("normal2: no vector kernel in this build")
}

func forwardScanAVX2(x *float64, c, lo float64, units *int, n, lim int, mu, scale, logS, ref, w, arg, low *float64, at *int) (int, int) {
	panic("normal2: no vector kernel in this build")
}

func backwardStepAVX2(units *int, n, lim int, dz, act, w, a, mu, scale, low, rate *float64) int {
	panic("normal2: no vector kernel in this build")
}
