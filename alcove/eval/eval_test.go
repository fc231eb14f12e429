package eval

import (
	"testing"

	"github.com/fastslow/stream/human"
	"github.com/stretchr/testify/require"
)

func humanCurves() [6][]float64 {
	var c [6][]float64
	for typ := 1; typ <= 6; typ++ {
		c[typ-1] = human.Nosofsky1994(typ)
	}
	return c
}

// TestSSE: catlearn's ssecl on worked cases: the human curves themselves
// (0), a constant shift of every cell (96·δ²), curves of 8-trial blocks
// (averaged in pairs), extra blocks (ignored), and curves that cannot be
// compared.
func TestSSE(t *testing.T) {
	h := humanCurves()
	s, err := SSE(h, 16)
	require.NoError(t, err)
	require.Zero(t, s)

	var shifted, halves, longer [6][]float64
	for typ := range h {
		for _, v := range h[typ] {
			shifted[typ] = append(shifted[typ], v+0.01)
			halves[typ] = append(halves[typ], v-0.02, v+0.02) // two 8-trial blocks average to v
			longer[typ] = append(longer[typ], v)
		}
		longer[typ] = append(longer[typ], 0.5, 0.5)
	}
	s, err = SSE(shifted, 16)
	require.NoError(t, err)
	require.InDelta(t, 96*0.01*0.01, s, 1e-15)
	s, err = SSE(halves, 8)
	require.NoError(t, err)
	require.InDelta(t, 0, s, 1e-30)
	s, err = SSE(longer, 16)
	require.NoError(t, err)
	require.Zero(t, s)

	short := h
	short[2] = h[2][:10]
	for _, c := range []struct {
		curves [6][]float64
		trials int
		want   string
	}{
		{h, 12, "blocks of 12 trials: want 16 (or 8"},
		{short, 16, "type 3: 10 blocks of 16 trials: want at least 16"},
		{h, 8, "type 1: 16 blocks of 8 trials: want at least 32"},
	} {
		_, err := SSE(c.curves, c.trials)
		require.ErrorContains(t, err, c.want)
	}
}
