package output_test

import (
	"testing"

	"github.com/fastslow/stream/output"
	"github.com/stretchr/testify/require"
)

// TestColour: the palette cycles, for any index, and its neighbours
// differ.
func TestColour(t *testing.T) {
	n := 1
	for output.Colour(n) != output.Colour(0) {
		n++
		require.Less(t, n, 100, "the palette cycles")
	}
	require.Equal(t, output.Colour(n-1), output.Colour(-1))
	for i := 0; i < n-1; i++ {
		require.NotEqual(t, output.Colour(i), output.Colour(i+1))
	}
}
