package train

import (
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fastslow/alcove/internal/rrand"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the shipped catlearn order table")

const catlearnOrders = "../../configs/alcove/catlearn_nosof94_orders.csv"

// nosof94Table returns catlearn's nosof94train training lists (100
// subjects, 16 blocks, seed 7624, 'accurate' blocks, as its ALCOVE
// simulations use) as an order table for the fit command's -order flag,
// over the 16 items of an SHJ task with two passes (items k and k + 8 are
// both stimulus k: a stimulus's first trial in a block is item k, its
// second k + 8).
func nosof94Table() string {
	var b strings.Builder
	b.WriteString("run,block")
	for i := 0; i < 16; i++ {
		b.WriteString(",i" + strconv.Itoa(i))
	}
	b.WriteString("\n")
	for r, list := range rrand.Nosof94Train(100, 16, 7624, false) {
		for blk := 0; blk < 16; blk++ {
			b.WriteString(strconv.Itoa(r) + "," + strconv.Itoa(blk))
			var seen [8]bool
			for _, k := range list[16*blk : 16*blk+16] {
				item := k
				if seen[k] {
					item += 8
				}
				seen[k] = true
				b.WriteString("," + strconv.Itoa(item))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestShippedOrders: the order table shipped beside the configs is
// catlearn's training lists (go test -run TestShippedOrders -update
// rewrites it).
func TestShippedOrders(t *testing.T) {
	want := nosof94Table()
	if *update {
		require.NoError(t, os.WriteFile(catlearnOrders, []byte(want), 0o644))
	}
	got, err := os.ReadFile(catlearnOrders)
	require.NoError(t, err)
	require.Equal(t, want, string(got))
}
