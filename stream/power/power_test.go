package power

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestR: R's special cases, and math.Pow (bit for bit) everywhere else,
// y = 1 and y = 2 included.
func TestR(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct{ x, y, want float64 }{
		{3, 2, 9}, {-0.5, 2, 0.25}, {1, nan, 1}, {nan, 0, 1}, {7, 0, 1}, {2, 0.5, math.Sqrt2},
		{0.3, 1, 0.3}, {inf, 2, inf}, {0, 9.01245, 0}, {0.25, 1.252233, math.Pow(0.25, 1.252233)},
	} {
		require.Equal(t, c.want, R(c.x, c.y), "%v^%v", c.x, c.y)
	}
	require.True(t, math.IsNaN(R(nan, 1)))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		x, y := rng.Float64()*10, float64(rng.IntN(5))/2
		want := math.Pow(x, y)
		if y == 2 {
			want = x * x
		}
		require.Equal(t, math.Float64bits(want), math.Float64bits(R(x, y)), "%v^%v", x, y)
	}
}

// TestTorch: the exact products for r = 1, 2, 3, math.Pow otherwise.
func TestTorch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		v := rng.Float64() * 3
		require.Equal(t, v, Torch(v, 1))
		require.Equal(t, v*v, Torch(v, 2))
		require.Equal(t, v*v*v, Torch(v, 3))
		require.Equal(t, math.Pow(v, 1.5), Torch(v, 1.5))
	}
}

// TestRoot: s for r = 1, √s for r = 2, the power 1/r otherwise; the root
// undoes the power.
func TestRoot(t *testing.T) {
	require.Equal(t, 0.7, Root(0.7, 1))
	require.Equal(t, math.Sqrt(0.7), Root(0.7, 2))
	require.Equal(t, math.Pow(0.7, 1.0/3), Root(0.7, 3))
	for _, r := range []float64{1, 2, 3, 1.5} {
		require.InDelta(t, 0.45, Root(Torch(0.45, r), r), 1e-15)
	}
}
