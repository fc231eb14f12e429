package seed_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/seed"
)

func TestStreams(t *testing.T) {
	draw := func(s seed.Source, p string) uint64 { return s.Rand(p).Uint64() }
	a := seed.For(999, 3)
	assert.Equal(t, draw(a, "init"), draw(seed.For(999, 3), "init"), "same source and purpose, same stream")
	assert.NotEqual(t, draw(a, "init"), draw(seed.For(999, 4), "init"), "runs differ")
	assert.NotEqual(t, draw(a, "init"), draw(seed.For(998, 3), "init"), "seeds differ")
	assert.NotEqual(t, draw(a, "init"), draw(a, "schedule"), "purposes differ")
	assert.NotEqual(t, draw(a.Sub("fast"), "init"), draw(a.Sub("slow"), "init"), "parts differ")
}
