// Command gen writes the assembly of fmath's vector exponential with avo:
// Exp of 4 lanes at once (AVX2 with FMA), each lane computed with the
// scalar Exp's operations in its order — the same multiplications,
// additions and fused multiply-adds, each correctly rounded — so that
// every lane has the scalar port's bits.
//
//	cd distrlearner/internal/fmath/gen && GOWORK=off go run . -pkg fmath -out ../exp_amd64.s -stubs ../exp_amd64.go
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

// The scalar Exp's constants (exp.go), as the compiler rounds them.
const (
	ln2Hi = .69314718055966295651160180568695068359375
	ln2Lo = .28235290563031577122588448175013436025525412068e-12
	invL2 = 1.442695040888963407359924681001892137426645954152985934135449406931
	magic = 0x1.8p52 // adding it rounds to an integer (ties to even)
	over  = 709.78271114955742909217217426
	under = -1000
)

func main() {
	ConstraintExpr("!purego")
	TEXT("expAVX2", NOSPLIT, "func(dst, src *float64, n int)")
	Pragma("noescape")
	Doc("expAVX2 sets dst[i] = Exp(src[i]) for i < n, n a multiple of 4.")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())

	// Constants by their bits (the assembler would read a float written
	// without a point, such as 1, as an integer).
	k := func(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }
	cInvL2 := k("invL2", invL2)
	cMagic := k("magic", magic)
	cBias := k("magicBias", magic+1023) // magic + 1023: its low bits hold 1023 + an integer added to it
	cNegHi := k("negLn2Hi", -ln2Hi)
	cNegLo := k("negLn2Lo", -ln2Lo)
	cHalf := k("half", 0.5)
	cOne := k("one", 1)
	cOver := k("over", over)
	cUnder := k("under", under)
	cInf := ConstData("inf", U64(0x7ff0000000000000))
	// The polynomial's coefficients, c[0] the constant term of P.
	coef := []float64{
		1.666666666666669072e-1, 4.166666666666602598e-2, 8.333333333314938210e-3, 1.388888888914497797e-3,
		1.984126989855865850e-4, 2.480158687479686264e-5, 2.755723402025388239e-6, 2.755762628169491192e-7,
		2.511210703042288022e-8, 2.081276378237164457e-9,
	}
	var c []Mem
	for i, v := range coef {
		c = append(c, k("c"+string(rune('0'+i)), v))
	}
	b := func(m Mem) VecVirtual { // a broadcast constant
		y := YMM()
		VBROADCASTSD(m, y)
		return y
	}
	// fma returns a fresh register holding a·b + addend (math.FMA(a, b, addend)).
	fma := func(a, bb, addend VecVirtual) VecVirtual {
		r := YMM()
		VMOVAPD(addend, r)
		VFMADD231PD(bb, a, r)
		return r
	}

	i := GP64()
	XORQ(i, i)
	Label("loop")
	CMPQ(i, n)
	JGE(LabelRef("done"))
	x := YMM()
	VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)

	// qf = (x·invL2 + magic) − magic
	qf := YMM()
	VMULPD(b(cInvL2), x, qf)
	m := b(cMagic)
	VADDPD(m, qf, qf)
	VSUBPD(m, qf, qf)
	// s = fma(qf, −ln2Lo, fma(qf, −ln2Hi, x))
	s := fma(qf, b(cNegHi), x)
	s = fma(qf, b(cNegLo), s)
	s2, s4, s8 := YMM(), YMM(), YMM()
	VMULPD(s, s, s2)
	VMULPD(s2, s2, s4)
	VMULPD(s4, s4, s8)
	hi := fma(s2, fma(s, b(c[7]), b(c[6])), fma(s, b(c[5]), b(c[4])))
	lo := fma(s2, fma(s, b(c[3]), b(c[2])), fma(s, b(c[1]), b(c[0])))
	u := fma(s8, fma(s, b(c[9]), b(c[8])), fma(s4, hi, lo))
	u = fma(u, s, b(cHalf))
	one := b(cOne)
	u = fma(u, s, one)
	u = fma(u, s, one)

	// u·2^(q>>1)·2^(q−q>>1): q>>1 = floor(q/2); 2^n from the bits of
	// n + magic + 1023 shifted into the exponent field.
	qh, ql := YMM(), YMM()
	VMULPD(b(cHalf), qf, qh)
	VROUNDPD(U8(1), qh, qh) // floor
	VSUBPD(qh, qf, ql)
	bias := b(cBias)
	VADDPD(bias, qh, qh)
	VADDPD(bias, ql, ql)
	VPSLLQ(U8(52), qh, qh)
	VPSLLQ(U8(52), ql, ql)
	VMULPD(qh, u, u)
	VMULPD(ql, u, u)

	// x > over: +Inf; x < under: 0.
	mask := YMM()
	VCMPPD(U8(0x1E), b(cOver), x, mask) // x > over (ordered)
	VBLENDVPD(mask, b(cInf), u, u)
	VCMPPD(U8(0x11), b(cUnder), x, mask) // x < under (ordered)
	VANDNPD(u, mask, u)

	VMOVUPD(u, Mem{Base: dst, Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
	Generate()
}
