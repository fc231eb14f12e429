//go:build purego || !amd64

package vmath

// hasVector is false: this build has no vector kernel.
const hasVector = false

func expAVX2(dst, src *float64, n int) { panic("vmath: no vector kernel in this build") }

func logAVX2(dst, src *float64, n int) { panic("vmath: no vector kernel in this build") }

func softplusSigmoid4AVX2(dst *[8]float64, tab *uint64, k *[8]float64, x0, x1, x2, x3 float64) bool {
	panic("vmath: no vector kernel in this build")
}

func softplusSigmoidExp2AVX2(dst *[12]float64, tab *uint64, k *[8]float64, z0, z1, d0, d1 float64) bool {
	panic("vmath: no vector kernel in this build")
}

func bcePairsAVX2(t, q, z, y *float64, n int) bool { panic("vmath: no vector kernel in this build") }
