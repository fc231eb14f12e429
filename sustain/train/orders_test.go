package train

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/fastslow/stream/catlearn"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the shipped order table")

const catlearnOrders = "../../configs/sustain/catlearn_nosof94_orders.csv"

// TestCatlearnOrdersFile: the shipped order table is the one catlearn's
// nosof94train draws for nosof94sustain (R's Mersenne-Twister and
// sample(), seed 7624, 'eights' blocks) for 100 subjects × 16 blocks; go
// test -run CatlearnOrdersFile -update rewrites it.
func TestCatlearnOrdersFile(t *testing.T) {
	var buf bytes.Buffer
	tab := catlearn.Nosof94Orders(catlearn.Nosof94Subjects, catlearn.Nosof94Blocks, catlearn.Nosof94Seed, catlearn.Eights)
	require.NoError(t, tab.WriteCSV(&buf))
	if *update {
		require.NoError(t, os.WriteFile(catlearnOrders, buf.Bytes(), 0o644))
	}
	got, err := os.ReadFile(catlearnOrders)
	require.NoError(t, err)
	require.Equal(t, buf.String(), string(got))
}
