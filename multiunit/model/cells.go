package model

import (
	"math/rand/v2"

	"github.com/fastslow/multiunit/internal/scan"
)

// cells files the units by where they sat when the scan's columns were
// loaded, on a grid of g cells per dimension over [0, 1) in the first up
// to 3 dimensions: nearest looks first at the inactive units of the cells
// around the stimulus, so that its heap holds near units before the scan
// passes over the others, which it then leaves in the lanes.
//
// A unit changes position only once recruited (it is then active and
// passed over), or by SetState, which loads the columns and so the cells
// again; the cells only choose what nearest looks at first, never what
// it recruits.
type cells struct {
	g, dims int
	start   []int32 // cell c's units are unit[start[c]:start[c+1]]
	unit    []int32 // [N] the units by cell
	id      []int32 // [N] load's scratch: each unit's cell
	seen    []bool  // [N] nearest's scratch: the units it looked at first
}

// newCells returns the cells of n units in d dimensions, or nil when n is
// too small for a grid of 2 cells per dimension of 16 units each.
func newCells(n, d int) *cells {
	dims := min(d, 3)
	g := 1
	for pow(g+1, dims)*16 <= n {
		g++
	}
	if g < 2 {
		return nil
	}
	return &cells{g: g, dims: dims, start: make([]int32, pow(g, dims)+1),
		unit: make([]int32, n), id: make([]int32, n), seen: make([]bool, n)}
}

func pow(b, e int) int {
	p := 1
	for range e {
		p *= b
	}
	return p
}

// coord returns the grid coordinate of v, clamped to the grid (the last
// cell for NaN).
func coord(v float64, g int) int {
	v *= float64(g)
	if !(v < float64(g)) {
		return g - 1
	}
	if v >= 0 {
		return int(v)
	}
	return 0
}

// load files the units at positions pos ([N·d], row-major) by cell.
func (c *cells) load(pos []float64, d int) {
	clear(c.start)
	g, count := c.g, c.start[1:]
	if c.dims == 3 { // the common case, unrolled
		for i := range c.id {
			u := pos[i*d : i*d+3]
			k := (coord(u[2], g)*g+coord(u[1], g))*g + coord(u[0], g)
			c.id[i] = int32(k)
			count[k]++
		}
	} else {
		for i := range c.id {
			u := pos[i*d : i*d+c.dims]
			k := 0
			for j := len(u) - 1; j >= 0; j-- {
				k = k*g + coord(u[j], g)
			}
			c.id[i] = int32(k)
			count[k]++
		}
	}
	c.sort()
}

// draw draws the positions pos and the columns cols with cols.Draw and
// files the units by the cells it gives them (load's for positions in
// [0, 1)), or reports false, having done nothing, when Draw declines.
func (c *cells) draw(p *rand.PCG, cols *scan.Columns, pos []float64) bool {
	if c.dims != 3 {
		return false
	}
	clear(c.start)
	if !cols.Draw(p, pos, c.id, c.start[1:], c.g) {
		return false
	}
	c.sort()
	return true
}

// sort lists the units by cell, from the cells in c.id and their counts
// in c.start[1:].
func (c *cells) sort() {
	for k := 1; k < len(c.start); k++ {
		c.start[k] += c.start[k-1]
	}
	fill := c.start[:len(c.start)-1] // advanced to each cell's end, then shifted back
	for i, k := range c.id {
		c.unit[fill[k]] = int32(i)
		fill[k]++
	}
	copy(c.start[1:], fill)
	c.start[0] = 0
}

// around calls f with the units of the cells around x, a box of cells
// widening a cell on every side at a time, until f returns false or the
// box holds every cell.
func (c *cells) around(x []float64, f func(i int32) bool) {
	var lo, hi, plo, phi [3]int
	for j := range c.dims {
		// The two cells nearest x along dimension j.
		l := coord(x[j], c.g) // x's own cell; its nearer neighbour joins it
		if v := x[j]*float64(c.g) - float64(l); l > 0 && (l == c.g-1 || v < 0.5) {
			l--
		}
		lo[j], hi[j] = l, l+1
		plo[j], phi[j] = 0, -1 // no previous box
	}
	for {
		// Every cell of the box lo..hi outside the previous box plo..phi.
		var at [3]int
		copy(at[:], lo[:])
		for {
			inside := true
			k := 0
			for j := c.dims - 1; j >= 0; j-- {
				inside = inside && at[j] >= plo[j] && at[j] <= phi[j]
				k = k*c.g + at[j]
			}
			if !inside {
				for _, i := range c.unit[c.start[k]:c.start[k+1]] {
					if !f(i) {
						return
					}
				}
			}
			j := 0
			for ; j < c.dims; j++ {
				if at[j]++; at[j] <= hi[j] {
					break
				}
				at[j] = lo[j]
			}
			if j == c.dims {
				break
			}
		}
		plo, phi = lo, hi
		grew := false
		for j := range c.dims {
			if lo[j] > 0 {
				lo[j]--
				grew = true
			}
			if hi[j] < c.g-1 {
				hi[j]++
				grew = true
			}
		}
		if !grew {
			return
		}
	}
}
