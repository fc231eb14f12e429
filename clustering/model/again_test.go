package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConstrainAgain: whether the constraint applied to a constrained
// attention once more moves it, and where it moves, as sumToOne and
// sameBits say, on attentions summing to 1 exactly and not, with values
// at and below the floor, zeros and NaN.
func TestConstrainAgain(t *testing.T) {
	m, err := New(Params{Clusters: 2, Dims: 3, R: 2, Q: 1, Specificity: 1, Equivalent: true, Beta: 1, TempSoftWTA: 1, SumToOne: true})
	require.NoError(t, err)
	cases := [][]float64{
		{0.25, 0.25, 0.5},
		{1.0 / 3, 1.0 / 3, 1.0 / 3},
		{0.2, 0.3, 0.5},
		{1e-6, 0.5, 0.5 - 1e-6},
		{math.Nextafter(1e-6, 0), 0.5, 0.5},
		{0, 0.5, 0.5},
		{math.NaN(), 0.5, 0.5},
		{1, 0, 0},
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 300 {
		a := []float64{rng.Float64(), rng.Float64(), rng.Float64() * 1e-5}
		sumToOne(a, a)
		cases = append(cases, a)
	}
	moved := 0
	for i, a := range cases {
		want := make([]float64, 3)
		sumToOne(want, a)
		wantMoved := !sameBits(want, a)
		copy(m.attn, a)
		clear(m.next)
		got := m.constrainAgain()
		require.Equal(t, wantMoved, got, "case %d: %v", i, a)
		if got {
			moved++
			for j := range want {
				require.Equal(t, math.Float64bits(want[j]), math.Float64bits(m.next[j]), "case %d: %v", i, a)
			}
		}
	}
	require.Positive(t, moved)
	require.Less(t, moved, len(cases))
}

// TestConstrainTwice: constrainTwice is constrain then constrainAgain, to
// the bit (the attention, whether it moves, and where), on raw attentions:
// after a step, summing to 1 and not, below the floor, 0, NaN, Inf.
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
		{math.Nextafter(1e-6, 0), 0.7, 0.2},
		{-0.1, 0.5, 0.5},
		{0, 0, 0},
		{math.NaN(), 0.5, 0.5},
		{math.Inf(1), 0.5, 0.5},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 300 {
		cases = append(cases, []float64{rng.Float64(), rng.Float64() - 0.1, rng.Float64() * 1e-5})
	}
	moved := 0
	for i, c := range cases {
		copy(a.attn, c)
		copy(b.attn, c)
		clear(a.next)
		clear(b.next)
		got := a.constrainTwice()
		b.constrain()
		want := b.constrainAgain()
		require.Equal(t, want, got, "case %d: %v", i, c)
		require.True(t, sameBits(b.attn, a.attn), "case %d: %v: %v, want %v", i, c, a.attn, b.attn)
		if got {
			moved++
			require.True(t, sameBits(b.next, a.next), "case %d: %v: %v, want %v", i, c, a.next, b.next)
		}
	}
	require.Positive(t, moved)
	require.Less(t, moved, len(cases))
}
