package scan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/layers"
)

// randomColumns returns n units in d dimensions uniform in [0, 1), with
// some coordinates set to the edge cases of the scan: exactly x (distance
// 0), subnormal, NaN, and excluded units.
func randomColumns(rng *rand.Rand, n, d int, x []float64) (*Columns, []float64) {
	pos := make([]float64, n*d)
	for i := range pos {
		pos[i] = rng.Float64()
		switch rng.IntN(50) {
		case 0:
			pos[i] = x[i%d]
		case 1:
			pos[i] = 0x1p-1070 * float64(rng.IntN(100))
		case 2:
			pos[i] = math.NaN()
		}
	}
	c := NewColumns(n, d)
	c.Load(pos)
	for range n / 40 {
		c.Exclude(rng.IntN(n))
	}
	return c, pos
}

// TestExponent: the scan's exponent is the model's, bit for bit, for the
// positions that were not excluded.
func TestExponent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, r := range []float64{1, 2} {
		for _, d := range []int{1, 2, 3, 7} {
			x, a := uniform(rng, d), uniform(rng, d)
			c, pos := randomColumns(rng, 100, d, x)
			f := layers.Activation{C: 0.2 + rng.Float64(), R: r}
			q := &Query{X: x, A: a, C: f.C, R: r}
			row := make([]float64, d)
			for i := range 100 {
				if math.IsInf(c.v[i], 1) {
					continue
				}
				want := f.Exponent(f.Dist(x, pos[i*d:(i+1)*d], a, row))
				require.Equal(t, math.Float64bits(want), math.Float64bits(c.Exponent(i, q)), "r = %v, d = %d, unit %d", r, d, i)
			}
		}
	}
}

// TestNext: Next finds the units the pure-Go scan finds, at thresholds set
// on the units' own exponents (where one rounding would change the
// answer), with NaN, infinite and zero thresholds and attentions, and
// numbers of units that do not fill the last lanes.
func TestNext(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, r := range []float64{1, 2} {
		for _, n := range []int{1, 7, 8, 9, 100, 1003} {
			for _, d := range []int{1, 3, 5} {
				x, a := uniform(rng, d), uniform(rng, d)
				if rng.IntN(4) == 0 {
					a[rng.IntN(d)] = 0
				}
				c, _ := randomColumns(rng, n, d, x)
				q := &Query{X: x, A: a, C: 0.2 + rng.Float64(), R: r, Margin: 1e-9}
				for trial := range 60 {
					switch trial % 6 {
					case 0:
						q.Worst = math.Inf(1)
					case 1:
						q.Worst = math.NaN()
					case 2:
						q.Worst, q.Margin = 0, 0
					default:
						e := c.Exponent(rng.IntN(n), q)
						q.Worst = e - q.Margin
						if trial%2 == 0 {
							q.Worst = math.Nextafter(q.Worst, math.Inf(-1))
						}
					}
					checkNext(t, c, q)
					q.Margin = 1e-9
				}
			}
		}
	}
}

// checkNext compares Next with the pure-Go scan from every unit.
func checkNext(t *testing.T, c *Columns, q *Query) {
	t.Helper()
	for from := 0; from <= c.n; from++ {
		require.Equal(t, c.nextGo(from, c.n, q), c.Next(from, q), "from %d, worst %v, r = %v", from, q.Worst, q.R)
	}
}

func uniform(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.Float64()
	}
	return v
}

// BenchmarkNext scans config1's 10,000 units in 3 dimensions with a
// threshold that passes every unit over (the common case).
func BenchmarkNext(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, d = 10000, 3
	x, a := []float64{0, 1, 1}, []float64{1. / 3, 1. / 3, 1. / 3}
	c, _ := randomColumns(rng, n, d, x)
	for i := range c.v {
		if c.v[i] != c.v[i] || c.v[i] == x[i/n] {
			c.v[i] = 0.5
		}
	}
	q := &Query{X: x, A: a, C: 0.2, R: 1, Worst: -1, Margin: 1e-9}
	b.Run("vector", func(b *testing.B) {
		for b.Loop() {
			if c.Next(0, q) != n {
				b.Fatal("a unit was not passed over")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/unit")
	})
	b.Run("purego", func(b *testing.B) {
		for b.Loop() {
			if c.nextGo(0, n, q) != n {
				b.Fatal("a unit was not passed over")
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/unit")
	})
}

// TestLoad: Load puts unit i's coordinate j of the row-major positions at
// row j, column i, as Set does.
func TestLoad(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {7, 1}, {1, 3}, {7, 3}, {100, 2}, {33, 5}} {
		n, d := sz[0], sz[1]
		pos := make([]float64, n*d)
		for i := range pos {
			pos[i] = float64(i) + 0.5
		}
		want := &Columns{n: n, d: d, v: make([]float64, n*d)}
		for i := range n {
			for j := range d {
				want.Set(i, j, pos[i*d+j])
			}
		}
		c := NewColumns(n, d)
		c.Load(pos)
		require.Equal(t, want.v, c.v, "%d units in %d dimensions", n, d)
	}
}
