// Command gen writes the assembly of package vexp with avo: Go's math.Exp
// (its amd64 assembly, on a CPU with FMA) 4 lanes at once, each lane with
// that code's operations in its order — the same multiplications,
// additions and fused multiply-adds, each correctly rounded — so that
// every lane has math.Exp's bits. It takes inputs in [−700, 700] only:
// the caller computes the others with math.Exp itself, whose special cases
// (overflow, subnormal results, infinities, NaN) the kernel leaves out.
//
//	cd clustering/internal/vexp/gen && GOWORK=off go run . -pkg vexp -out ../exp_amd64.s -stubs ../exp_amd64.go
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
	Generate()
}
