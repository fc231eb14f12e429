package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/internal/scan"
	"github.com/fastslow/stream/seed"
)

// TestCells files units in 1 to 5 dimensions, some off the grid or NaN,
// and checks that every unit is in exactly one cell, the one its first
// coordinates fall in, and that around visits every cell once, first the
// 2^dims cells around the stimulus, and stops when told.
func TestCells(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, d, g int // g the grid's cells per dimension, 0 for none
	}{
		{"one dimension", 200, 1, 12},
		{"two dimensions", 1000, 2, 7},
		{"config1", 10000, 3, 8},
		{"five dimensions", 3000, 5, 5},
		{"too few units", 100, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCells(tc.n, tc.d)
			if tc.g == 0 {
				require.Nil(t, c)
				return
			}
			require.Equal(t, tc.g, c.g)
			rng := rand.New(rand.NewPCG(5, 6))
			pos := make([]float64, tc.n*tc.d)
			for i := range pos {
				pos[i] = rng.Float64()
			}
			pos[0], pos[tc.d] = -0.5, 1.5 // off the grid: clamped
			pos[2*tc.d] = math.NaN()
			c.load(pos, tc.d)
			cellOf := func(u []float64) int {
				k := 0
				for j := c.dims - 1; j >= 0; j-- {
					v := u[j]
					switch {
					case !(v < 1):
						k = k*c.g + c.g - 1
					case v < 0:
						k = k * c.g
					default:
						k = k*c.g + int(v*float64(c.g))
					}
				}
				return k
			}
			filed := make([]int, tc.n)
			for k := 0; k+1 < len(c.start); k++ {
				for _, i := range c.unit[c.start[k]:c.start[k+1]] {
					filed[i]++
					require.Equal(t, cellOf(pos[int(i)*tc.d:]), k, "unit %d", i)
				}
			}
			for i, f := range filed {
				require.Equal(t, 1, f, "unit %d", i)
			}

			x := make([]float64, tc.d)
			for j := range x {
				x[j] = float64(j%2) * 0.99 // a corner of the cube
			}
			x[0] = 0.4
			var order []int
			c.around(x, func(i int32) bool {
				k := cellOf(pos[int(i)*tc.d:])
				if len(order) == 0 || order[len(order)-1] != k {
					order = append(order, k)
				}
				return true
			})
			visits := make(map[int]int)
			for _, k := range order {
				visits[k]++
			}
			for k := 0; k+1 < len(c.start); k++ {
				if c.start[k] < c.start[k+1] {
					require.Equal(t, 1, visits[k], "cell %d", k)
				}
			}
			// The first 2^dims cells: lo..lo+1 along every dimension, lo
			// the cell of x and its nearer neighbour (x[0] = 0.4 lies in
			// the lower half of its cell unless the grid is coarse).
			first := 1 << c.dims
			for _, k := range order[:first] {
				for j := 0; j < c.dims; j++ {
					at := k % c.g
					k /= c.g
					own := min(int(x[j]*float64(c.g)), c.g-1)
					require.True(t, at == own || at == own-1 || at == own+1, "dimension %d: cell %d, x's %d", j, at, own)
				}
			}
			seen := 0
			c.around(x, func(int32) bool { seen++; return seen < 7 })
			require.Equal(t, 7, seen)
		})
	}
}

// TestNewDraws: a new model's positions are rand.Rand.Float64's in order,
// its columns hold them, its units are filed by cell as load files them,
// and the generator goes on as after the calls, whichever way New drew
// them (the vector draw with the columns and cells in one pass, or the Go
// one: config1's sizes take the first where the CPU has it, the others
// the second).
func TestNewDraws(t *testing.T) {
	for _, tc := range []struct{ n, d int }{{10000, 3}, {2008, 3}, {2004, 3}, {3000, 2}} {
		for _, sd := range [][2]uint64{{1, 2}, {0, 0}, {^uint64(0), 7}} {
			p := config1
			p.Units, p.Dims = tc.n, tc.d
			rng := rand.NewPCG(sd[0], sd[1])
			m, err := New(p, rng)
			require.NoError(t, err)

			ref := rand.NewPCG(sd[0], sd[1])
			want := make([]float64, tc.n*tc.d)
			seed.Uniforms(ref, want)
			for i, v := range want {
				require.Equal(t, math.Float64bits(v), math.Float64bits(m.pos[i]), "%d×%d, seed %v: value %d", tc.n, tc.d, sd, i)
			}
			require.Equal(t, ref.Uint64(), rng.Uint64(), "%d×%d, seed %v: the generator goes on as after the calls", tc.n, tc.d, sd)

			x := make([]float64, tc.d)
			for j := range tc.d {
				a := make([]float64, tc.d)
				a[j] = 1
				q := &scan.Query{X: x, A: a, C: 1, R: 1}
				for i := range tc.n { // the exponent |0 − u_ij|·1 is the column's value
					require.Equal(t, math.Float64bits(want[i*tc.d+j]), math.Float64bits(m.cols.Exponent(i, q)), "%d×%d, seed %v: unit %d's column %d", tc.n, tc.d, sd, i, j)
				}
			}

			c := newCells(tc.n, tc.d)
			c.load(want, tc.d)
			require.Equal(t, c.start, m.cells.start, "%d×%d, seed %v: the cells' bounds", tc.n, tc.d, sd)
			require.Equal(t, c.unit, m.cells.unit, "%d×%d, seed %v: the units by cell", tc.n, tc.d, sd)
		}
	}
}
