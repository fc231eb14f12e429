package emit

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Masked emits a function of 8 lanes (zmm) on blocks of registers, their
// chains interleaved instruction by instruction: the results in new
// registers, the inputs unchanged; keep, if not nil, holds a mask register
// (k) for each block, and a lane outside it is +0 in the result.
type Masked func(keep []Op, x ...VecVirtual) []VecVirtual

// NewExp512 returns NewExp's emitter on 8 lanes with AVX-512, each lane
// with the bits of NewExp's lane (so of math.Exp) for every input in
// [−700, 700]; it declares the constants it reads, so a generator calls it
// once. Two of NewExp's steps are exact operations that AVX-512 does in
// fewer: the rounding of t = log2e·x to an integer, ties to even, which
// NewExp takes as t + 1.5·2^52 − 1.5·2^52, is VRNDSCALEPD's rounding
// (imm 0: to nearest, ties to even) of the same t, the same integer xe
// (both exact for |t| < 2^51; |t| ≤ 1010 here), but for its sign when
// xe is 0: VRNDSCALEPD keeps t's sign and gives −0 for t in (−½, −0],
// which only the reduction below reads, as r = x/16 − xe·(ln2U/16) −
// xe·(ln2L/16): with −0 for +0 its r differs from NewExp's only where
// x/16 rounds to −0 (x = −0, or a negative x of magnitude at most
// 2^−1071, whose NewExp r is x/16 rounded, −0), +0 against −0, and that
// r (±0) gives the polynomial 1 either way, whose products keep its sign
// up to the last step, (r + 2)·r + 1 = 1. The scaling by 2^xe,
// r·2^e with 2^e built from the rounding's bits in NewExp, is VSCALEFPD
// of r by xe, r·2^floor(xe) = r·2^xe, exact as the product is: r is in
// [½, 2) and xe in [−1010, 1010], so the result is normal, never rounded
// (VSCALEFPD rounds only a subnormal or overflowing result). Every other
// step is NewExp's operation on the same values, a constant broadcast
// from memory instead of from a register, but for the reduction, which
// NewExp computes as r = (x − xe·ln2U − xe·ln2L)·(1/16), its scaling by
// 1/16 the last step on the chain: here x/16 is taken beside t, and
// r = x/16 − xe·(ln2U/16) − xe·(ln2L/16) in the same two fused steps,
// one product shorter and the same value: a scaling by a power of two
// commutes with rounding wherever nothing underflows, and nothing does
// where xe is not 0 (|x| ≥ ln2/2, each step's value at least ≈ 2^−60),
// and where xe is ±0 both forms compute the one rounding of x/16 (the
// steps subtract ±0), which is all that NewExp's scaling rounds too, for
// a subnormal x/16.
func NewExp512() Masked {
	cLog2e, cLn2U16, cLn2L16 := Const("log2eZ", log2e), Const("ln2U16Z", ln2U/16), Const("ln2L16Z", ln2L/16)
	cSixteenth, cTwo, cOne, cHalf := Const("sixteenthZ", 0.0625), Const("twoZ", 2), Const("oneZ", 1), Const("halfZ", 0.5)
	taylor := taylorConsts("Z") // 1/8! down to 1/3!

	return func(keep []Op, x ...VecVirtual) []VecVirtual {
		n := len(x)
		each := func(f func(i int)) {
			for i := range n {
				f(i)
			}
		}
		t, r, p := Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM)
		each(func(i int) { VMULPD_BCST(cLog2e, x[i], t[i]) })     // LOG2E·x
		each(func(i int) { VMULPD_BCST(cSixteenth, x[i], r[i]) }) // x/16, beside t
		each(func(i int) { VRNDSCALEPD(U8(0), t[i], t[i]) })      // xe: to nearest, ties to even
		// r = x/16 − xe·(ln2U/16) − xe·(ln2L/16), each step fused
		each(func(i int) { VFNMADD231PD_BCST(cLn2U16, t[i], r[i]) })
		each(func(i int) { VFNMADD231PD_BCST(cLn2L16, t[i], r[i]) })
		// p = ((((((t8·r + t7)·r + t6)·r + t5)·r + t4)·r + t3)·r + ½)·r + 1
		each(func(i int) { VBROADCASTSD(taylor[0], p[i]) })
		for _, m := range append(taylor[1:], cHalf, cOne) {
			each(func(i int) { VFMADD213PD_BCST(m, r[i], p[i]) })
		}
		each(func(i int) { VMULPD(p[i], r[i], r[i]) })
		for j := 0; j < 3; j++ { // r = r·(r + 2), three times
			each(func(i int) { VADDPD_BCST(cTwo, r[i], p[i]) })
			each(func(i int) { VMULPD(p[i], r[i], r[i]) })
		}
		each(func(i int) { VADDPD_BCST(cTwo, r[i], p[i]) })
		each(func(i int) { VFMADD213PD_BCST(cOne, p[i], r[i]) }) // r = (r + 2)·r + 1
		// r·2^xe, +0 outside keep
		each(func(i int) {
			if keep != nil && keep[i] != nil {
				VSCALEFPD_Z(t[i], r[i], keep[i], r[i])
			} else {
				VSCALEFPD(t[i], r[i], r[i])
			}
		})
		return r
	}
}

// NewLog512 returns NewLog's emitter on 8 lanes with AVX-512, each lane
// with the bits of NewLog's lane (so of math.Log) for every positive
// finite input, subnormals included; it declares the constants it reads,
// so a generator calls it once. NewLog's reduction is exact bit work:
// f1 = x's mantissa field with 0.5's exponent (for a subnormal too, as
// math.Log takes it), k = x's exponent field − 0x3FE, and where
// f1 ≤ √2/2, f1·2 and k − 1. Here both candidates of the reduced value
// are built from x's bits at once, each by one VPTERNLOGQ (the mantissa
// field under 0.5's exponent, f1, and under 1's, which is f1·2 exactly),
// and a mask blend picks one from the comparison f1 ≤ √2/2 (NewLog's NLT,
// the same lanes: f1 is never NaN); f = that − 1 is NewLog's subtraction
// on the same value. k is the same integer, computed in integers and
// converted, exactly, to the same double (+0 when it is 0, as NewLog's
// subtractions give it). So the chain from x to f is a ternary logic, a
// blend and a subtraction, where NewLog's is an and, an or, a comparison,
// an and, an addition, a product and a subtraction; every step after f is
// NewLog's operation on the same values.
func NewLog512() func(x ...VecVirtual) []VecVirtual {
	cMant := ConstData("mantissaZ", U64(0x000FFFFFFFFFFFFF))
	cHalfBits, cOneBits := ConstData("halfBitsZ", U64(0x3FE0000000000000)), ConstData("oneBitsZ", U64(0x3FF0000000000000))
	cExpMask := ConstData("expfieldZ", U64(0x7FF))
	cBias, cOneInt := ConstData("biasZ", U64(0x3FE)), ConstData("oneIntZ", U64(1))
	cHalfL, cOneL, cTwoL := Const("halfLZ", 0.5), Const("oneLZ", 1), Const("twoLZ", 2)
	cHSqrt2 := Const("hsqrt2Z", hSqrt2)
	cLn2Hi, cLn2Lo := Const("ln2HiLZ", ln2Hi), Const("ln2LoLZ", ln2Lo)
	l := logConsts("Z")

	return func(x ...VecVirtual) []VecVirtual {
		n := len(x)
		each := func(f func(i int)) {
			for i := range n {
				f(i)
			}
		}
		a, b, kk, s, s2, s4, p, h := Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM), Regs(n, ZMM)
		dbl := make([]Register, n)
		for i := range dbl {
			dbl[i] = K()
		}
		// a = (x & mantissa) | 0.5's bits, b = (x & mantissa) | 1's bits:
		// VPTERNLOGQ 0xF8 is A | (B & C), A the destination (the exponent's
		// bits), B x and C the mantissa's mask.
		each(func(i int) { VBROADCASTSD(cHalfBits, a[i]) })
		each(func(i int) { VBROADCASTSD(cOneBits, b[i]) })
		each(func(i int) { VPTERNLOGQ_BCST(U8(0xF8), cMant, x[i], a[i]) })
		each(func(i int) { VPTERNLOGQ_BCST(U8(0xF8), cMant, x[i], b[i]) })
		each(func(i int) { VCMPPD_BCST(U8(0x12), cHSqrt2, a[i], dbl[i]) }) // f1 ≤ √2/2 (LE_OQ)
		each(func(i int) { VBLENDMPD(b[i], a[i], dbl[i], a[i]) })          // f1·2 there
		f := a
		each(func(i int) { VSUBPD_BCST(cOneL, f[i], f[i]) })
		// k = field − 0x3FE − (1 where f1 was doubled), in integers
		each(func(i int) { VPSRLQ(U8(52), x[i], kk[i]) })
		each(func(i int) { VPANDQ_BCST(cExpMask, kk[i], kk[i]) })
		each(func(i int) { VPSUBQ_BCST(cBias, kk[i], kk[i]) })
		each(func(i int) { VPSUBQ_BCST(cOneInt, kk[i], dbl[i], kk[i]) })
		each(func(i int) { VCVTQQ2PD(kk[i], kk[i]) })
		// s = f/(2 + f); s2 = s·s; s4 = s2·s2
		t := b
		each(func(i int) { VADDPD_BCST(cTwoL, f[i], t[i]) })
		each(func(i int) { VDIVPD(t[i], f[i], s[i]) })
		each(func(i int) { VMULPD(s[i], s[i], s2[i]) })
		each(func(i int) { VMULPD(s2[i], s2[i], s4[i]) })
		// t1 = s2·(L1 + s4·(L3 + s4·(L5 + s4·L7))), each step rounded
		each(func(i int) { VMULPD_BCST(l[7], s4[i], p[i]) })
		for _, m := range []int{5, 3} {
			each(func(i int) { VADDPD_BCST(l[m], p[i], p[i]) })
			each(func(i int) { VMULPD(s4[i], p[i], p[i]) })
		}
		each(func(i int) { VADDPD_BCST(l[1], p[i], p[i]) })
		each(func(i int) { VMULPD(p[i], s2[i], s2[i]) }) // t1
		// t2 = s4·(L2 + s4·(L4 + s4·L6))
		q := p
		each(func(i int) { VMULPD_BCST(l[6], s4[i], q[i]) })
		each(func(i int) { VADDPD_BCST(l[4], q[i], q[i]) })
		each(func(i int) { VMULPD(s4[i], q[i], q[i]) })
		each(func(i int) { VADDPD_BCST(l[2], q[i], q[i]) })
		each(func(i int) { VMULPD(q[i], s4[i], s4[i]) })  // t2
		each(func(i int) { VADDPD(s4[i], s2[i], s2[i]) }) // R = t1 + t2
		// hfsq = 0.5·f·f
		each(func(i int) { VMULPD_BCST(cHalfL, f[i], h[i]) })
		each(func(i int) { VMULPD(f[i], h[i], h[i]) })
		// k·Ln2Hi − ((hfsq − (s·(hfsq + R) + k·Ln2Lo)) − f)
		each(func(i int) { VADDPD(h[i], s2[i], s2[i]) })
		each(func(i int) { VMULPD(s2[i], s[i], s[i]) })
		lo := s4
		each(func(i int) { VMULPD_BCST(cLn2Lo, kk[i], lo[i]) })
		each(func(i int) { VADDPD(lo[i], s[i], s[i]) })
		each(func(i int) { VSUBPD(s[i], h[i], h[i]) })
		each(func(i int) { VSUBPD(f[i], h[i], h[i]) })
		each(func(i int) { VMULPD_BCST(cLn2Hi, kk[i], kk[i]) })
		each(func(i int) { VSUBPD(h[i], kk[i], kk[i]) })
		return kk
	}
}

// NewChecked512 returns an emitter of exp (NewExp512's) that first clears,
// in the mask register acc, the lanes whose argument is outside
// [−700, 700] or NaN (|u| ≤ 700 is false for a NaN and true exactly for
// the u of −700 ≤ u ≤ 700), as NewChecked does.
func NewChecked512(exp Masked) func(acc Register, keep []Op, u []VecVirtual) []VecVirtual {
	abs, hi := ConstData("absZ", U64(0x7FFFFFFFFFFFFFFF)), Const("hi700Z", 700)
	return func(acc Register, keep []Op, u []VecVirtual) []VecVirtual {
		for _, v := range u {
			m := ZMM()
			VANDPD_BCST(abs, v, m)
			VCMPPD_BCST(U8(0x12), hi, m, acc, acc) // |u| ≤ 700 (LE_OQ), and acc
		}
		return exp(keep, u...)
	}
}
