//go:build !purego

package vexp

import "github.com/fastslow/stream/vmath"

// hasVector reports whether the AVX2 kernels run: they are generated from
// vmath's exponential and logarithm, so they need what its kernels need.
var hasVector = vmath.Vector()
