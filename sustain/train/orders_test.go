package train

import (
	"bytes"
	"testing"

	"github.com/fastslow/stream/catlearn"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

const catlearnOrders = "../../configs/sustain/catlearn_nosof94_orders.csv"

// TestCatlearnOrdersFile: the shipped order table is the one catlearn's
// nosof94train draws for nosof94sustain (R's Mersenne-Twister and
// sample(), seed 7624, 'eights' blocks) for 100 subjects × 16 blocks; go
// test -run CatlearnOrdersFile -update rewrites it.
func TestCatlearnOrdersFile(t *testing.T) {
	var buf bytes.Buffer
	tab := catlearn.Nosof94Orders(catlearn.Nosof94Subjects, catlearn.Nosof94Blocks, catlearn.Nosof94Seed, catlearn.Eights)
	require.NoError(t, tab.WriteCSV(&buf))
	fixture.Golden(t, catlearnOrders, buf.Bytes())
}
