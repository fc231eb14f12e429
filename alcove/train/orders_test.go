package train

import (
	"bytes"
	"testing"

	"github.com/fastslow/stream/catlearn"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

const catlearnOrders = "../../configs/alcove/catlearn_nosof94_orders.csv"

// TestShippedOrders: the order table shipped beside the configs is
// catlearn's nosof94train training lists (100 subjects, 16 blocks, seed
// 7624, 'accurate' blocks, as its ALCOVE simulations use) over the 16
// items of an SHJ task with two passes (go test -run TestShippedOrders
// -update rewrites it).
func TestShippedOrders(t *testing.T) {
	var buf bytes.Buffer
	tab := catlearn.Nosof94Orders(catlearn.Nosof94Subjects, catlearn.Nosof94Blocks, catlearn.Nosof94Seed, catlearn.Accurate)
	require.NoError(t, tab.WriteCSV(&buf))
	fixture.Golden(t, catlearnOrders, buf.Bytes())
}
