package human_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/human"
)

func TestNosofsky1994(t *testing.T) {
	for typ := 1; typ <= 6; typ++ {
		assert.Len(t, human.Nosofsky1994(typ), 16, "type %d", typ)
	}
	assert.Equal(t, 0.211, human.Nosofsky1994(1)[0])
	assert.Equal(t, 0.063, human.Nosofsky1994(4)[7], "catlearn's value for type IV block 8")
	assert.Nil(t, human.Nosofsky1994(7))
}

func TestBlocks(t *testing.T) {
	for _, c := range []struct {
		items, n int
		want     []float64
	}{
		{8, 3, []float64{1.5, 3.5, 5.5}}, // two 8-trial blocks per human block
		{16, 2, []float64{1, 2}},         // catlearn's 16-trial blocks: one each
	} {
		assert.Equal(t, c.want, human.Blocks(c.items, c.n), "items %d", c.items)
	}
}
