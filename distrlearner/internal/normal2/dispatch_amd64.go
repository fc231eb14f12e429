//go:build !purego

package normal2

import "golang.org/x/sys/cpu"

// hasVector reports whether Forward and Backward run the AVX2 kernels.
var hasVector = cpu.X86.HasAVX2
