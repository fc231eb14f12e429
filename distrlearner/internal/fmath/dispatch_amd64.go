//go:build !purego

package fmath

import "golang.org/x/sys/cpu"

// hasVector reports whether ExpTo runs the AVX2 kernel.
var hasVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA
