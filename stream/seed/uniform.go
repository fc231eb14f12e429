package seed

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// Uniforms fills dst with the values that len(dst) calls of
// rand.New(p).Float64() return, in order, and leaves p as those calls
// would. It computes them from four interleaved lanes of p's sequence
// (each lane jumps four steps at a time), so that a large draw (the
// multi-unit model's 30,000 initial coordinates a run) waits on four
// independent chains of multiplications instead of one.
func Uniforms(p *rand.PCG, dst []float64) {
	n := len(dst)
	if n == 0 {
		return
	}
	var buf [20]byte
	b, _ := p.AppendBinary(buf[:0]) // "pcg:", then the state's high and low words
	s := u128{binary.BigEndian.Uint64(b[4:]), binary.BigEndian.Uint64(b[12:])}
	// Lane j holds the state from which the (i+j)-th value is output.
	l0 := s.step(pcgMul, pcgInc)
	l1 := l0.step(pcgMul, pcgInc)
	l2 := l1.step(pcgMul, pcgInc)
	l3 := l2.step(pcgMul, pcgInc)
	m4, c4 := jump4()
	i := 0
	for ; i+4 < n; i += 4 {
		d := dst[i : i+4 : i+4]
		d[0], d[1], d[2], d[3] = l0.float64(), l1.float64(), l2.float64(), l3.float64()
		l0, l1, l2, l3 = l0.step(m4, c4), l1.step(m4, c4), l2.step(m4, c4), l3.step(m4, c4)
	}
	// One to four values are left; the state after the last is p's.
	lanes := [4]u128{l0, l1, l2, l3}
	for k := 0; i < n; i, k = i+1, k+1 {
		dst[i] = lanes[k].float64()
		s = lanes[k]
	}
	buf = [20]byte{'p', 'c', 'g', ':'}
	binary.BigEndian.PutUint64(buf[4:], s.hi)
	binary.BigEndian.PutUint64(buf[12:], s.lo)
	if err := p.UnmarshalBinary(buf[:]); err != nil {
		panic(err) // the encoding is AppendBinary's own
	}
}

// u128 is a PCG state, an integer modulo 2^128.
type u128 struct{ hi, lo uint64 }

// pcgMul and pcgInc are math/rand/v2's PCG multiplier and increment: a
// step is state·pcgMul + pcgInc modulo 2^128.
var (
	pcgMul = u128{2549297995355413924, 4865540595714422341}
	pcgInc = u128{6364136223846793005, 1442695040888963407}
)

// step returns s·m + c modulo 2^128.
func (s u128) step(m, c u128) u128 {
	hi, lo := bits.Mul64(s.lo, m.lo)
	hi += s.hi*m.lo + s.lo*m.hi
	lo, carry := bits.Add64(lo, c.lo, 0)
	hi, _ = bits.Add64(hi, c.hi, carry)
	return u128{hi, lo}
}

// jump4 returns the multiplier and increment of four steps at once.
func jump4() (m, c u128) {
	m, c = pcgMul, pcgInc
	for range 3 { // (m, c) after one more step: pcgMul·m, pcgMul·c + pcgInc
		m, c = m.step(pcgMul, u128{}), c.step(pcgMul, pcgInc)
	}
	return m, c
}

// float64 is rand.Rand's Float64 of PCG's output at state s (its DXSM
// permutation): the low 53 bits over 2^53.
func (s u128) float64() float64 {
	const cheapMul = 0xda942042e4dd58b5
	hi := s.hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= s.lo | 1
	return float64(int64(hi<<11>>11)) * 0x1p-53
}
