//go:build !purego

package scan

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestKernels runs each vector kernel this CPU has (not only the one Next
// chooses) against the pure-Go scan.
func TestKernels(t *testing.T) {
	for _, k := range []struct {
		name  string
		has   bool
		width int
	}{
		{"AVX2", cpu.X86.HasAVX2, 4},
		{"AVX512", cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ, 8},
	} {
		t.Run(k.name, func(t *testing.T) {
			if !k.has {
				t.Skipf("this CPU has no %s", k.name)
			}
			saved := kernel
			kernel = k.width
			defer func() { kernel = saved }()
			rng := rand.New(rand.NewPCG(7, 8))
			for _, r := range []float64{1, 2} {
				x, a := uniform(rng, 3), uniform(rng, 3)
				c, _ := randomColumns(rng, 203, 3, x)
				q := &Query{X: x, A: a, C: 0.7, R: r, Margin: 1e-9}
				for range 40 {
					q.Worst = c.Exponent(rng.IntN(203), q) - q.Margin
					checkNext(t, c, q)
				}
				q.Worst = math.Inf(1)
				checkNext(t, c, q)
			}
		})
	}
}
