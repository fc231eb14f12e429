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
