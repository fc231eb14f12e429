package vexp

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPredictLatency is the latency of one prediction of config1's 8
// units, all recruited (c = 0.25, β = 3, T = 0.012, Φ = 10): each call
// waits on the logits of the one before (through the first sum s, written
// back as the model's Go code writes the sums, one value at a time), so
// ns/op is the kernel's chain from the sums to the logits, the floor the
// clustering trial's prediction cannot go below with these bits; with
// AVX-512 each kernel has its own benchmark.
func BenchmarkPredictLatency(b *testing.B) {
	const n = 8
	rng := rand.New(rand.NewPCG(1, 2))
	buf := func(k int) []float64 { return make([]float64, k) }
	s, mask, assoc := buf(n), buf(n), buf(2*n)
	for i := range s {
		s[i], mask[i] = 0.05+1.45*rng.Float64(), 1
	}
	for i := range assoc {
		assoc[i] = 2*rng.Float64() - 1
	}
	z := buf(2)
	p, ok := NewPrediction(s, buf(n), buf(n), mask, buf(n), buf(n), buf(n), buf(n), buf(n), assoc, z, 0.25, 3, 0.012, 10)
	if !ok {
		b.Skip("no prediction kernel in this build")
	}
	s0 := s[0]
	run := func(b *testing.B) {
		for b.Loop() {
			if !p.Run() {
				b.Fatal("the kernel refused config1's prediction")
			}
			s[0] = s0 + z[0]*0 // the same sum, after the logits
		}
	}
	if !p.zmm {
		run(b)
		return
	}
	b.Run("AVX-512", run)
	p.zmm = false
	b.Run("AVX2", run)
}
