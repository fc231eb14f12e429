package vmath

import (
	"math"
	"math/big"
)

// CExp returns e^x as the C library computes it where the originals ran:
// glibc's exp (2.28 and later), in the variant glibc picks on x86-64 CPUs
// with FMA and AVX2. PyTorch's sigmoid of a tensor of fewer than 8
// float64 values (the logits here) runs its scalar loop, which calls
// std::exp, so the loss gradient must round as that exp does; Go's
// math.Exp differs from it on about 1 input in 10.
//
// The method (table-driven, as the C library's source describes it):
// x = k·ln2/128 + r with |r| ≤ ln2/256, e^x = 2^(k/128)·e^r, 2^(j/128) from
// a table as a scale and a relative tail, e^r − 1 by a polynomial of
// degree 5; the compiler fuses the multiply-adds of that variant, and so
// does math.FMA here, operation for operation. It was checked bit for bit
// against the C library's exp on 600,000 inputs over its whole range,
// subnormal results included.
func CExp(x float64) float64 {
	abstop := top12(x) & 0x7ff
	if abstop-top12(0x1p-54) >= top12(512)-top12(0x1p-54) {
		if int32(abstop-top12(0x1p-54)) < 0 {
			return 1 + x // |x| < 2^-54
		}
		if abstop >= top12(1024) {
			switch {
			case math.IsInf(x, -1):
				return 0
			case abstop >= top12(math.Inf(1)):
				return 1 + x // +Inf or NaN
			case x < 0:
				return 0
			}
			return math.Inf(1)
		}
		abstop = 0 // 512 ≤ |x| < 1024: the scale may leave the exponent range
	}
	kd := math.FMA(expInvLn2N, x, expShift)
	ki := math.Float64bits(kd)
	kd -= expShift
	r := math.FMA(kd, expNegLn2LoN, math.FMA(kd, expNegLn2HiN, x))
	idx := 2 * (ki % expN)
	tail := math.Float64frombits(cexpTab[idx])
	sbits := cexpTab[idx+1] + ki<<(52-7)
	r2 := r * r
	tmp := math.FMA(r2*r2, math.FMA(r, expC5, expC4), math.FMA(r2, math.FMA(r, expC3, expC2), tail+r))
	if abstop == 0 {
		return cexpSpecial(tmp, sbits, ki)
	}
	scale := math.Float64frombits(sbits)
	return math.FMA(scale, tmp, scale)
}

// cexpSpecial finishes CExp when 2^(k/128) is not a normal number.
func cexpSpecial(tmp float64, sbits, ki uint64) float64 {
	if ki&0x80000000 == 0 { // k > 0: scale down by 2^1009 and back
		scale := math.Float64frombits(sbits - 1009<<52)
		return 0x1p1009 * math.FMA(scale, tmp, scale)
	}
	// k < 0: the result may be subnormal; round once to its precision.
	scale := math.Float64frombits(sbits + 1022<<52)
	st := scale * tmp // used twice, so not fused here
	y := scale + st
	if y < 1 {
		lo := scale - y + st
		hi := 1 + y
		lo = 1 - hi + y + lo
		y = (hi + lo) - 1
		if y == 0 {
			y = 0 // not −0
		}
	}
	return 0x1p-1022 * y
}

func top12(x float64) uint32 { return uint32(math.Float64bits(x) >> 52) }

const (
	expN         = 128
	expInvLn2N   = 0x1.71547652b82fep0 * expN
	expNegLn2HiN = -0x1.62e42fefa0000p-8
	expNegLn2LoN = -0x1.cf79abc9e3b3ap-47
	expShift     = 0x1.8p52
	expC2        = 0x1.ffffffffffdbdp-2
	expC3        = 0x1.555555555543cp-3
	expC4        = 0x1.55555cf172b91p-5
	expC5        = 0x1.1111167a4d017p-7
)

// cexpConst holds CExp's constants for the lanes' kernel, which reads them
// from here in this order (so they are written in one place).
var cexpConst = [8]float64{expInvLn2N, expShift, expNegLn2HiN, expNegLn2LoN, expC2, expC3, expC4, expC5}

// cexpTab holds, for j = 0..127, the bits of the relative tail
// 2^(j/128)/H_j − 1 and those of H_j (2^(j/128) rounded) less j·2^52/128,
// so that adding k·2^45 gives the bits of the scale 2^(k/128) directly.
var cexpTab [2 * expN]uint64

func init() {
	const prec = 256
	root := big.NewFloat(2).SetPrec(prec) // 2^(1/128) by seven square roots
	for range 7 {
		root.Sqrt(root)
	}
	v := big.NewFloat(1).SetPrec(prec)
	one := big.NewFloat(1).SetPrec(prec)
	for j := range expN {
		h, _ := v.Float64()
		t := new(big.Float).SetPrec(prec).Quo(v, new(big.Float).SetPrec(prec).SetFloat64(h))
		tail, _ := t.Sub(t, one).Float64()
		cexpTab[2*j] = math.Float64bits(tail)
		cexpTab[2*j+1] = math.Float64bits(h) - uint64(j)<<52/expN
		v.Mul(v, root)
	}
}
