//go:build !purego

package vmath

import "golang.org/x/sys/cpu"

// hasVector reports whether the kernels run. (math.Exp itself takes its
// FMA path when the CPU has AVX and FMA, which AVX2 and FMA imply, so the
// kernel and math.Exp compute alike.)
var hasVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA
