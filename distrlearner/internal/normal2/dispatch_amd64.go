//go:build !purego

package normal2

import "golang.org/x/sys/cpu"

// hasVector reports whether Forward and Backward run the AVX2 kernels;
// hasStep whether BackwardStep does (it needs FMA too), hasScan whether
// ForwardScan does (POPCNT too).
var (
	hasVector = cpu.X86.HasAVX2
	hasStep   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasScan   = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT
)
