//go:build linux

package vmath_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/vmath"
)

// TestBCEPairsStaysInBounds runs BCEPairs on slices of exactly their
// lengths (1 to 16 blocks of 2 trials: the loop's blocks of 8 values and
// its last of 4) fenced by pages that fault at either end: its loads and
// stores must touch nothing outside, and the values must be those on
// ordinary slices.
func TestBCEPairsStaysInBounds(t *testing.T) {
	if !vmath.Vector() {
		t.Skip("no vector kernel in this build or on this CPU")
	}
	rng := rand.New(rand.NewPCG(19, 20))
	for blocks := 1; blocks <= 16; blocks++ {
		n := 4 * blocks
		z, y := make([]float64, n), make([]float64, n)
		for i := range z {
			z[i], y[i] = 20*rng.Float64()-10, float64(rng.IntN(2))
		}
		wantT, wantQ := make([]float64, n), make([]float64, n)
		if !vmath.BCEPairs(wantT, wantQ, z, y) {
			t.Fatalf("%d values refused", n)
		}
		for _, atEnd := range []bool{false, true} {
			tl, q := fixture.Fenced(t, make([]float64, n), atEnd), fixture.Fenced(t, make([]float64, n), atEnd)
			if !vmath.BCEPairs(tl, q, fixture.Fenced(t, z, atEnd), fixture.Fenced(t, y, atEnd)) {
				t.Fatalf("%d fenced values refused", n)
			}
			for i := 0; i < n; i += 2 { // t[2i+1] is unspecified
				if math.Float64bits(tl[i]) != math.Float64bits(wantT[i]) || math.Float64bits(q[i]) != math.Float64bits(wantQ[i]) ||
					math.Float64bits(q[i+1]) != math.Float64bits(wantQ[i+1]) {
					t.Fatalf("%d values, fenced at the end %v: value %d differs from an ordinary slice's", n, atEnd, i)
				}
			}
		}
	}
}
