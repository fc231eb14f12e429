// Package rrand reproduces the random numbers of R (≥ 3.6) that catlearn's
// simulations draw: set.seed's Mersenne-Twister, unif_rand, and sample()'s
// rejection sampling, so that tests can replay catlearn's exact training
// lists (its nosof94train) rather than only lists like them.
package rrand

import "math"

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// Rand is R's default generator (Mersenne-Twister, Inversion, Rejection)
// after set.seed(seed).
type Rand struct {
	mt  [n]uint32
	mti int
}

// New returns the generator as set.seed(seed) leaves it.
func New(seed int32) *Rand {
	s := uint32(seed)
	for j := 0; j < 50; j++ { // R's initial scrambling
		s = 69069*s + 1
	}
	r := &Rand{}
	// R fills its 625 seeds (mti's slot first, then the 624 words of the
	// state) from the same congruential sequence, then sets mti = 624.
	s = 69069*s + 1
	for j := 0; j < n; j++ {
		s = 69069*s + 1
		r.mt[j] = s
	}
	r.mti = n
	return r
}

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
			r.mt[kk] = r.mt[kk+(m-n)] ^ y>>1 ^ mag01[y&1]
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

// Unif returns R's unif_rand(): a uniform number in (0, 1).
func (r *Rand) Unif() float64 {
	const i2_32m1 = 2.328306437080797e-10
	x := r.genrand()
	if x <= 0 {
		return 0.5 * i2_32m1
	}
	if 1-x <= 0 {
		return 1 - 0.5*i2_32m1
	}
	return x
}

// rbits returns a random integer below 2^bits, drawn in 16-bit chunks.
func (r *Rand) rbits(bits int) float64 {
	var v uint64
	for k := 0; k <= bits; k += 16 {
		v1 := uint64(math.Floor(r.Unif() * 65536))
		v = 65536*v + v1
	}
	return float64(v & (uint64(1)<<bits - 1))
}

// Index returns R's R_unif_index(dn): a uniform integer in [0, dn), by
// rejection from the integers below the next power of two.
func (r *Rand) Index(dn float64) int {
	if dn <= 0 {
		return 0
	}
	bits := int(math.Ceil(math.Log2(dn)))
	for {
		dv := r.rbits(bits)
		if dv < dn {
			return int(dv)
		}
	}
}

// Sample returns R's sample(k) (a random permutation of 1..k) as 0-based
// indices.
func (r *Rand) Sample(k int) []int {
	x := make([]int, k)
	for i := range x {
		x[i] = i
	}
	y := make([]int, k)
	left := k
	for i := 0; i < k; i++ {
		j := r.Index(float64(left))
		y[i] = x[j]
		left--
		x[j] = x[left]
	}
	return y
}
