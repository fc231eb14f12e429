package rrand

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNosof94Train: every block of catlearn's lists holds each stimulus
// twice; with eights (and in the first block with 'accurate') each half
// block holds each stimulus once; a seed gives the same lists every time.
func TestNosof94Train(t *testing.T) {
	for _, eights := range []bool{false, true} {
		lists := Nosof94Train(20, 16, 7624, eights)
		require.Len(t, lists, 20)
		halvesOfEight := 0
		for _, l := range lists {
			require.Len(t, l, 256)
			for b := 0; b < 16; b++ {
				var n [8]int
				for _, k := range l[16*b : 16*b+16] {
					n[k]++
				}
				require.Equal(t, [8]int{2, 2, 2, 2, 2, 2, 2, 2}, n)
				var first [8]int
				for _, k := range l[16*b : 16*b+8] {
					first[k]++
				}
				if first == [8]int{1, 1, 1, 1, 1, 1, 1, 1} {
					halvesOfEight++
				} else {
					require.False(t, eights || b == 0, "block %d is not two sets of 8", b)
				}
			}
		}
		if !eights {
			require.Less(t, halvesOfEight, 20*16/2, "later 'accurate' blocks shuffle all 16 trials")
		}
		require.Equal(t, lists, Nosof94Train(20, 16, 7624, eights))
	}
}
