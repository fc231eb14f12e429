package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/fastslow/stream/affine"
)

// yardstick is one measured rate of this machine, against which a
// kernel's floor is counted (docs/performance.md).
type yardstick struct {
	name string
	rate float64 // per second of CPU
	unit string
}

// machine measures, on CPU time (fair on a shared machine), the rates that
// bound the models' kernels: scalar fused multiply-adds (eight independent
// chains: throughput, not latency), the vector SGD step on data in L1
// (load, FMA, store per value), and the bandwidth of reading and of
// updating a buffer as large as the sweep's widest network (16 MB).
func machine() []yardstick {
	var out []yardstick
	const chain = 1 << 14
	var s [8]float64
	a, c := 1.0000001, 1e-9
	reps := 0
	cpu0 := cpuTime()
	for ; cpuTime()-cpu0 < 300*time.Millisecond; reps++ {
		s0, s1, s2, s3, s4, s5, s6, s7 := s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
		for range chain {
			s0, s1, s2, s3 = math.FMA(s0, a, c), math.FMA(s1, a, c), math.FMA(s2, a, c), math.FMA(s3, a, c)
			s4, s5, s6, s7 = math.FMA(s4, a, c), math.FMA(s5, a, c), math.FMA(s6, a, c), math.FMA(s7, a, c)
		}
		s = [8]float64{s0, s1, s2, s3, s4, s5, s6, s7}
	}
	out = append(out, yardstick{"scalar FMA (8 chains)", float64(8*chain*reps) / (cpuTime() - cpu0).Seconds(), "FMA/s"})

	small := make([]float64, 2048)
	out = append(out, yardstick{"affine.Step in L1 (1024 values)", rate(func() { affine.Step(small[:1024], 1e-300, small[1024:]) }, 1024), "FMA/s"})

	big := make([]float64, 2<<20) // 16 MB
	for i := range big {
		big[i] = 1
	}
	y := make([]float64, 4)
	out = append(out, yardstick{"read 16 MB (affine.Forward, 4 rows)", rate(func() { affine.Forward(big, big[:len(big)/4], y, y) }, 8*len(big)), "B/s"})
	out = append(out, yardstick{"update 16 MB (affine.Step: read 16, write 8)", rate(func() { affine.Step(big[:len(big)/2], 1e-300, big[len(big)/2:]) }, 8*len(big)), "B/s read"})
	if s[0] < 0 {
		panic("unreachable: the chains grow")
	}
	return out
}

// rate runs f for about 300 ms of CPU and returns units per CPU second,
// f doing perCall units. It reads the CPU time (a system call) once per
// batch of calls of about a millisecond.
func rate(f func(), perCall int) float64 {
	t0 := time.Now()
	f()
	batch := max(1, int(time.Millisecond/max(time.Since(t0), time.Nanosecond)))
	cpu0 := cpuTime()
	n := 0
	for cpuTime()-cpu0 < 300*time.Millisecond {
		for range batch {
			f()
		}
		n += batch
	}
	return float64(perCall) * float64(n) / (cpuTime() - cpu0).Seconds()
}

func printMachine(w io.Writer) {
	for _, y := range machine() {
		fmt.Fprintf(w, "%-48s %8.2f G%s\n", y.name, y.rate/1e9, y.unit)
	}
}
