// Command gen writes the assembly of package vexp with avo: Go's math.Exp
// (its amd64 assembly, on a CPU with FMA) 4 lanes at once, each lane with
// that code's operations in its order — the same multiplications,
// additions and fused multiply-adds, each correctly rounded — so that
// every lane has math.Exp's bits. It takes inputs in [−700, 700] only:
// the caller computes the others with math.Exp itself, whose special cases
// (overflow, subnormal results, infinities, NaN) the kernel leaves out.
//
//	cd clustering/internal/vexp/gen && GOWORK=off go run . -pkg vexp -out ../vexp_amd64.s -stubs ../vexp_amd64.go
//
// It is a module of its own so that avo stays out of the model's
// dependencies.
package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The constants of math's exp_amd64.s.
const (
	log2e = 1.4426950408889634073599246810018920
	ln2U  = 0.69314718055966295651160180568695068359375
	ln2L  = 0.28235290563031577122588448175013436025525412068e-12
)

func main() {
	ConstraintExpr("!purego")
	expKernel()
	logKernel()
	Generate()
}

// expKernel writes expAVX2.
func expKernel() {
	TEXT("expAVX2", NOSPLIT, "func(dst, src *float64, n int)")
	Pragma("noescape")
	Doc("expAVX2 sets dst[i] = math.Exp(src[i]) for i < n, n a multiple of 4,",
		"every src[i] in [−700, 700].")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())

	// Constants by their bits (the assembler would read a float written
	// without a point, such as 1, as an integer).
	k := func(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }
	b := func(m Mem) VecVirtual {
		y := YMM()
		VBROADCASTSD(m, y)
		return y
	}
	cLog2e, cLn2U, cLn2L := k("log2e", log2e), k("ln2U", ln2U), k("ln2L", ln2L)
	cSixteenth, cTwo, cOne, cHalf := k("sixteenth", 0.0625), k("two", 2), k("one", 1), k("half", 0.5)
	taylor := []Mem{ // 1/8! down to 1/3!
		k("t8", 2.4801587301587301587e-5), k("t7", 1.9841269841269841270e-4), k("t6", 1.3888888888888888889e-3),
		k("t5", 8.3333333333333333333e-3), k("t4", 4.1666666666666666667e-2), k("t3", 1.6666666666666666667e-1),
	}
	bias := ConstData("bias", U32(0x3FF))

	i := GP64()
	XORQ(i, i)
	Label("loop")
	CMPQ(i, n)
	JGE(LabelRef("done"))
	x := YMM()
	VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)
	// e = int32(round(log2e·x)); xe = float64(e)
	t := YMM()
	VMULPD(x, b(cLog2e), t) // LOG2E·x, as MULSD X0, X1
	e := XMM()
	VCVTPD2DQY(t, e)
	xe := YMM()
	VCVTDQ2PD(e, xe)
	// r = (x − xe·ln2U − xe·ln2L)·0.0625, each step fused
	r := YMM()
	VMOVAPD(x, r)
	VFNMADD231PD(b(cLn2U), xe, r)
	VFNMADD231PD(b(cLn2L), xe, r)
	VMULPD(b(cSixteenth), r, r)
	// p = ((((((t8·r + t7)·r + t6)·r + t5)·r + t4)·r + t3)·r + ½)·r + 1
	p := b(taylor[0])
	for _, c := range append(taylor[1:], cHalf, cOne) {
		VFMADD213PD(b(c), r, p)
	}
	VMULPD(p, r, r)
	two := b(cTwo)
	for j := 0; j < 3; j++ { // r = r·(r + 2), three times
		VADDPD(two, r, p)
		VMULPD(p, r, r)
	}
	VADDPD(two, r, p)
	VFMADD213PD(b(cOne), p, r) // r = (r + 2)·r + 1
	// r·2^e: (e + 1023) << 52
	bv := XMM()
	VPBROADCASTD(bias, bv)
	VPADDD(bv, e, e)
	s := YMM()
	VPMOVZXDQ(e, s)
	VPSLLQ(U8(52), s, s)
	VMULPD(s, r, r)
	VMOVUPD(r, Mem{Base: dst, Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef("loop"))

	Label("done")
	VZEROUPPER()
	RET()
}

// logKernel writes logAVX2: math's log_amd64.s (multiplications,
// additions, one division; no fused operation) for positive finite
// inputs, subnormals included (that code takes their exponent field as
// it is, and so does the kernel).
func logKernel() {
	TEXT("logAVX2", NOSPLIT, "func(dst, src *float64, n int)")
	Pragma("noescape")
	Doc("logAVX2 sets dst[i] = math.Log(src[i]) for i < n, n a multiple of 4,",
		"every src[i] positive and finite.")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	k := func(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }
	b := func(m Mem) VecVirtual {
		y := YMM()
		VBROADCASTSD(m, y)
		return y
	}
	cMant := ConstData("mantissa", U64(0x000FFFFFFFFFFFFF))
	cExpMask := ConstData("expfield", U64(0x7FF))
	cTwo52 := k("two52", 0x1p52)
	cHalfL, cOneL, cTwoL := k("halfL", 0.5), k("oneL", 1), k("twoL", 2)
	cBiasL := k("biasL", 0x3FE)
	cHSqrt2 := k("hsqrt2", 7.07106781186547524401e-01)
	cLn2Hi, cLn2Lo := k("ln2HiL", 6.93147180369123816490e-01), k("ln2LoL", 1.90821492927058770002e-10)
	l := map[int]Mem{
		1: k("l1", 6.666666666666735130e-01), 2: k("l2", 3.999999999940941908e-01), 3: k("l3", 2.857142874366239149e-01),
		4: k("l4", 2.222219843214978396e-01), 5: k("l5", 1.818357216161805012e-01), 6: k("l6", 1.531383769920937332e-01),
		7: k("l7", 1.479819860511658591e-01)}

	i := GP64()
	XORQ(i, i)
	Label("logloop")
	CMPQ(i, n)
	JGE(LabelRef("logdone"))
	x := YMM()
	VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)
	// f1 = mantissa of x with the exponent of 0.5; kk = exponent field − 0x3FE
	f1 := YMM()
	VANDPD(b(cMant), x, f1)
	half := b(cHalfL)
	VORPD(half, f1, f1)
	kk := YMM()
	VPSRLQ(U8(52), x, kk)
	VANDPD(b(cExpMask), kk, kk)
	two52 := b(cTwo52)
	VORPD(two52, kk, kk) // 2^52 + field, exactly
	VSUBPD(two52, kk, kk)
	VSUBPD(b(cBiasL), kk, kk)
	// if !(√2/2 < f1) { k −= 1; f1 *= 2 }
	mask, one := YMM(), b(cOneL)
	VCMPPD(U8(5), f1, b(cHSqrt2), mask) // NLT: not (√2/2 < f1)
	VANDPD(one, mask, mask)             // 1 or 0
	VSUBPD(mask, kk, kk)
	VADDPD(one, mask, mask) // 2 or 1
	VMULPD(mask, f1, f1)
	f := f1
	VSUBPD(one, f, f)
	// s = f/(2 + f); s2 = s·s; s4 = s2·s2
	t, s := YMM(), YMM()
	VADDPD(f, b(cTwoL), t)
	VDIVPD(t, f, s)
	s2, s4 := YMM(), YMM()
	VMULPD(s, s, s2)
	VMULPD(s2, s2, s4)
	// t1 = s2·(L1 + s4·(L3 + s4·(L5 + s4·L7))), each step rounded
	p := b(l[7])
	VMULPD(s4, p, p)
	for _, c := range []int{5, 3} {
		VADDPD(b(l[c]), p, p)
		VMULPD(s4, p, p)
	}
	VADDPD(b(l[1]), p, p)
	VMULPD(p, s2, s2) // t1
	// t2 = s4·(L2 + s4·(L4 + s4·L6))
	q := b(l[6])
	VMULPD(s4, q, q)
	VADDPD(b(l[4]), q, q)
	VMULPD(s4, q, q)
	VADDPD(b(l[2]), q, q)
	VMULPD(q, s4, s4)  // t2
	VADDPD(s4, s2, s2) // R = t1 + t2
	// hfsq = 0.5·f·f
	h := YMM()
	VMULPD(f, half, h)
	VMULPD(f, h, h)
	// k·Ln2Hi − ((hfsq − (s·(hfsq + R) + k·Ln2Lo)) − f)
	VADDPD(h, s2, s2)
	VMULPD(s2, s, s)
	lo := YMM()
	VMULPD(kk, b(cLn2Lo), lo)
	VADDPD(lo, s, s)
	VSUBPD(s, h, h)
	VSUBPD(f, h, h)
	VMULPD(b(cLn2Hi), kk, kk)
	VSUBPD(h, kk, kk)
	VMOVUPD(kk, Mem{Base: dst, Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef("logloop"))
	Label("logdone")
	VZEROUPPER()
	RET()
}
