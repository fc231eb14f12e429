package catlearn

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/rrand"
)

// TestNosof94Train: every block of catlearn's lists holds each stimulus
// twice; with eights (and in the first block with 'accurate') each half
// block holds each stimulus once; a seed gives the same lists every time.
func TestNosof94Train(t *testing.T) {
	for _, style := range []Style{Accurate, Eights} {
		lists := Nosof94Train(20, 16, Nosof94Seed, style)
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
					require.False(t, style == Eights || b == 0, "block %d is not two sets of 8", b)
				}
			}
		}
		if style == Accurate {
			require.Less(t, halvesOfEight, 20*16/2, "later 'accurate' blocks shuffle all 16 trials")
		}
		require.Equal(t, lists, Nosof94Train(20, 16, Nosof94Seed, style))
	}
}

// TestNosof94Orders: the table's orders are the lists over the items of
// two passes (a stimulus's first trial in a block is item k, its second
// k + 8); with eights that is sample(8) over items 0–7, then sample(8)
// over items 8–15, straight from R's generator.
func TestNosof94Orders(t *testing.T) {
	const subjects, blocks = 5, 4
	for _, style := range []Style{Accurate, Eights} {
		tab := Nosof94Orders(subjects, blocks, Nosof94Seed, style)
		require.NoError(t, tab.Check(subjects, blocks, 16))
		lists := Nosof94Train(subjects, blocks, Nosof94Seed, style)
		for r, run := range tab.Orders {
			for b, order := range run {
				for i, item := range order {
					require.Equal(t, lists[r][16*b+i], item%8)
				}
			}
		}
	}
	r := rrand.New(Nosof94Seed)
	perm := make([]int, 8)
	tab := Nosof94Orders(subjects, blocks, Nosof94Seed, Eights)
	for s := range subjects {
		for b := range blocks {
			want := make([]int, 16)
			r.Sample(perm)
			copy(want, perm)
			r.Sample(perm)
			for i, k := range perm {
				want[8+i] = 8 + k
			}
			require.Equal(t, want, tab.Orders[s][b], "subject %d block %d", s, b)
		}
	}
}
