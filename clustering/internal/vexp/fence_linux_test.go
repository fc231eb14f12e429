//go:build linux

package vexp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
)

// TestPredict8StaysInBounds runs the AVX-512 kernels of 8 units, one
// prediction and a pair, on buffers of exactly their lengths (8 values,
// the association's 16 and the logits' 2) fenced by pages that fault at
// either end: their whole-register loads and stores, and the logits' two
// values stored as one, must touch nothing outside. The results must be
// those on ordinary buffers.
func TestPredict8StaysInBounds(t *testing.T) {
	needZMM(t)
	rng := rand.New(rand.NewPCG(37, 38))
	tested := 0
	for _, pc := range predictCases(rng, 40) {
		for _, pair := range []bool{false, true} {
			want, ok := pc.run(t, true, pair)
			if !ok {
				continue
			}
			for _, atEnd := range []bool{false, true} {
				f := func(v []float64) []float64 { return fixture.Fenced(t, v, atEnd) }
				bufs := func(s []float64) *predictionBufs {
					return &predictionBufs{f(s), f(make([]float64, 8)), f(make([]float64, 8)), f(make([]float64, 8)), f(make([]float64, 8)),
						f(make([]float64, 8)), f(make([]float64, 8)), f(make([]float64, 8)), f(make([]float64, 2))}
				}
				mask, assoc := f(pc.mask), f(pc.assoc)
				p := bufs(pc.s)
				pp := p.prediction(t, mask, assoc, pc.c, pc.beta, pc.temp, pc.phi)
				var got [][]float64
				if pair {
					q := bufs(pc.s1)
					q.z[0], q.z[1] = 7, 8
					pp.RunPair(q.prediction(t, mask, assoc, pc.c, pc.beta, pc.temp, pc.phi))
					got = append(q.all(), p.all()...)
				} else {
					pp.Run()
					got = p.all()
				}
				for b := range want {
					for i := range want[b] {
						if math.Float64bits(got[b][i]) != math.Float64bits(want[b][i]) {
							t.Fatalf("pair %v, fenced at the end %v: buffer %d[%d] is %v, on ordinary buffers %v", pair, atEnd, b, i, got[b][i], want[b][i])
						}
					}
				}
				tested++
			}
		}
	}
	if tested < 40 {
		t.Fatalf("%d fenced predictions run: the cases were mostly refused", tested)
	}
}
