//go:build purego || !amd64

package vexp

// hasVector is false: this build has no vector kernel.
const hasVector = false

func expAVX2(dst, src *float64, n int) { panic("vexp: no vector kernel in this build") }

func logAVX2(dst, src *float64, n int) { panic("vexp: no vector kernel in this build") }
