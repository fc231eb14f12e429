//go:build purego || !amd64

package fmath

// hasVector is false: this build has no vector kernel.
const hasVector = false

func expAVX2(dst, src *float64, n int) { panic("fmath: no vector kernel in this build") }

func logAVX2(dst, src *float64, n int) { panic("fmath: no vector kernel in this build") }
