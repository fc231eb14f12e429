// Package seed derives every random number generator of a run from the
// config's seed and the run index, so that results do not depend on how
// runs are spread over workers.
package seed

import (
	"hash/fnv"
	"math/rand/v2"
)

// Source names the random streams of one run of one config.
type Source struct {
	Seed uint64 // the config's random_seed
	Run  int    // the run index
	Path string // a prefix that separates sub-models (e.g. "fast/")
}

// For returns the source of run r of a config seeded with s.
func For(s uint64, r int) Source { return Source{Seed: s, Run: r} }

// Sub returns a source whose generators differ from s's, for a part of
// a composite model.
func (s Source) Sub(name string) Source {
	s.Path += name + "/"
	return s
}

// Rand returns a new generator for the given purpose ("schedule", "init",
// "dropout", …). The same source and purpose always give the same stream;
// different purposes give independent streams.
func (s Source) Rand(purpose string) *rand.Rand { return rand.New(s.PCG(purpose)) }

// PCG returns the generator Rand wraps, for Uniforms.
func (s Source) PCG(purpose string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(s.Path))
	h.Write([]byte(purpose))
	return rand.NewPCG(mix(s.Seed^h.Sum64()), mix(uint64(s.Run)+0x9e3779b97f4a7c15))
}

// mix is splitmix64's finaliser: nearby inputs give unrelated outputs.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
