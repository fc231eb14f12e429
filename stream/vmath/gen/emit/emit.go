// Package emit holds the avo emitters of Go's amd64 math.Exp and
// math.Log on lanes of 4 values and the loop that runs a kernel body over
// 2 blocks of lanes at once, so that every generator of lane kernels of
// these functions (stream/vmath's and the clustering layers') writes the
// same operations from one source.
package emit

import (
	"fmt"
	"math"
	"strings"

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

// expTaylor holds exp_amd64.s's Taylor coefficients, 1/8! down to 1/3!.
var expTaylor = [...]float64{2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
	8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1}

// The constants of math.Log (log.go): ln 2 in a high and a low part, √2/2
// and its polynomial's L1 to L7.
const (
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	hSqrt2 = 7.07106781186547524401e-01
)

var logL = [...]float64{6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
	2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01}

// taylorConsts declares expTaylor's coefficients as t8 to t3, each name
// followed by suffix (one set per emitter that reads them).
func taylorConsts(suffix string) []Mem {
	m := make([]Mem, len(expTaylor))
	for i, v := range expTaylor {
		m[i] = Const(fmt.Sprintf("t%d%s", 8-i, suffix), v)
	}
	return m
}

// logConsts declares logL's coefficients as l1 to l7, each name followed
// by suffix, by their index.
func logConsts(suffix string) map[int]Mem {
	m := make(map[int]Mem, len(logL))
	for i, v := range logL {
		m[i+1] = Const(fmt.Sprintf("l%d%s", i+1, suffix), v)
	}
	return m
}

// Func emits a function of 4 lanes on blocks of registers, interleaving
// the blocks' chains instruction by instruction: the results in new
// registers, the inputs unchanged.
type Func func(x ...VecVirtual) []VecVirtual

// Const is a constant by its bits (the assembler would read a float written
// without a point, such as 1, as an integer).
func Const(name string, v float64) Mem { return ConstData(name, U64(math.Float64bits(v))) }

// Bcast broadcasts a constant to a new register.
func Bcast(m Mem) VecVirtual {
	y := YMM()
	VBROADCASTSD(m, y)
	return y
}

// Loop writes a kernel name of signature sig (dst, src, n) applying f to
// the lanes of src, 8 at a time and then 4, and storing its result in dst.
func Loop(name, sig string, doc []string, f Func) {
	Lanes(name, sig, doc, []string{"dst", "src"}, "", func(p []Register, _ VecVirtual, m Addr, _ VecVirtual, blocks int) {
		x := Regs(blocks, YMM)
		for j := range blocks {
			VMOVUPD(m(p[1], j), x[j])
		}
		for j, y := range f(x...) {
			VMOVUPD(y, m(p[0], j))
		}
	})
}

// NewExp returns the emitter of Go's math.Exp (math's exp_amd64.s, its
// FMA path) on 4 lanes of inputs in [−700, 700], where that code takes
// none of its special cases; it declares the constants it reads, so a
// generator calls it once.
func NewExp() Func {
	cLog2e, cLn2U, cLn2L := Const("log2e", log2e), Const("ln2U", ln2U), Const("ln2L", ln2L)
	cSixteenth, cTwo, cOne, cHalf := Const("sixteenth", 0.0625), Const("two", 2), Const("one", 1), Const("half", 0.5)
	taylor := taylorConsts("") // 1/8! down to 1/3!
	bias := ConstData("bias", U64(0x3FF))
	cMagic := Const("magic", 0x1.8p52)

	return func(x ...VecVirtual) []VecVirtual {
		n := len(x)
		each := func(f func(i int)) {
			for i := range n {
				f(i)
			}
		}
		// e = int32(round(log2e·x)); xe = float64(e). xe is t rounded to an
		// integer, ties to even (the conversion's rounding, MXCSR's
		// default), which t + 1.5·2^52 − 1.5·2^52 gives exactly for
		// |t| < 2^51: two additions on the path to r instead of two
		// conversions, and the low bits of the first sum are e for the
		// scale.
		t, xe, r, p, s := Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM)
		c := Bcast(cLog2e)
		each(func(i int) { VMULPD(x[i], c, t[i]) }) // LOG2E·x, as MULSD X0, X1
		mg := Bcast(cMagic)
		each(func(i int) { VADDPD(mg, t[i], s[i]) }) // 1.5·2^52 + e
		each(func(i int) { VSUBPD(mg, s[i], xe[i]) })
		// r = (x − xe·ln2U − xe·ln2L)·0.0625, each step fused
		each(func(i int) { VMOVAPD(x[i], r[i]) })
		c = Bcast(cLn2U)
		each(func(i int) { VFNMADD231PD(c, xe[i], r[i]) })
		c = Bcast(cLn2L)
		each(func(i int) { VFNMADD231PD(c, xe[i], r[i]) })
		c = Bcast(cSixteenth)
		each(func(i int) { VMULPD(c, r[i], r[i]) })
		// p = ((((((t8·r + t7)·r + t6)·r + t5)·r + t4)·r + t3)·r + ½)·r + 1
		each(func(i int) { VBROADCASTSD(taylor[0], p[i]) })
		for _, m := range append(taylor[1:], cHalf, cOne) {
			c = Bcast(m)
			each(func(i int) { VFMADD213PD(c, r[i], p[i]) })
		}
		each(func(i int) { VMULPD(p[i], r[i], r[i]) })
		two := Bcast(cTwo)
		for j := 0; j < 3; j++ { // r = r·(r + 2), three times
			each(func(i int) { VADDPD(two, r[i], p[i]) })
			each(func(i int) { VMULPD(p[i], r[i], r[i]) })
		}
		each(func(i int) { VADDPD(two, r[i], p[i]) })
		c = Bcast(cOne)
		each(func(i int) { VFMADD213PD(c, p[i], r[i]) }) // r = (r + 2)·r + 1
		// r·2^e: (e + 1023) << 52, from the bits of 1.5·2^52 + e, whose
		// bits above e's 12 low ones the shift drops (|e| ≤ 1010)
		bv := YMM()
		VPBROADCASTQ(bias, bv)
		each(func(i int) { VPADDQ(bv, s[i], s[i]) })
		each(func(i int) { VPSLLQ(U8(52), s[i], s[i]) })
		each(func(i int) { VMULPD(s[i], r[i], r[i]) })
		return r
	}
}

// Regs returns n new registers of one kind.
func Regs(n int, kind func() VecVirtual) []VecVirtual {
	r := make([]VecVirtual, n)
	for i := range r {
		r[i] = kind()
	}
	return r
}

// NewLog returns the emitter of Go's math.Log (math's log_amd64.s:
// multiplications, additions, one division; no fused operation) on 4
// lanes of positive finite inputs, subnormals included (that code takes
// their exponent field as it is, and so does the kernel); it declares the
// constants it reads, so a generator calls it once.
func NewLog() Func {
	cMant := ConstData("mantissa", U64(0x000FFFFFFFFFFFFF))
	cExpMask := ConstData("expfield", U64(0x7FF))
	cTwo52 := Const("two52", 0x1p52)
	cHalfL, cOneL, cTwoL := Const("halfL", 0.5), Const("oneL", 1), Const("twoL", 2)
	cBiasL := Const("biasL", 0x3FE)
	cHSqrt2 := Const("hsqrt2", hSqrt2)
	cLn2Hi, cLn2Lo := Const("ln2HiL", ln2Hi), Const("ln2LoL", ln2Lo)
	l := logConsts("")

	return func(x ...VecVirtual) []VecVirtual {
		n := len(x)
		each := func(f func(i int)) {
			for i := range n {
				f(i)
			}
		}
		// f1 = mantissa of x with the exponent of 0.5; kk = exponent field − 0x3FE
		f1, kk, mask, s, s2, s4, p, h := Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM), Regs(n, YMM)
		c := Bcast(cMant)
		each(func(i int) { VANDPD(c, x[i], f1[i]) })
		c = Bcast(cHalfL)
		each(func(i int) { VORPD(c, f1[i], f1[i]) })
		each(func(i int) { VPSRLQ(U8(52), x[i], kk[i]) })
		c = Bcast(cExpMask)
		each(func(i int) { VANDPD(c, kk[i], kk[i]) })
		c = Bcast(cTwo52)
		each(func(i int) { VORPD(c, kk[i], kk[i]) }) // 2^52 + field, exactly
		each(func(i int) { VSUBPD(c, kk[i], kk[i]) })
		c = Bcast(cBiasL)
		each(func(i int) { VSUBPD(c, kk[i], kk[i]) })
		// if !(√2/2 < f1) { k −= 1; f1 *= 2 }
		c = Bcast(cHSqrt2)
		each(func(i int) { VCMPPD(U8(5), f1[i], c, mask[i]) }) // NLT: not (√2/2 < f1)
		one := Bcast(cOneL)
		each(func(i int) { VANDPD(one, mask[i], mask[i]) }) // 1 or 0
		each(func(i int) { VSUBPD(mask[i], kk[i], kk[i]) })
		each(func(i int) { VADDPD(one, mask[i], mask[i]) }) // 2 or 1
		each(func(i int) { VMULPD(mask[i], f1[i], f1[i]) })
		f := f1
		each(func(i int) { VSUBPD(one, f[i], f[i]) })
		// s = f/(2 + f); s2 = s·s; s4 = s2·s2
		t := mask
		c = Bcast(cTwoL)
		each(func(i int) { VADDPD(f[i], c, t[i]) })
		each(func(i int) { VDIVPD(t[i], f[i], s[i]) })
		each(func(i int) { VMULPD(s[i], s[i], s2[i]) })
		each(func(i int) { VMULPD(s2[i], s2[i], s4[i]) })
		// t1 = s2·(L1 + s4·(L3 + s4·(L5 + s4·L7))), each step rounded
		each(func(i int) { VBROADCASTSD(l[7], p[i]) })
		each(func(i int) { VMULPD(s4[i], p[i], p[i]) })
		for _, m := range []int{5, 3} {
			c = Bcast(l[m])
			each(func(i int) { VADDPD(c, p[i], p[i]) })
			each(func(i int) { VMULPD(s4[i], p[i], p[i]) })
		}
		c = Bcast(l[1])
		each(func(i int) { VADDPD(c, p[i], p[i]) })
		each(func(i int) { VMULPD(p[i], s2[i], s2[i]) }) // t1
		// t2 = s4·(L2 + s4·(L4 + s4·L6))
		q := p
		each(func(i int) { VBROADCASTSD(l[6], q[i]) })
		each(func(i int) { VMULPD(s4[i], q[i], q[i]) })
		c = Bcast(l[4])
		each(func(i int) { VADDPD(c, q[i], q[i]) })
		each(func(i int) { VMULPD(s4[i], q[i], q[i]) })
		c = Bcast(l[2])
		each(func(i int) { VADDPD(c, q[i], q[i]) })
		each(func(i int) { VMULPD(q[i], s4[i], s4[i]) })  // t2
		each(func(i int) { VADDPD(s4[i], s2[i], s2[i]) }) // R = t1 + t2
		// hfsq = 0.5·f·f
		c = Bcast(cHalfL)
		each(func(i int) { VMULPD(f[i], c, h[i]) })
		each(func(i int) { VMULPD(f[i], h[i], h[i]) })
		// k·Ln2Hi − ((hfsq − (s·(hfsq + R) + k·Ln2Lo)) − f)
		each(func(i int) { VADDPD(h[i], s2[i], s2[i]) })
		each(func(i int) { VMULPD(s2[i], s[i], s[i]) })
		lo := s4
		c = Bcast(cLn2Lo)
		each(func(i int) { VMULPD(kk[i], c, lo[i]) })
		each(func(i int) { VADDPD(lo[i], s[i], s[i]) })
		each(func(i int) { VSUBPD(s[i], h[i], h[i]) })
		each(func(i int) { VSUBPD(f[i], h[i], h[i]) })
		c = Bcast(cLn2Hi)
		each(func(i int) { VMULPD(c, kk[i], kk[i]) })
		each(func(i int) { VSUBPD(h[i], kk[i], kk[i]) })
		return kk
	}
}

// NewChecked returns an emitter of exp (NewExp's) that first clears, in
// the mask acc, the lanes whose argument is outside [−700, 700] or NaN: a
// kernel reports them so that its caller computes them all again with
// math.Exp, whose special cases the lanes leave out.
func NewChecked(exp Func) func(acc VecVirtual, u []VecVirtual) []VecVirtual {
	lo, hi := Const("lo700", -700), Const("hi700", 700)
	return func(acc VecVirtual, u []VecVirtual) []VecVirtual {
		m, c := YMM(), Bcast(lo)
		for _, v := range u {
			VCMPPD(U8(0x1D), c, v, m) // u ≥ −700, false for a NaN
			VANDPD(m, acc, acc)
		}
		VBROADCASTSD(hi, c)
		for _, v := range u {
			VCMPPD(U8(0x12), c, v, m) // u ≤ 700
			VANDPD(m, acc, acc)
		}
		return exp(u...)
	}
}

// Addr addresses the j-th block of 4 values from the loop's index in the
// slice at base.
type Addr func(base Register, j int) Mem

// Lanes writes a kernel over pointers ptrs, a scalar (if named) broadcast
// to every lane, and n: body runs for 2 blocks of 4 lanes at once (their
// chains of operations interleaved) while 8 values are left, then for 1.
// A kernel whose signature returns a bool returns whether every lane of
// acc stayed set (acc starts all ones).
func Lanes(name, sig string, doc, ptrs []string, scalar string, body func(p []Register, s VecVirtual, m Addr, acc VecVirtual, blocks int)) {
	LanesThen(name, sig, doc, ptrs, scalar, body, nil)
}

// LanesThen is Lanes with a second part: then, if not nil, runs once after
// the loop, with the pointers and n, before the kernel returns.
func LanesThen(name, sig string, doc, ptrs []string, scalar string, body func(p []Register, s VecVirtual, m Addr, acc VecVirtual, blocks int), then func(p []Register, n Register)) {
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(doc...)
	var p []Register
	for _, name := range ptrs {
		p = append(p, Load(Param(name), GP64()))
	}
	var s VecVirtual
	if scalar != "" {
		s = YMM()
		VBROADCASTSD(NewParamAddr(scalar, 8*len(ptrs)), s)
	}
	n := Load(Param("n"), GP64())
	acc := YMM()
	VPCMPEQQ(acc, acc, acc)
	Blocks(name, n, func(m Addr, blocks int) { body(p, s, m, acc, blocks) })
	if then != nil {
		then(p, n)
	}
	if strings.HasSuffix(sig, "bool") {
		ReturnAllSet(acc)
	} else {
		VZEROUPPER()
	}
	RET()
}

// Blocks writes a loop over the values 0 to n, n a multiple of 4: body
// runs for 2 blocks of 4 lanes at once (their chains interleaved) while 8
// values are left, then for 1; its labels start with name.
func Blocks(name string, n Register, body func(m Addr, blocks int)) {
	i, end := GP64(), GP64()
	XORQ(i, i)
	m := func(base Register, j int) Mem { return Mem{Base: base, Index: i, Scale: 8, Disp: 32 * j} }
	Label(name + "two")
	MOVQ(i, end)
	ADDQ(U8(8), end)
	CMPQ(end, n)
	JG(LabelRef(name + "one"))
	body(m, 2)
	ADDQ(U8(8), i)
	JMP(LabelRef(name + "two"))
	Label(name + "one")
	CMPQ(i, n)
	JGE(LabelRef(name + "done"))
	body(m, 1)
	ADDQ(U8(4), i)
	JMP(LabelRef(name + "one"))
	Label(name + "done")
}

// ReturnAllSet clears the upper halves of the vector registers and stores
// the kernel's bool result: whether every lane of the mask acc is set.
func ReturnAllSet(acc VecVirtual) {
	r := GP32()
	VMOVMSKPD(acc, r)
	CMPL(r, U8(15))
	ok := GP8()
	SETEQ(ok)
	VZEROUPPER()
	Store(ok, ReturnIndex(0))
}
