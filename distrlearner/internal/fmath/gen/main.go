// Command gen writes the assembly of fmath's vector exponential and
// logarithm with avo: Exp and Log of 4 lanes at once (AVX2 with FMA),
// each lane computed with the scalar port's operations in its order — the
// same multiplications, additions and fused multiply-adds, each correctly
// rounded — so that every lane has the scalar port's bits.
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
	expKernel()
	logKernel()
	Generate()
}

// expKernel writes expAVX2.
func expKernel() {
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
}

// logKernel writes logAVX2: Log's operations lane by lane, its special
// cases (+Inf, a negative x or NaN, ±0) blended in at the end.
func logKernel() {
	TEXT("logAVX2", NOSPLIT, "func(dst, src *float64, n int)")
	Pragma("noescape")
	Doc("logAVX2 sets dst[i] = Log(src[i]) for i < n, n a multiple of 4.")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	k := func(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }
	b := func(m Mem) VecVirtual {
		y := YMM()
		VBROADCASTSD(m, y)
		return y
	}
	fma := func(a, bb, addend VecVirtual) VecVirtual { // a·bb + addend
		r := YMM()
		VMOVAPD(addend, r)
		VFMADD231PD(bb, a, r)
		return r
	}
	cSign := ConstData("signbit", U64(1<<63))
	neg := func(a VecVirtual) VecVirtual { // −a, the sign bit flipped
		r := YMM()
		VXORPD(b(cSign), a, r)
		return r
	}
	const (
		l2h = 0.693147180559945286226764
		l2l = 2.319046813846299558417771e-17
	)
	cTiny, cScale := k("tiny", 0x1p-1022), k("scale64", 0x1p64)
	cInv075 := k("inv075", 1.0/0.75)
	cField := ConstData("field", U64(0x7ff))
	cBiasQ := ConstData("bias1023", U64(1023))
	cTwo52 := k("two52L", 0x1p52)
	cE0 := k("e0", 0x1p52+1023)
	c64 := k("sixtyfour", 64)
	cOne, cNegOne, cTwo := k("oneL", 1), k("negOneL", -1), k("twoL", 2)
	cL2h, cL2l := k("l2h", l2h), k("l2l", l2l)
	c := []Mem{k("p1", 0.6666666666667333541), k("p2", 0.3999999999635251990), k("p3", 0.2857142932794299317),
		k("p4", 0.2222214519839380009), k("p5", 0.1818605932937785996), k("p6", 0.1525629051003428716),
		k("p7", 0.1532076988502701353)}
	cInf := ConstData("posInf", U64(0x7ff0000000000000))
	cNegInf := ConstData("negInf", U64(0xfff0000000000000))
	cNaN := ConstData("nanBits", U64(0x7ff8000000000001)) // math.NaN()

	i := GP64()
	XORQ(i, i)
	Label("logloop")
	CMPQ(i, n)
	JGE(LabelRef("logdone"))
	x := YMM()
	VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)
	// d = x, times 2^64 where x < 2^−1022
	sub, d := YMM(), YMM()
	VCMPPD(U8(0x11), b(cTiny), x, sub) // x < 2^−1022 (ordered)
	VMULPD(b(cScale), x, d)
	VBLENDVPD(sub, d, x, d)
	// e = field of d·(1/0.75) − 1023; m = bits(d) − e<<52
	fe, eq := YMM(), YMM()
	VMULPD(b(cInv075), d, fe)
	VPSRLQ(U8(52), fe, fe)
	VPAND(b(cField), fe, fe)
	VPSUBQ(b(cBiasQ), fe, eq)
	VPSLLQ(U8(52), eq, eq)
	m := YMM()
	VPSUBQ(eq, d, m)
	// ef = float64(e), less 64 where d was scaled
	two52 := b(cTwo52)
	ef := YMM()
	VPOR(two52, fe, ef) // 2^52 + field
	VSUBPD(b(cE0), ef, ef)
	s64 := YMM()
	VANDPD(b(c64), sub, s64)
	VSUBPD(s64, ef, ef)
	// (nh, nl) = twoSum(−1, m); (dh, dl) = twoSum(1, m)
	twoSum := func(xc VecVirtual) (VecVirtual, VecVirtual) {
		sum, v, t, e := YMM(), YMM(), YMM(), YMM()
		VADDPD(m, xc, sum) // x + m
		VSUBPD(xc, sum, v) // s − x
		VSUBPD(v, sum, t)  // s − v
		VSUBPD(t, xc, t)   // x − (s − v)
		VSUBPD(v, m, e)    // m − v
		VADDPD(e, t, e)    // (x − (s − v)) + (m − v)
		return sum, e
	}
	one := b(cOne)
	nh, nl := twoSum(b(cNegOne))
	dh, dl := twoSum(one)
	r := YMM()
	VDIVPD(dh, one, r) // 1/dh
	th := YMM()
	VMULPD(r, nh, th)
	u := fma(r, nh, neg(th))
	a := YMM()
	VMOVAPD(one, a)
	VFNMADD231PD(r, dh, a) // −dh·r + 1
	VFNMADD231PD(r, dl, a) // v = −dl·r + that
	tl := fma(th, a, fma(nl, r, u))
	t2, t4, t8 := YMM(), YMM(), YMM()
	VMULPD(th, th, t2)
	VMULPD(t2, t2, t4)
	VMULPD(t4, t4, t8)
	p := fma(t8, fma(t4, b(c[6]), fma(t2, b(c[5]), b(c[4]))),
		fma(t4, fma(t2, b(c[3]), b(c[2])), fma(t2, b(c[1]), b(c[0]))))
	// e·ln 2 + 2t + t³·p in double-double
	sh := YMM()
	VMULPD(ef, b(cL2h), sh)
	sl := fma(b(cL2l), ef, fma(b(cL2h), ef, neg(sh)))
	two := b(cTwo)
	ah, al := YMM(), YMM()
	VMULPD(th, two, ah)
	VMULPD(tl, two, al)
	h, q := YMM(), YMM()
	VADDPD(ah, sh, h)
	VSUBPD(h, sh, q) // sh − h
	VADDPD(ah, q, q)
	VADDPD(sl, q, q)
	VADDPD(al, q, sl) // sl = (((sh − h) + ah) + sl) + al
	w := YMM()
	VMULPD(th, t2, w)
	VMULPD(p, w, w) // (t2·th)·p
	h2 := YMM()
	VADDPD(w, h, h2) // sh + w (sh = h)
	VSUBPD(h2, h, q) // sh − h
	VADDPD(w, q, q)
	VADDPD(sl, q, sl)
	y := YMM()
	VADDPD(sl, h2, y)
	// the special cases
	mask, zero := YMM(), YMM()
	VXORPD(zero, zero, zero)
	VCMPPD(U8(0x00), b(cInf), x, mask) // x == +Inf
	VBLENDVPD(mask, b(cInf), y, y)
	lt, un := YMM(), YMM()
	VCMPPD(U8(0x11), zero, x, lt) // x < 0
	VCMPPD(U8(0x03), x, x, un)    // x is NaN
	VORPD(un, lt, lt)
	VBLENDVPD(lt, b(cNaN), y, y)
	VCMPPD(U8(0x00), zero, x, mask) // x == 0
	VBLENDVPD(mask, b(cNegInf), y, y)
	VMOVUPD(y, Mem{Base: dst, Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef("logloop"))
	Label("logdone")
	VZEROUPPER()
	RET()
}
