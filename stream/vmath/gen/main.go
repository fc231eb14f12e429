// Command gen writes the assembly of package vmath with avo (the emitters
// of package emit): Go's math.Exp and math.Log 4 lanes at once, each lane
// with that code's operations in its order, so with its bits, and the
// binary cross-entropy's log(1 + exp(−|z|)) built from the two.
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
	emit.Loop("softplusNegAbsAVX2", "func(dst, src *float64, n int)", []string{
		"softplusNegAbsAVX2 sets dst[i] = math.Log(1 + math.Exp(−|src[i]|)) for",
		"i < n, n a multiple of 4, every |src[i]| ≤ 700."}, softplus)
	softplus4(softplus)
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

// softplus4 writes the kernel of 4 values passed as arguments, each read
// by a load of its own 8 bytes: a caller's short tail, which a 32-byte
// load from the 8-byte stores that wrote it would wait on (the CPU cannot
// forward those stores to it and replays the load and what followed it).
func softplus4(f emit.Func) {
	TEXT("softplusNegAbs4AVX2", NOSPLIT, "func(dst *[4]float64, x0, x1, x2, x3 float64)")
	Pragma("noescape")
	Doc("softplusNegAbs4AVX2 sets dst[i] = math.Log(1 + math.Exp(−|xi|)) for the",
		"four values, every |xi| ≤ 700.")
	dst := Load(Param("dst"), GP64())
	lo, hi := XMM(), XMM()
	VMOVSD(NewParamAddr("x0", 8), lo)
	VMOVHPD(NewParamAddr("x1", 16), lo, lo)
	VMOVSD(NewParamAddr("x2", 24), hi)
	VMOVHPD(NewParamAddr("x3", 32), hi, hi)
	x := YMM()
	VINSERTF128(U8(1), hi, lo.AsY(), x)
	VMOVUPD(f(x)[0], Mem{Base: dst})
	VZEROUPPER()
	RET()
}
