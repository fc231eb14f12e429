//go:build linux

package affine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/fastslow/stream/fixture"
)

// TestKernelsStayInBounds runs every path of the forward pass (Forward,
// ForwardReLU, a Stack) and of the backward pass and step (BackwardStep,
// BackwardStepReLU) through the dispatch, and the wide kernels directly at
// the edges of their contracts, on slices of exactly the length each
// needs, fenced by pages that fault at either end: the whole-line loads,
// the lagged groups' first and last phases, the blocks of rows from the
// last and the rows and columns after the kernels' multiples must read
// and write nothing outside. The results must be those of the same
// kernels on ordinary slices (tame values, which a value read from the
// wrong place changes: see TestForwardWideMatchesGo).
func TestKernelsStayInBounds(t *testing.T) {
	for _, k := range vecSets(t) {
		rng := rand.New(rand.NewPCG(21, 22))
		// Forward: 32, 33, 63 and 64 rows 4 KB apart and more (the wide
		// kernel and the 8-row one after it), fewer than 32 (the 8-row one
		// alone), and the transposing kernel's masked last columns.
		for _, tc := range []struct{ rows, n int }{
			{32, 512}, {33, 512}, {63, 512}, {31, 512}, {64, 4096}, {40, 1024}, {24, 25}, {31, 9}, {29, 256},
		} {
			rows, n := tc.rows, tc.n
			w, x, b := tame(rng, rows*n), tame(rng, n), tame(rng, rows)
			for _, relu := range []bool{false, true} {
				want := make([]float64, rows)
				forwardReLUWith(k, w, x, b, want, relu)
				for _, atEnd := range []bool{false, true} {
					what := fmt.Sprintf("%s: [%d×%d] relu %v, fenced at the end %v", k.name, rows, n, relu, atEnd)
					y := fixture.Fenced(t, make([]float64, rows), atEnd)
					forwardReLUWith(k, fixture.Fenced(t, w, atEnd), fixture.Fenced(t, x, atEnd), fixture.Fenced(t, b, atEnd), y, relu)
					sameBits(t, what, want, y)

					// A Stack of that one layer (its biases the layer's B, their
					// gradient its DY).
					y = fixture.Fenced(t, make([]float64, rows), atEnd)
					bias, dy := fixture.Fenced(t, b, atEnd), fixture.Fenced(t, make([]float64, rows), atEnd)
					l := StackLayer{W: fixture.Fenced(t, w, atEnd), B: bias, X: fixture.Fenced(t, x, atEnd), Y: y, ReLU: relu, DY: dy}
					newStack(k, []StackLayer{l}, bias, nil, dy, -0.1, 0).Forward()
					sameBits(t, what+" (a Stack)", want, y)
				}
			}
		}

		// The wide forward kernel at its narrowest, 384 columns (its
		// generator's (wideGroups−1)·wideLag: no chunk with every group in
		// it), and one chunk wider, with two blocks of rows.
		for _, tc := range []struct{ rows, n int }{{32, 384}, {64, 392}} {
			if k.forwardWide == nil {
				break
			}
			rows, n := tc.rows, tc.n
			w, x, b := tame(rng, rows*n), tame(rng, n), tame(rng, rows)
			want := make([]float64, rows)
			forwardGo(w, x, b, want)
			for _, atEnd := range []bool{false, true} {
				y := fixture.Fenced(t, make([]float64, rows), atEnd)
				k.forwardWide(fixture.Fenced(t, w, atEnd), fixture.Fenced(t, x, atEnd), fixture.Fenced(t, b, atEnd), y, 0)
				sameBits(t, fmt.Sprintf("%s: the wide kernel [%d×%d], fenced at the end %v", k.name, rows, n, atEnd), want, y)
			}
		}

		// Backward: matrices of wideW weights and more, with rows after the
		// wide kernel's multiple of 8 and with fewer than 8 rows (none for
		// it), through BackwardStep and BackwardStepReLU; and the wide
		// backward kernel directly on small matrices.
		type shape struct{ rows, n int }
		backward := func(what string, tc shape, run func(w, x, dy, dx, act []float64)) {
			rows, n := tc.rows, tc.n
			w, x, dy, act := tame(rng, rows*n), tame(rng, n), tame(rng, rows), tame(rng, n)
			act[0], act[n-1] = 0, 0
			wantW, wantDx := clone(w), make([]float64, n)
			run(wantW, x, dy, wantDx, act)
			for _, atEnd := range []bool{false, true} {
				what := fmt.Sprintf("%s: %s [%d×%d], fenced at the end %v", k.name, what, rows, n, atEnd)
				fw, dx := fixture.Fenced(t, w, atEnd), fixture.Fenced(t, make([]float64, n), atEnd)
				run(fw, fixture.Fenced(t, x, atEnd), fixture.Fenced(t, dy, atEnd), dx, fixture.Fenced(t, act, atEnd))
				sameBits(t, what+": w", wantW, fw)
				sameBits(t, what+": dx", wantDx, dx)
			}
		}
		n8 := (wideW/7 + 7) / 8 * 8 // 7 rows of at least wideW weights in all
		for _, tc := range []shape{{1031, 1024}, {wideW / 4096, 4096}, {7, n8}} {
			backward("BackwardStep", tc, func(w, x, dy, dx, _ []float64) { backwardStepWith(k, w, x, dy, dx, -0.37) })
			backward("BackwardStepReLU", tc, func(w, x, dy, dx, act []float64) { backwardStepReLUWith(k, w, x, dy, dx, act, -0.37) })
		}
		for _, tc := range []shape{{8, 8}, {16, 24}, {8, 1024}} {
			if k.backwardStepWide == nil {
				break
			}
			backward("the wide backward kernel", tc, func(w, x, dy, dx, _ []float64) { k.backwardStepWide(w, x, dy, dx, -0.37) })
			backward("the listed backward kernel", tc, func(w, x, dy, dx, _ []float64) { listedRows(k, w, x, dy, dx, -0.37) })
		}
	}
}
