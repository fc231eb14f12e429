// Command gen writes the assembly of package vmath with avo (the emitters
// of package emit): Go's math.Exp and math.Log 4 lanes at once, each lane
// with that code's operations in its order, so with its bits, and the
// binary cross-entropy's log(1 + exp(−|z|)) built from the two beside its
// sigmoid with the C library's exp (CExp) in lanes, for 2 logits the
// same with their softmax's exponentials in the lanes left idle, and the
// values of the loss and of the probability of error of many trials of 2
// logits.
//
//	cd stream/vmath/gen && GOWORK=off go run . -pkg vmath -out ../vmath_amd64.s -stubs ../vmath_amd64.go
//
// It is a module of its own so that avo stays out of the models'
// dependencies.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/fastslow/stream/vmath/gen/emit"
)

func main() {
	ConstraintExpr("!purego")
	exp, log := emit.NewExp(), emit.NewLog()
	emit.Loop("expAVX2", "func(dst, src *float64, n int)", []string{
		"expAVX2 sets dst[i] = math.Exp(src[i]) for i < n, n a multiple of 4,",
		"every src[i] in [−700, 700]."}, exp)
	emit.Loop("logAVX2", "func(dst, src *float64, n int)", []string{
		"logAVX2 sets dst[i] = math.Log(src[i]) for i < n, n a multiple of 4,",
		"every src[i] positive and finite."}, log)
	softplus := newSoftplus(exp, log)
	cexp := newCExp()
	k := newSigmoidConsts()
	softplusSigmoid4(softplus, cexp, k)
	softplusSigmoidExp2(exp, log, cexp, k)
	bcePairs(exp, log, k)
	Generate()
}

// newSoftplus returns the emitter of math.Log(1 + math.Exp(−|x|)).
func newSoftplus(exp, log emit.Func) emit.Func {
	sign, one := ConstData("signbit", U64(1<<63)), emit.Const("oneS", 1)
	return func(x ...VecVirtual) []VecVirtual {
		u := emit.Regs(len(x), YMM)
		c := emit.Bcast(sign)
		for i := range x {
			VORPD(c, x[i], u[i]) // −|x|, exactly
		}
		e := exp(u...)
		VBROADCASTSD(one, c)
		for i := range e {
			VADDPD(c, e[i], e[i]) // 1 + exp(−|x|)
		}
		return log(e...)
	}
}

// softplusSigmoid4 writes the kernel of the binary cross-entropy's two
// functions of 4 logits, passed as arguments, each read by a load of its
// own 8 bytes (a caller's short tail, which a 32-byte load from the 8-byte
// stores that wrote it would wait on: the CPU cannot forward those stores
// to it): math.Log(1 + math.Exp(−|x|)) and the sigmoid 1/(1 + e^−x) with
// the C library's exp (CExp). The sigmoid's lanes come first: the
// gradient, which the next layer waits on, needs only them.
func softplusSigmoid4(softplus emit.Func, cexp cexpFunc, k sigmoidConsts) {
	TEXT("softplusSigmoid4AVX2", NOSPLIT, "func(dst *[8]float64, tab *uint64, k *[8]float64, x0, x1, x2, x3 float64) bool")
	Pragma("noescape")
	Doc("softplusSigmoid4AVX2 sets dst[i] = math.Log(1 + math.Exp(−|xi|)) and",
		"dst[4+i] = 1/(1 + CExp(−xi)) for the four values, with tab and k CExp's table and constants,",
		"if every |xi| is in [2^−54, 512), where CExp takes none of its special",
		"cases; it reports whether they were (if not, dst is unspecified).")
	dst := Load(Param("dst"), GP64())
	x := loadArgs4("x0", "x1", "x2", "x3")
	acc := k.inRange(x)
	k.sigmoid(cexp, x, dst)
	VMOVUPD(softplus(x)[0], Mem{Base: dst})
	emit.ReturnAllSet(acc)
	RET()
}

// loadArgs4 loads the 4 float64 arguments after the kernel's 3 pointers,
// each by a load of its own 8 bytes.
func loadArgs4(x0, x1, x2, x3 string) VecVirtual {
	lo, hi := XMM(), XMM()
	VMOVSD(NewParamAddr(x0, 24), lo)
	VMOVHPD(NewParamAddr(x1, 32), lo, lo)
	VMOVSD(NewParamAddr(x2, 40), hi)
	VMOVHPD(NewParamAddr(x3, 48), hi, hi)
	x := YMM()
	VINSERTF128(U8(1), hi, lo.AsY(), x)
	return x
}

// sigmoidConsts are the constants of the sigmoid's lanes and of their
// range check.
type sigmoidConsts struct{ absMask, tiny, big, sign, one, lo700, hi700 Mem }

func newSigmoidConsts() sigmoidConsts {
	return sigmoidConsts{ConstData("absmask", U64(1<<63-1)), emit.Const("tiny54", 0x1p-54), emit.Const("c512", 512),
		ConstData("signbitS", U64(1<<63)), emit.Const("oneSig", 1), emit.Const("lo700", -700), emit.Const("hi700", 700)}
}

// inRange returns a new mask of the lanes of x whose |x| is in
// [2^−54, 512), where CExp takes none of its special cases.
func (k sigmoidConsts) inRange(x VecVirtual) VecVirtual {
	abs, m, acc, c := YMM(), YMM(), YMM(), YMM()
	VBROADCASTSD(k.absMask, c)
	VANDPD(c, x, abs)
	VBROADCASTSD(k.tiny, c)
	VCMPPD(U8(0x1D), c, abs, acc) // |x| ≥ 2^−54, false for a NaN
	VBROADCASTSD(k.big, c)
	VCMPPD(U8(0x11), c, abs, m) // |x| < 512
	VANDPD(m, acc, acc)
	return acc
}

// sigmoid stores 1/(1 + CExp(−x)) of the lanes of x at dst+32, reading
// CExp's table and constants from the kernel's arguments tab and k.
func (k sigmoidConsts) sigmoid(cexp cexpFunc, x VecVirtual, dst Register) {
	tab, kc := Load(Param("tab"), GP64()), Load(Param("k"), GP64())
	neg, c := YMM(), YMM()
	VBROADCASTSD(k.sign, c)
	VXORPD(c, x, neg) // −x, exactly
	e := cexp(tab, kc, neg)
	VBROADCASTSD(k.one, c)
	VADDPD(c, e, e)
	VDIVPD(e, c, e) // 1/(1 + e^−x)
	VMOVUPD(e, Mem{Base: dst, Disp: 32})
}

// softplusSigmoidExp2 writes the kernel of the binary cross-entropy of 2
// logits z0, z1 and their softmax's exponentials in one: the lanes of
// math.Log(1 + math.Exp(−|x|)) take (z0, z1, d0, d1), so that the
// exponentials of d0 and d1 (each di = zi − max(z0, z1) ≤ 0, where
// −|di| = di; for di = 0, −|di| is −0, whose exponential is 1 as 0's is)
// are the ones that softplusSigmoid4 computes in its idle lanes; the
// sigmoid's lanes take (z0, z1, z0, z1). The probability of error then
// adds no exponential chain of its own to a trial.
func softplusSigmoidExp2(exp, log emit.Func, cexp cexpFunc, k sigmoidConsts) {
	TEXT("softplusSigmoidExp2AVX2", NOSPLIT, "func(dst *[12]float64, tab *uint64, k *[8]float64, z0, z1, d0, d1 float64) bool")
	Pragma("noescape")
	Doc("softplusSigmoidExp2AVX2 sets dst[i] = math.Log(1 + math.Exp(−|zi|)),",
		"dst[4+i] = 1/(1 + CExp(−zi)) and dst[10+i] = math.Exp(−|di|) for i = 0, 1,",
		"with tab and k CExp's table and constants, if every |zi| is in",
		"[2^−54, 512) and every di in [−700, 700]; it reports whether they",
		"were (if not, dst is unspecified).")
	dst := Load(Param("dst"), GP64())
	x := loadArgs4("z0", "z1", "d0", "d1")
	xs := YMM()
	VPERM2F128(U8(0), x, x, xs) // z0, z1, z0, z1
	acc := k.inRange(xs)
	m, c := YMM(), YMM()
	VBROADCASTSD(k.lo700, c)
	VCMPPD(U8(0x1D), c, x, m) // x ≥ −700, false for a NaN
	VANDPD(m, acc, acc)
	VBROADCASTSD(k.hi700, c)
	VCMPPD(U8(0x12), c, x, m) // x ≤ 700
	VANDPD(m, acc, acc)
	k.sigmoid(cexp, xs, dst)

	// newSoftplus's operations, the exponentials kept
	u := YMM()
	VBROADCASTSD(k.sign, c)
	VORPD(c, x, u) // −|x|, exactly
	e := exp(u)[0]
	VMOVUPD(e, Mem{Base: dst, Disp: 64})
	VBROADCASTSD(k.one, c)
	VADDPD(c, e, e) // 1 + exp(−|x|)
	VMOVUPD(log(e)[0], Mem{Base: dst})
	emit.ReturnAllSet(acc)
	RET()
}

// cexpFunc emits CExp of the lanes of x (see newCExp).
type cexpFunc func(tab, k Register, x VecVirtual) VecVirtual

// newCExp returns the emitter of CExp's main path in lanes (every |x| in
// [2^−54, 512)), each lane with its operations in its order, the table's
// two values of a lane gathered from tab and the constants read from k
// (package vmath's cexpConst: 1/ln2·128, the shift 1.5·2^52, −ln2/128 in a
// high and a low part, the polynomial's C2 to C5).
func newCExp() cexpFunc {
	low7 := ConstData("low7", U64(127))
	return func(tab, k Register, x VecVirtual) VecVirtual {
		at := func(i int) Mem { return Mem{Base: k, Disp: 8 * i} }
		invLn2N, shift, ln2Hi, ln2Lo, c2, c3, c4, c5 := at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)
		// kd = FMA(invLn2N, x, shift); ki = bits(kd); kd −= shift
		kd, ki, c := YMM(), YMM(), YMM()
		VBROADCASTSD(shift, kd)
		VBROADCASTSD(invLn2N, c)
		VFMADD231PD(c, x, kd)
		VMOVAPD(kd, ki)
		VBROADCASTSD(shift, c)
		VSUBPD(c, kd, kd)
		// the table's tail and scale bits at 2·(ki mod 128)
		j, tail, sb, mask := YMM(), YMM(), YMM(), YMM()
		VPBROADCASTQ(low7, j)
		VPAND(ki, j, j)
		VPADDQ(j, j, j)
		VPCMPEQQ(mask, mask, mask)
		VPGATHERQQ(mask, Mem{Base: tab, Index: j, Scale: 8}, tail)
		VPCMPEQQ(mask, mask, mask)
		VPGATHERQQ(mask, Mem{Base: tab, Index: j, Scale: 8, Disp: 8}, sb)
		// r = FMA(kd, negLn2LoN, FMA(kd, negLn2HiN, x))
		r := YMM()
		VMOVAPD(x, r)
		VBROADCASTSD(ln2Hi, c)
		VFMADD231PD(c, kd, r)
		VBROADCASTSD(ln2Lo, c)
		VFMADD231PD(c, kd, r)
		// tmp = FMA(r2·r2, FMA(r, C5, C4), FMA(r2, FMA(r, C3, C2), tail + r))
		r2, p, q := YMM(), YMM(), YMM()
		VMULPD(r, r, r2)
		VADDPD(r, tail, tail)
		VBROADCASTSD(c2, p)
		VBROADCASTSD(c3, c)
		VFMADD231PD(c, r, p)
		VFMADD231PD(p, r2, tail)
		VBROADCASTSD(c4, q)
		VBROADCASTSD(c5, c)
		VFMADD231PD(c, r, q)
		VMULPD(r2, r2, r2)
		VFMADD231PD(q, r2, tail)
		// scale = bits(tab[j+1] + ki<<45); FMA(scale, tmp, scale)
		VPSLLQ(U8(45), ki, ki)
		VPADDQ(ki, sb, sb)
		VFMADD213PD(sb, sb, tail)
		return tail
	}
}

// bcePairs writes the kernel of the binary cross-entropy's values of many
// trials of 2 logits, 2 trials to a block of 4 lanes: each logit's term of
// the loss's sum, (1 − y)·z + max(−z, 0) + log(1 + exp(−|z|)) (the
// stable form with its logarithm as newSoftplus computes it), added as
// the loss adds them, 0 + t0 then + t1, and halved (the mean of 2: a
// multiplication by ½ has the division's bits, both rounding the same
// exact half); and each logit's 1 − softmax(z)_c, with exp(z_c − max)
// divided by 0 + e0 + e1. Within a pair, the lanes' partner comes from a
// swap of the two (VPERMILPD), so each lane's operations are the scalar
// code's, in its order; the maximum's lanes may differ in a zero's sign,
// which no z − max changes but to ±0, whose exponential is 1 either way.
func bcePairs(exp, log emit.Func, k sigmoidConsts) {
	sign, one, half := ConstData("signbitB", U64(1<<63)), emit.Const("oneB", 1), emit.Const("halfB", 0.5)
	emit.Lanes("bcePairsAVX2", "func(t, q, z, y *float64, n int) bool", []string{
		"bcePairsAVX2 sets, for the logits z and targets y of n/2 trials of 2",
		"logits (n a multiple of 4), t[2i] to trial i's binary cross-entropy",
		"(the mean of its 2 terms, as loss.BCELogits computes it) and q[2i+c] to",
		"1 − softmax(z)_c of its logits, if every exponential's argument is in",
		"[−700, 700] (every z finite and its pair's difference too); it reports",
		"whether they were (if not, t and q are unspecified). t[2i+1] is",
		"unspecified.",
	}, []string{"t", "q", "z", "y"}, "", func(p []Register, _ VecVirtual, m emit.Addr, acc VecVirtual, blocks int) {
		z, y := emit.Regs(blocks, YMM), emit.Regs(blocks, YMM)
		for j := range blocks {
			VMOVUPD(m(p[2], j), z[j])
			VMOVUPD(m(p[3], j), y[j])
		}
		sg := emit.Bcast(sign)
		u, d := emit.Regs(blocks, YMM), emit.Regs(blocks, YMM)
		for j := range blocks {
			VORPD(sg, z[j], u[j]) // −|z|, exactly
			sw := YMM()
			VPERMILPD(U8(5), z[j], sw) // the pair's other logit
			VMAXPD(sw, z[j], d[j])
			VSUBPD(d[j], z[j], d[j]) // z − max(z0, z1)
		}
		// every argument of an exponential in [−700, 700] (u ≤ 0 and d ≤ 0,
		// so only the lower bound can fail; false for a NaN)
		lo, msk := emit.Bcast(k.lo700), YMM()
		for _, v := range append(u, d...) {
			VCMPPD(U8(0x1D), lo, v, msk)
			VANDPD(msk, acc, acc)
		}
		e := exp(append(u, d...)...)
		l := e[:blocks]
		c1 := emit.Bcast(one)
		for j := range l {
			VADDPD(c1, l[j], l[j]) // 1 + exp(−|z|)
		}
		l = log(l...)
		zero, ch := YMM(), emit.Bcast(half)
		VXORPD(zero, zero, zero)
		for j := range blocks {
			// (1 − y)·z + max(−z, 0) + l, then 0 + t0 + t1, halved
			t, v := YMM(), YMM()
			VSUBPD(y[j], c1, t)
			VMULPD(z[j], t, t)
			VXORPD(sg, z[j], v) // −z, exactly
			VMAXPD(zero, v, v)  // Go's max(−z, 0): 0 when both are zeros
			VADDPD(v, t, t)
			VADDPD(l[j], t, t)
			VADDPD(zero, t, t)
			VPERMILPD(U8(5), t, v)
			VADDPD(v, t, t)
			VMULPD(ch, t, t)
			VMOVUPD(t, m(p[0], j))
			// 1 − e_c/(0 + e0 + e1)
			s := YMM()
			ec := e[blocks+j]
			VADDPD(zero, ec, s)
			VPERMILPD(U8(5), s, v)
			VADDPD(v, s, s)
			VDIVPD(s, ec, s)
			VSUBPD(s, c1, s)
			VMOVUPD(s, m(p[1], j))
		}
	})
}
