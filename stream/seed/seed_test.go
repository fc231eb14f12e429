package seed_test

import (
	"math"
	"math/rand/v2"
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

// TestUniforms: Uniforms gives rand.Rand.Float64's values bit for bit,
// for every length around the lanes' width, and leaves the generator
// where the calls would.
func TestUniforms(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 1000, 30001} {
		for _, sd := range [][2]uint64{{1, 2}, {0, 0}, {^uint64(0), 1 << 63}} {
			want, ref := make([]float64, n), rand.New(rand.NewPCG(sd[0], sd[1]))
			for i := range want {
				want[i] = ref.Float64()
			}
			p := rand.NewPCG(sd[0], sd[1])
			got := make([]float64, n)
			seed.Uniforms(p, got)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n = %d, seed %v: value %d is %v, want %v", n, sd, i, got[i], want[i])
				}
			}
			assert.Equal(t, ref.Uint64(), p.Uint64(), "n = %d, seed %v: the generator goes on as after the calls", n, sd)
		}
	}
}

func BenchmarkUniforms(b *testing.B) {
	dst := make([]float64, 30000)
	b.Run("Uniforms", func(b *testing.B) {
		p := rand.NewPCG(1, 2)
		for b.Loop() {
			seed.Uniforms(p, dst)
		}
	})
	b.Run("Float64", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			for i := range dst {
				dst[i] = r.Float64()
			}
		}
	})
}
