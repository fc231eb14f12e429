//go:build !purego

package scan

import "golang.org/x/sys/cpu"

// kernel is the vector scan this CPU runs, 0 for none.
var kernel = func() int {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ:
		return 8
	case cpu.X86.HasAVX2:
		return 4
	}
	return 0
}()

// width returns the number of units the vector scan computes at once, 0
// without one.
func width() int { return kernel }

// next runs the vector scan over [from, end), end − from a multiple of
// width().
func next(c *Columns, from, end int, q *Query) int {
	x, a := &q.X[0], &q.A[0]
	switch {
	case kernel == 8 && q.R == 1:
		return nextR1AVX512(&c.v[0], c.n, from, end, x, a, c.d, q.C, q.Worst, q.Margin)
	case kernel == 8:
		return nextR2AVX512(&c.v[0], c.n, from, end, x, a, c.d, q.C, q.Worst, q.Margin)
	case q.R == 1:
		return nextR1AVX2(&c.v[0], c.n, from, end, x, a, c.d, q.C, q.Worst, q.Margin)
	}
	return nextR2AVX2(&c.v[0], c.n, from, end, x, a, c.d, q.C, q.Worst, q.Margin)
}

// drawable reports whether Draw has a kernel on this CPU.
func drawable() bool { return kernel == 8 }

// draw3 runs the AVX-512 draw over blocks of 8 units (see Draw).
func draw3(st *[48]uint64, jump *[4]uint64, pos, cols []float64, n, blocks int, cell, count []int32, g int) {
	_, _, _, _ = pos[24*blocks-1], cols[3*n-1], cell[8*blocks-1], count[g*g*g-1]
	draw3AVX512(&st[0], &jump[0], &pos[0], &cols[0], n, blocks, &cell[0], &count[0], g)
}
