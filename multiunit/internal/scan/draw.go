package scan

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// Draw fills pos (3n values, row-major) with the values that 3n calls of
// rand.New(p).Float64() return, in order, the columns with the same
// coordinates, and cell[i] with unit i's cell on a grid of g cells per
// dimension over [0, 1)³, (c₂·g + c₁)·g + c₀ with c_j = min(int(u_ij·g),
// g − 1), adding 1 to count[cell[i]] (len(count) = g³); it leaves p as
// those calls would. The vector kernel draws 8 units at a time, each value
// from its own lane of p's sequence, in one pass instead of three (the
// draws, the columns, the cells), and counts the cells' units in the
// scalar units while the vector units draw. Draw reports false, having
// done nothing, where it has no kernel (no AVX-512, the purego build, d ≠
// 3, n not a multiple of 8): the caller then draws with seed.Uniforms,
// loads the columns and files the units itself.
func (c *Columns) Draw(p *rand.PCG, pos []float64, cell, count []int32, g int) bool {
	if !drawable() || c.d != 3 || c.n == 0 || c.n%8 != 0 || len(pos) != 3*c.n || len(cell) != c.n || g < 1 || len(count) != g*g*g {
		return false
	}
	// Lane l of vector j starts at the state from which value 3l + j is
	// output, the (3l + j + 1)-th state after p's.
	var st [48]uint64
	q := *p
	for v := range 24 {
		q.Uint64()
		j, l := v%3, v/3
		st[8*j+l], st[24+8*j+l] = state(&q)
	}
	draw3(&st, &jump24, pos, c.v, c.n, c.n/8, cell, count, g)
	// The last value came from lane 7 of vector 2, left at its state.
	var buf [20]byte
	b := append(buf[:0], "pcg:"...)
	b = binary.BigEndian.AppendUint64(b, st[23])
	b = binary.BigEndian.AppendUint64(b, st[47])
	if err := p.UnmarshalBinary(b); err != nil {
		panic(err) // the encoding is AppendBinary's own
	}
	return true
}

// state returns p's state, its high and low words.
func state(p *rand.PCG) (hi, lo uint64) {
	var buf [20]byte
	b, _ := p.AppendBinary(buf[:0]) // "pcg:", then the high and low words
	return binary.BigEndian.Uint64(b[4:]), binary.BigEndian.Uint64(b[12:])
}

// jump24 is the multiplier and the increment of 24 PCG steps, modulo
// 2^128, as high and low words (M, then C): taken from the generator's
// own steps, which take the state 0 to C and the state 1 to M + C.
var jump24 = func() [4]uint64 {
	after := func(lo uint64) (uint64, uint64) {
		p := rand.NewPCG(0, lo) // the state (0, lo)
		for range 24 {
			p.Uint64()
		}
		return state(p)
	}
	chi, clo := after(0)
	shi, slo := after(1)
	mlo, borrow := bits.Sub64(slo, clo, 0)
	mhi, _ := bits.Sub64(shi, chi, borrow)
	return [4]uint64{mhi, mlo, chi, clo}
}()
