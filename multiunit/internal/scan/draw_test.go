package scan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/seed"
)

// TestDraw: where Draw has a kernel, its positions are seed.Uniforms's
// (rand.Rand.Float64's) bit for bit, its columns are theirs loaded, its
// cells follow its formula, and the generator goes on as after the calls;
// where it has none (or the sizes do not suit it), it reports false and
// touches nothing.
func TestDraw(t *testing.T) {
	for _, n := range []int{8, 16, 24, 800, 10000} {
		for _, g := range []int{1, 2, 7, 8, 9} {
			for _, sd := range [][2]uint64{{1, 2}, {0, 0}, {^uint64(0), 1 << 63}, {uint64(n), uint64(g)}} {
				ref := rand.NewPCG(sd[0], sd[1])
				want := make([]float64, 3*n)
				seed.Uniforms(ref, want)
				wantCols := NewColumns(n, 3)
				wantCols.Load(want)

				p := rand.NewPCG(sd[0], sd[1])
				pos, cell, count := make([]float64, 3*n), make([]int32, n), make([]int32, g*g*g)
				count[0] = 5 // Draw adds to the counts
				c := NewColumns(n, 3)
				clear(c.v)
				if !c.Draw(p, pos, cell, count, g) {
					require.False(t, drawable(), "Draw declined %d units in 3 dimensions with a kernel", n)
					require.Equal(t, *rand.NewPCG(sd[0], sd[1]), *p, "Draw declined and moved the generator")
					require.Equal(t, make([]float64, 3*n), pos, "Draw declined and wrote positions")
					require.Equal(t, int32(5), count[0], "Draw declined and counted")
					continue
				}
				wantCount := make([]int32, g*g*g)
				wantCount[0] = 5
				for i := range want {
					require.Equal(t, math.Float64bits(want[i]), math.Float64bits(pos[i]), "n = %d, seed %v: value %d", n, sd, i)
					require.Equal(t, math.Float64bits(wantCols.v[i]), math.Float64bits(c.v[i]), "n = %d, seed %v: column value %d", n, sd, i)
				}
				for i := range n {
					k := 0
					for j := 2; j >= 0; j-- {
						k = k*g + min(int(pos[3*i+j]*float64(g)), g-1)
					}
					require.Equal(t, int32(k), cell[i], "n = %d, g = %d, seed %v: unit %d's cell", n, g, sd, i)
					wantCount[k]++
				}
				require.Equal(t, wantCount, count, "n = %d, g = %d, seed %v: the cells' counts", n, g, sd)
				require.Equal(t, ref.Uint64(), p.Uint64(), "n = %d, seed %v: the generator goes on as after the calls", n, sd)
			}
		}
	}
	// Sizes without a kernel, and counts of the wrong length.
	if drawable() {
		p := rand.NewPCG(3, 4)
		require.False(t, NewColumns(16, 3).Draw(p, make([]float64, 48), make([]int32, 16), make([]int32, 63), 4), "63 counts for a grid of 4³")
	}
	for _, s := range []struct{ n, d int }{{12, 3}, {10, 3}, {16, 2}, {16, 4}} {
		p := rand.NewPCG(3, 4)
		c := NewColumns(s.n, s.d)
		pos := make([]float64, s.n*s.d)
		require.False(t, c.Draw(p, pos, make([]int32, s.n), make([]int32, 512), 8), "%d units in %d dimensions", s.n, s.d)
		require.Equal(t, *rand.NewPCG(3, 4), *p, "%d units in %d dimensions: the generator moved", s.n, s.d)
	}
}

func BenchmarkDraw(b *testing.B) {
	const n = 10000
	pos, cell, count := make([]float64, 3*n), make([]int32, n), make([]int32, 512)
	c := NewColumns(n, 3)
	p := rand.NewPCG(1, 2)
	b.Run("kernel", func(b *testing.B) {
		if !drawable() {
			b.Skip("no vector draw in this build")
		}
		for b.Loop() {
			c.Draw(p, pos, cell, count, 8)
		}
	})
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			seed.Uniforms(p, pos)
			c.Load(pos)
		}
	})
}

func TestDrawAllocatesNothing(t *testing.T) {
	if !drawable() {
		t.Skip("no vector draw in this build")
	}
	const n = 80
	pos, cell, count := make([]float64, 3*n), make([]int32, n), make([]int32, 64)
	c := NewColumns(n, 3)
	p := rand.NewPCG(1, 2)
	require.Zero(t, testing.AllocsPerRun(10, func() { c.Draw(p, pos, cell, count, 4) }))
}
