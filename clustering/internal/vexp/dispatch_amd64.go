//go:build !purego

package vexp

import (
	"github.com/fastslow/stream/vmath"
	"golang.org/x/sys/cpu"
)

// hasVector reports whether the AVX2 kernels run: they are generated from
// vmath's exponential and logarithm, so they need what its kernels need.
var hasVector = vmath.Vector()

// hasZMM reports whether the AVX-512 prediction kernels of 8 units run
// (F for the zmm and mask registers, DQ for the conversion of 64-bit
// integers and the 64-bit mask instructions, VL for the xmm forms of the
// registers 16–31).
var hasZMM = hasVector && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL
