//go:build purego || !amd64

package vexp

// hasVector is false: this build has no vector kernel.
const hasVector = false

// hasZMM is false: this build has no vector kernel.
const hasZMM = false

func softmaxEquivAVX2(e, o, v *float64, beta float64, n, live int) bool {
	panic("vexp: no vector kernel in this build")
}

func softmaxTempAVX2(e, o, v *float64, temp float64, n, live int) bool {
	panic("vexp: no vector kernel in this build")
}

func expNegSqrtAVX2(e, r, v *float64, c float64, n int) bool {
	panic("vexp: no vector kernel in this build")
}

func predictAVX2(s, r, e, mask, h, pc, oc, pw, ow, asso, z *float64, c, beta, temp, phi float64, n int) bool {
	panic("vexp: no vector kernel in this build")
}

func predictPairAVX2(s, r, e, mask, h, pc, oc, pw, ow, asso, z, s1, r1, e1, h1, pc1, oc1, pw1, ow1 *float64, c, beta, temp, phi float64, n int) bool {
	panic("vexp: no vector kernel in this build")
}

func predict8AVX512(p *[11]*float64, k *[4]float64) bool {
	panic("vexp: no vector kernel in this build")
}

func predictPair8AVX512(p *[11]*float64, k *[4]float64, first *[11]*float64) bool {
	panic("vexp: no vector kernel in this build")
}

func expLanesAVX512(dst, src *float64, n int) bool {
	panic("vexp: no vector kernel in this build")
}

func logLanesAVX512(dst, src *float64, n int) bool {
	panic("vexp: no vector kernel in this build")
}
