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
	exp, log := newExp(), newLog()
	loop("expAVX2", "func(dst, src *float64, n int)", []string{
		"expAVX2 sets dst[i] = math.Exp(src[i]) for i < n, n a multiple of 4,",
		"every src[i] in [−700, 700]."}, nil, exp)
	loop("logAVX2", "func(dst, src *float64, n int)", []string{
		"logAVX2 sets dst[i] = math.Log(src[i]) for i < n, n a multiple of 4,",
		"every src[i] positive and finite."}, nil, log)
	fusedKernels(exp, log)
	Generate()
}

// k is a constant by its bits (the assembler would read a float written
// without a point, such as 1, as an integer).
func k(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }

// b broadcasts a constant to a new register.
func b(m Mem) VecVirtual {
	y := YMM()
	VBROADCASTSD(m, y)
	return y
}

// loop writes a kernel name of signature sig (dst, src, ..., n) applying
// f to 4 lanes of src at a time and storing its result in dst; setup, if
// not nil, runs once before the loop.
func loop(name, sig string, doc []string, setup func(), f func(x VecVirtual) VecVirtual) {
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(doc...)
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	if setup != nil {
		setup()
	}
	i := GP64()
	XORQ(i, i)
	Label(name + "loop")
	CMPQ(i, n)
	JGE(LabelRef(name + "done"))
	x := YMM()
	VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)
	VMOVUPD(f(x), Mem{Base: dst, Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// newExp returns the emitter of Go's math.Exp (math's exp_amd64.s, its
// FMA path) on 4 lanes: the result in a new register, x unchanged.
func newExp() func(x VecVirtual) VecVirtual {
	cLog2e, cLn2U, cLn2L := k("log2e", log2e), k("ln2U", ln2U), k("ln2L", ln2L)
	cSixteenth, cTwo, cOne, cHalf := k("sixteenth", 0.0625), k("two", 2), k("one", 1), k("half", 0.5)
	taylor := []Mem{ // 1/8! down to 1/3!
		k("t8", 2.4801587301587301587e-5), k("t7", 1.9841269841269841270e-4), k("t6", 1.3888888888888888889e-3),
		k("t5", 8.3333333333333333333e-3), k("t4", 4.1666666666666666667e-2), k("t3", 1.6666666666666666667e-1),
	}
	bias := ConstData("bias", U32(0x3FF))

	return func(x VecVirtual) VecVirtual {
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
		return r
	}
}

// newLog returns the emitter of Go's math.Log (math's log_amd64.s:
// multiplications, additions, one division; no fused operation) on 4
// lanes of positive finite inputs, subnormals included (that code takes
// their exponent field as it is, and so does the kernel).
func newLog() func(x VecVirtual) VecVirtual {
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

	return func(x VecVirtual) VecVirtual {
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
		return kk
	}
}

// fusedKernels writes the kernels of the clustering layers' element-wise
// steps around their exponentials, each lane with the scalar code's
// operations in its order (divisions and square roots are correctly
// rounded in lanes as in scalars). Those with an exponential report
// whether every argument of it was in [−700, 700]; if not, the caller
// computes them all again in scalars.
func fusedKernels(exp, log func(x VecVirtual) VecVirtual) {
	lo, hi := k("lo700", -700), k("hi700", 700)
	sign := ConstData("signbit", U64(1<<63))
	// checked emits the range check of u into the mask acc, then exp(u).
	checked := func(acc, u VecVirtual) VecVirtual {
		m := YMM()
		VCMPPD(U8(0x1D), b(lo), u, m) // u ≥ −700, false for a NaN
		VANDPD(m, acc, acc)
		VCMPPD(U8(0x12), b(hi), u, m) // u ≤ 700
		VANDPD(m, acc, acc)
		return exp(u)
	}

	lanes("softmaxEquivAVX2", "func(e, v *float64, beta float64, n int) bool", []string{
		"softmaxEquivAVX2 sets e[i] = math.Exp(v[i]/(v[i]/(beta·math.Log(v[i])))) for",
		"i < n, n a multiple of 4, every v[i] positive and finite; it reports",
		"whether every argument of the exponential was in [−700, 700]."},
		[]string{"e", "v"}, "beta", func(p []Register, s VecVirtual, i GPVirtual, acc VecVirtual) {
			x := YMM()
			VMOVUPD(Mem{Base: p[1], Index: i, Scale: 8}, x)
			w := log(x)
			VMULPD(w, s, w) // β·ln v
			t := YMM()
			VDIVPD(w, x, t) // v/w
			VDIVPD(t, x, t) // v/t
			VMOVUPD(checked(acc, t), Mem{Base: p[0], Index: i, Scale: 8})
		})
	lanes("softmaxTempAVX2", "func(e, v *float64, temp float64, n int) bool", []string{
		"softmaxTempAVX2 sets e[i] = math.Exp(v[i]/temp) for i < n, n a multiple",
		"of 4; it reports whether every argument of the exponential was in",
		"[−700, 700]."},
		[]string{"e", "v"}, "temp", func(p []Register, s VecVirtual, i GPVirtual, acc VecVirtual) {
			u := YMM()
			VMOVUPD(Mem{Base: p[1], Index: i, Scale: 8}, u)
			VDIVPD(s, u, u)
			VMOVUPD(checked(acc, u), Mem{Base: p[0], Index: i, Scale: 8})
		})
	lanes("expNegSqrtAVX2", "func(e, r, v *float64, c float64, n int) bool", []string{
		"expNegSqrtAVX2 sets r[i] = √v[i] and e[i] = math.Exp(−(r[i]·c)) for i < n,",
		"n a multiple of 4; it reports whether every argument of the exponential",
		"was in [−700, 700]."},
		[]string{"e", "r", "v"}, "c", func(p []Register, s VecVirtual, i GPVirtual, acc VecVirtual) {
			r := YMM()
			VSQRTPD(Mem{Base: p[2], Index: i, Scale: 8}, r)
			VMOVUPD(r, Mem{Base: p[1], Index: i, Scale: 8})
			VMULPD(s, r, r)
			VXORPD(b(sign), r, r) // −(r·c)
			VMOVUPD(checked(acc, r), Mem{Base: p[0], Index: i, Scale: 8})
		})
	lanes("divAVX2", "func(dst, src *float64, s float64, n int) bool", []string{
		"divAVX2 sets dst[i] = src[i]/s for i < n, n a multiple of 4; it reports",
		"true."},
		[]string{"dst", "src"}, "s", func(p []Register, s VecVirtual, i GPVirtual, acc VecVirtual) {
			u := YMM()
			VMOVUPD(Mem{Base: p[1], Index: i, Scale: 8}, u)
			VDIVPD(s, u, u)
			VMOVUPD(u, Mem{Base: p[0], Index: i, Scale: 8})
		})
}

// lanes writes a kernel over pointers ptrs, a scalar broadcast to every
// lane, and n: body runs for lanes i to i+3, and the kernel returns
// whether every lane of acc stayed set (acc starts all ones).
func lanes(name, sig string, doc, ptrs []string, scalar string, body func(p []Register, s VecVirtual, i GPVirtual, acc VecVirtual)) {
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(doc...)
	var p []Register
	for _, name := range ptrs {
		p = append(p, Load(Param(name), GP64()))
	}
	s := YMM()
	VBROADCASTSD(NewParamAddr(scalar, 8*len(ptrs)), s)
	n := Load(Param("n"), GP64())
	acc := YMM()
	VPCMPEQQ(acc, acc, acc)
	i := GP64()
	XORQ(i, i)
	Label(name + "loop")
	CMPQ(i, n)
	JGE(LabelRef(name + "done"))
	body(p, s, i, acc)
	ADDQ(U8(4), i)
	JMP(LabelRef(name + "loop"))
	Label(name + "done")
	m := GP32()
	VMOVMSKPD(acc, m)
	CMPL(m, U8(15))
	ok := GP8()
	SETEQ(ok)
	VZEROUPPER()
	Store(ok, ReturnIndex(0))
	RET()
}
