package vmath

import (
	"math"
	"testing"
)

var latencySink float64

// BenchmarkLatency measures the latency of the operations a trial's
// chain of dependent steps is made of, each waiting on the one before:
// the CPU's scalar addition, multiplication, fused multiply-add, division
// and square root (ns/step: 64 per iteration, no call), and one call of
// Go's math.Exp and math.Log, of CExp, of the lanes' exponential and
// logarithm of 4 values in turn (To then LogTo on the same values, as one
// step), and of the binary cross-entropy's kernel (SoftplusSigmoid4, its
// sigmoid and its softplus), loads and stores included. docs/performance.md
// turns them into cycles for the clustering trial's floor.
func BenchmarkLatency(b *testing.B) {
	c := [2]float64{0.999, 1.001}
	report := func(b *testing.B, x float64, steps int) {
		latencySink = x
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps*b.N), "ns/step")
	}
	for _, op := range []struct {
		name  string
		chain func(x, u, v float64) float64
	}{{"add", addChain}, {"mul", mulChain}, {"fma", fmaChain}, {"div", divChain}, {"sqrt", sqrtChain}} {
		b.Run(op.name, func(b *testing.B) {
			x := 1.5
			for b.Loop() {
				x = op.chain(x, c[0], c[1])
			}
			report(b, x, steps)
		})
	}
	b.Run("math.Exp", func(b *testing.B) {
		x := 0.5
		for b.Loop() {
			x = math.Exp(-x)
		}
		report(b, x, 1)
	})
	b.Run("math.Log", func(b *testing.B) {
		x := 0.5
		for b.Loop() {
			x = math.Log(x + 2)
		}
		report(b, x, 1)
	})
	b.Run("CExp", func(b *testing.B) {
		x := 0.5
		for b.Loop() {
			x = CExp(-x)
		}
		report(b, x, 1)
	})
	if !hasVector {
		return
	}
	b.Run("To+LogTo", func(b *testing.B) {
		v := []float64{0.5, 0.5, 0.5, 0.5}
		for b.Loop() {
			To(v, v)
			LogTo(v, v) // back to ≈ 0.5
		}
		report(b, v[0], 1)
	})
	for _, f := range []struct {
		name string
		out  int // where the kernel writes the value the next call waits on
	}{{"sigmoid", 4}, {"softplus", 0}} {
		b.Run("SoftplusSigmoid4/"+f.name, func(b *testing.B) {
			var out [8]float64
			x := 0.5
			for b.Loop() {
				SoftplusSigmoid4(&out, x, 1, 1, 1)
				x = out[f.out]
			}
			report(b, x, 1)
		})
	}
}

// steps is the number of dependent operations of a chain function, which
// keeps its value in a register (a benchmark's loop keeps it in memory,
// each step then also waiting on a store and a load).
const steps = 64

//go:noinline
func addChain(x, u, v float64) float64 {
	v = -u
	for range steps / 2 {
		x = x + u
		x = x + v
	}
	return x
}

//go:noinline
func mulChain(x, u, v float64) float64 {
	for range steps / 2 {
		x = x * u
		x = x * v
	}
	return x
}

//go:noinline
func fmaChain(x, u, v float64) float64 {
	v = 1 - u
	for range steps {
		x = math.FMA(x, u, v)
	}
	return x
}

//go:noinline
func divChain(x, u, v float64) float64 {
	for range steps {
		x = v / x
	}
	return x
}

//go:noinline
func sqrtChain(x, u, v float64) float64 {
	for range steps {
		x = math.Sqrt(x)
	}
	return x + v // 2 cycles more a chain
}
