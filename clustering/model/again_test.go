package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConstrainTwice: constrainTwice leaves the attention as constrain
// does, to the bit, and reports whether sumToOne applied to that once more
// moves it, and where (next), on raw attentions after a step and on
// constrained ones summing to 1 exactly and not: below, at and above the
// floor, negative, 0, NaN and Inf.
func TestConstrainTwice(t *testing.T) {
	p := Params{Clusters: 2, Dims: 3, R: 2, Q: 1, Specificity: 1, Equivalent: true, Beta: 1, TempSoftWTA: 1, SumToOne: true}
	a, err := New(p)
	require.NoError(t, err)
	b, err := New(p)
	require.NoError(t, err)
	cases := [][]float64{
		{1.0 / 3, 1.0 / 3, 1.0 / 3},
		{0.25, 0.25, 0.5},
		{0.2, 0.3, 0.5},
		{1e-6, 0.5, 0.5},
		{1e-6, 0.5, 0.5 - 1e-6},
		{math.Nextafter(1e-6, 0), 0.7, 0.2},
		{math.Nextafter(1e-6, 0), 0.5, 0.5},
		// Constrained once, the first value falls below the floor while
		// the floored values sum to 1 exactly: it moves.
		{1e-6, 0.4576926579084238, 0.542306342091592},
		{-0.1, 0.5, 0.5},
		{0, 0.5, 0.5},
		{0, 0, 0},
		{1, 0, 0},
		{math.NaN(), 0.5, 0.5},
		{math.Inf(1), 0.5, 0.5},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 300 {
		cases = append(cases, []float64{rng.Float64(), rng.Float64() - 0.1, rng.Float64() * 1e-5})
		c := []float64{rng.Float64(), rng.Float64(), rng.Float64() * 1e-5}
		sumToOne(c, c)
		cases = append(cases, c)
	}
	moved := 0
	want := make([]float64, 3)
	for i, c := range cases {
		copy(a.attn, c)
		copy(b.attn, c)
		clear(a.next)
		got := a.constrainTwice()
		b.constrain()
		sumToOne(want, b.attn)
		wantMoved := !sameBits(want, b.attn)
		require.Equal(t, wantMoved, got, "case %d: %v", i, c)
		require.True(t, sameBits(b.attn, a.attn), "case %d: %v: %v, want %v", i, c, a.attn, b.attn)
		if got {
			moved++
			require.True(t, sameBits(want, a.next), "case %d: %v: %v, want %v", i, c, a.next, want)
		}
	}
	require.Positive(t, moved)
	require.Less(t, moved, len(cases))
}
