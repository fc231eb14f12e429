// Package rrand reproduces R's default random number generation (R ≥ 3.6:
// set.seed with the Mersenne-Twister, unif_rand, and sample() with the
// "Rejection" sample.kind), so that tests and shipped order tables can
// replay the exact trial orders of catlearn's simulations (its training
// lists draw them with sample(); see package catlearn) rather than only
// orders like them.
package rrand

import "math"

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
	i2_32m1   = 2.328306437080797e-10 // 1/(2^32 − 1)
)

// Rand is R's default generator (Mersenne-Twister, Inversion, Rejection).
type Rand struct {
	mt  [n]uint32
	mti int
}

// New returns the generator as R's set.seed(seed) leaves it.
func New(seed int32) *Rand {
	r := &Rand{}
	s := uint32(seed)
	for range 50 { // R's initial scrambling
		s = 69069*s + 1
	}
	// R fills its 625 seeds (the position's slot first, then the 624
	// words of the state) from the same congruential sequence, then sets
	// the position to 624.
	s = 69069*s + 1
	for j := range r.mt {
		s = 69069*s + 1
		r.mt[j] = s
	}
	r.mti = n
	return r
}

// genrand returns the next tempered 32-bit word scaled to [0, 1).
func (r *Rand) genrand() float64 {
	mag01 := [2]uint32{0, matrixA}
	if r.mti >= n {
		var kk int
		for kk = 0; kk < n-m; kk++ {
			y := r.mt[kk]&upperMask | r.mt[kk+1]&lowerMask
			r.mt[kk] = r.mt[kk+m] ^ y>>1 ^ mag01[y&1]
		}
		for ; kk < n-1; kk++ {
			y := r.mt[kk]&upperMask | r.mt[kk+1]&lowerMask
			r.mt[kk] = r.mt[kk+m-n] ^ y>>1 ^ mag01[y&1]
		}
		y := r.mt[n-1]&upperMask | r.mt[0]&lowerMask
		r.mt[n-1] = r.mt[m-1] ^ y>>1 ^ mag01[y&1]
		r.mti = 0
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return float64(y) * 2.3283064365386963e-10
}

// Unif returns R's unif_rand(): a uniform value in (0, 1).
func (r *Rand) Unif() float64 {
	v := r.genrand()
	switch {
	case v <= 0:
		return 0.5 * i2_32m1
	case 1-v <= 0:
		return 1 - 0.5*i2_32m1
	}
	return v
}

// rbits draws bits random bits, 16 at a time, as R's rbits.
func (r *Rand) rbits(bits int) float64 {
	var v int64
	for k := 0; k <= bits; k += 16 {
		v1 := int64(math.Floor(r.Unif() * 65536))
		v = 65536*v + v1
	}
	return float64(v & (1<<bits - 1))
}

// Index returns R's R_unif_index(dn): a uniform integer in [0, dn), by
// rejection from the integers below the next power of two.
func (r *Rand) Index(dn int) int {
	if dn <= 0 {
		return 0
	}
	bits := int(math.Ceil(math.Log2(float64(dn))))
	for {
		dv := r.rbits(bits)
		if float64(dn) > dv {
			return int(dv)
		}
	}
}

// Sample writes R's sample(len(dst)) into dst, 0-based: a random
// permutation of 0..len(dst)−1.
func (r *Rand) Sample(dst []int) {
	k := len(dst)
	x := make([]int, k)
	for i := range x {
		x[i] = i
	}
	left := k
	for i := 0; i < k; i++ {
		j := r.Index(left)
		dst[i] = x[j]
		left--
		x[j] = x[left]
	}
}
