// Command gen writes the assembly of package vexp with avo: the
// clustering layers' element-wise steps around their exponentials and
// logarithms in lanes of 4, the functions themselves emitted by
// stream/vmath's generator (package emit), so with math.Exp's and
// math.Log's bits.
//
//	cd clustering/internal/vexp/gen && GOWORK=off go run . -pkg vexp -out ../vexp_amd64.s -stubs ../vexp_amd64.go
//
// It is a module of its own so that avo stays out of the model's
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
	fusedKernels(emit.NewExp(), emit.NewLog())
	Generate()
}

// fusedKernels writes the kernels of the clustering layers' element-wise
// steps around their exponentials, each lane with the scalar code's
// operations in its order (divisions and square roots are correctly
// rounded in lanes as in scalars). Those with an exponential report
// whether every argument of it was in [−700, 700]; if not, the caller
// computes them all again in scalars.
func fusedKernels(exp, log emit.Func) {
	checked := emit.NewChecked(exp)
	sign := ConstData("signbit", U64(1<<63))

	emit.LanesThen("softmaxEquivAVX2", "func(e, o, v *float64, beta float64, n, live int) bool", []string{
		"softmaxEquivAVX2 sets e[i] = math.Exp(v[i]/(v[i]/(beta·math.Log(v[i])))) for",
		"i < n, n a multiple of 4, every v[i] positive and finite, then divides",
		"them by their sum over i < live, in order, and sets o[i] = v[i]·e[i]; it",
		"reports whether every argument of the exponential was in [−700, 700]."},
		[]string{"e", "o", "v"}, "beta", func(p []Register, s VecVirtual, m emit.Addr, acc VecVirtual, blocks int) {
			x, t := emit.Regs(blocks, YMM), emit.Regs(blocks, YMM)
			for j := range blocks {
				VMOVUPD(m(p[2], j), x[j])
			}
			w := log(x...)
			for j := range blocks {
				VMULPD(w[j], s, w[j]) // β·ln v
			}
			for j := range blocks {
				VDIVPD(w[j], x[j], t[j]) // v/w
			}
			for j := range blocks {
				VDIVPD(t[j], x[j], t[j]) // v/t
			}
			for j, y := range checked(acc, t) {
				VMOVUPD(y, m(p[0], j))
			}
		}, normalise)
	emit.LanesThen("softmaxTempAVX2", "func(e, o, v *float64, temp float64, n, live int) bool", []string{
		"softmaxTempAVX2 sets e[i] = math.Exp(v[i]/temp) for i < n, n a multiple",
		"of 4, then divides them by their sum over i < live, in order, and sets",
		"o[i] = v[i]·e[i]; it reports whether every argument of the exponential",
		"was in [−700, 700]."},
		[]string{"e", "o", "v"}, "temp", func(p []Register, s VecVirtual, m emit.Addr, acc VecVirtual, blocks int) {
			u := emit.Regs(blocks, YMM)
			for j := range blocks {
				VMOVUPD(m(p[2], j), u[j])
				VDIVPD(s, u[j], u[j])
			}
			for j, y := range checked(acc, u) {
				VMOVUPD(y, m(p[0], j))
			}
		}, normalise)
	emit.Lanes("expNegSqrtAVX2", "func(e, r, v *float64, c float64, n int) bool", []string{
		"expNegSqrtAVX2 sets r[i] = √v[i] and e[i] = math.Exp(−(r[i]·c)) for i < n,",
		"n a multiple of 4; it reports whether every argument of the exponential",
		"was in [−700, 700]."},
		[]string{"e", "r", "v"}, "c", func(p []Register, s VecVirtual, m emit.Addr, acc VecVirtual, blocks int) {
			r := emit.Regs(blocks, YMM)
			for j := range blocks {
				VSQRTPD(m(p[2], j), r[j])
				VMOVUPD(r[j], m(p[1], j))
			}
			neg := emit.Bcast(sign)
			for j := range blocks {
				VMULPD(s, r[j], r[j])
				VXORPD(neg, r[j], r[j]) // −(r·c)
			}
			for j, y := range checked(acc, r) {
				VMOVUPD(y, m(p[0], j))
			}
		})
}

// normalise emits the softmax's second part over the kernel's e, o and v:
// the sum of e[i] for i < live, one value after the other from 0 as the
// scalar loop adds them, then e[i] /= sum and o[i] = v[i]·e[i] for i < n.
func normalise(p []Register, n Register) {
	live := Load(Param("live"), GP64())
	sum := XMM()
	VXORPD(sum, sum, sum)
	i := GP64()
	XORQ(i, i)
	Label("sum")
	CMPQ(i, live)
	JGE(LabelRef("div"))
	VADDSD(Mem{Base: p[0], Index: i, Scale: 8}, sum, sum)
	INCQ(i)
	JMP(LabelRef("sum"))
	Label("div")
	s := YMM()
	VBROADCASTSD(sum, s)
	XORQ(i, i)
	Label("divloop")
	CMPQ(i, n)
	JGE(LabelRef("divdone"))
	e := YMM()
	VMOVUPD(Mem{Base: p[0], Index: i, Scale: 8}, e)
	VDIVPD(s, e, e) // e/sum
	VMOVUPD(e, Mem{Base: p[0], Index: i, Scale: 8})
	VMULPD(Mem{Base: p[2], Index: i, Scale: 8}, e, e) // v·p
	VMOVUPD(e, Mem{Base: p[1], Index: i, Scale: 8})
	ADDQ(U8(4), i)
	JMP(LabelRef("divloop"))
	Label("divdone")
}
