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
	exp, log := emit.NewExp(), emit.NewLog()
	checked := fusedKernels(exp, log)
	pk := newPredictionKernels(checked, log)
	pk.single()
	pk.pair()
	zk := newZMMKernels()
	zk.single()
	zk.pair()
	zk.lanes()
	Generate()
}

// fusedKernels writes the kernels of the clustering layers' element-wise
// steps around their exponentials, each lane with the scalar code's
// operations in its order (divisions and square roots are correctly
// rounded in lanes as in scalars). Those with an exponential report
// whether every argument of it was in [−700, 700]; if not, the caller
// computes them all again in scalars. It returns its checked exponential,
// whose constants it declared.
func fusedKernels(exp, log emit.Func) func(acc VecVirtual, u []VecVirtual) []VecVirtual {
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
			equiv(log(x...), x, t, s)
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
	return checked
}

// equiv emits the argument of the competition's exponential with the
// equivalent temperature, t = v/(v/w) with w = β·ln v, from w = ln v (which
// it scales in place), into t.
func equiv(w, v, t []VecVirtual, beta VecVirtual) {
	for j := range w {
		VMULPD(w[j], beta, w[j]) // β·ln v
	}
	for j := range w {
		VDIVPD(w[j], v[j], t[j]) // v/w
	}
	for j := range w {
		VDIVPD(t[j], v[j], t[j]) // v/t
	}
}

// normalise emits the softmax's second part over the kernel's e, o and v:
// the sum of e[i] for i < live, one value after the other from 0 as the
// scalar loop adds them, then e[i] /= sum and o[i] = v[i]·e[i] for i < n.
func normalise(p []Register, n Register) {
	live := Load(Param("live"), GP64())
	sum := sumOf("sum", p[0], live)
	i := GP64()
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

// predictionKernels writes the kernels of whole predictions with the
// exponential and the logarithm given and the constants they share.
type predictionKernels struct {
	checked   func(acc VecVirtual, u []VecVirtual) []VecVirtual
	log       emit.Func
	sign, one Mem
}

// newPredictionKernels declares the constants of the prediction kernels.
func newPredictionKernels(checked func(acc VecVirtual, u []VecVirtual) []VecVirtual, log emit.Func) predictionKernels {
	return predictionKernels{checked: checked, log: log, sign: ConstData("psignbit", U64(1<<63)), one: emit.Const("pone", 1)}
}

// single writes the kernel of a whole prediction of the clustering
// model from its units' attention-weighted distances s to its two logits:
// the activation, the competition with the equivalent temperature, the
// soft winner-take-all and the association, each lane with the layers'
// operations in their order and each sum one value after the other from 0,
// as their Go loops add them, so without a return to Go between the
// layers. The units not recruited and those silent in a softmax are
// masked, not left out: their lanes compute on a value whose exponential
// is in range and their terms enter each sum as +0, which leaves its bits
// as the layers' sum over the live units alone.
func (pk predictionKernels) single() {
	TEXT("predictAVX2", NOSPLIT, "func(s, r, e, mask, h, pc, oc, pw, ow, asso, z *float64, c, beta, temp, phi float64, n int) bool")
	Pragma("noescape")
	Doc("predictAVX2 computes, for i < n, n a multiple of 4 (with q/r = ½), and",
		"mask[i] 1 for a recruited unit, 0 for another: the activation r[i] = √s[i],",
		"e[i] = math.Exp(−(r[i]·c)) (0 where mask[i] is 0), h[i] = e[i]·mask[i];",
		"the competition pc[i] = math.Exp(h[i]/(h[i]/(beta·math.Log(h[i])))) divided by",
		"their sum, oc[i] = h[i]·pc[i], over the units of nonzero h[i] (0 for the",
		"others); the soft winner-take-all pw[i] = math.Exp(oc[i]/temp) divided by",
		"their sum, ow[i] = oc[i]·pw[i], over the units of nonzero oc[i] (0 for the",
		"others); and the logits z[c] = (Σ_i ow[i]·asso[2i+c])·phi over the recruited",
		"units. Each sum adds its terms in order from 0. It reports whether every",
		"argument of an exponential was in [−700, 700].")
	pk.predictions(predictionSet{suffix: ""})
}

// pair writes the kernel of two predictions of the same units
// from two sets of sums (the model's first prediction of a trial and its
// second, after the attention's constraint moved the attention), each
// phase of the second emitted after the first's, so that their chains of
// dependent operations, independent of each other, run side by side in the
// CPU's window instead of one after the other. The first's logits are not
// computed (the model reads its support from ow1 and h1).
func (pk predictionKernels) pair() {
	TEXT("predictPairAVX2", NOSPLIT, "func(s, r, e, mask, h, pc, oc, pw, ow, asso, z, s1, r1, e1, h1, pc1, oc1, pw1, ow1 *float64, c, beta, temp, phi float64, n int) bool")
	Pragma("noescape")
	Doc("predictPairAVX2 is predictAVX2 from s into r, e, h, pc, oc, pw, ow and z",
		"and, beside it, from s1 into r1, e1, h1, pc1, oc1, pw1 and ow1 (without",
		"the logits), with the same mask and constants; it reports whether every",
		"argument of an exponential of both was in [−700, 700].")
	pk.predictions(predictionSet{"1", true}, predictionSet{suffix: ""})
}

// predictionSet names the buffers of one prediction of a kernel: the
// parameters s, r, e, h, pc, oc, pw and ow with the suffix, and z unless
// noLogits.
type predictionSet struct {
	suffix   string
	noLogits bool
}

// predictions emits the body of a kernel of one or more predictions over
// the parameters mask, asso, c, beta, temp, phi and n and each set's
// buffers, phase by phase, each phase of every set before the next phase;
// each phase loads the pointers it reads (a pair's would not fit in the
// general registers all at once).
func (pk predictionKernels) predictions(sets ...predictionSet) {
	checked, log, sign, one := pk.checked, pk.log, pk.sign, pk.one
	bcast := func(name string) VecVirtual {
		x, y := Load(Param(name), XMM()), YMM()
		VBROADCASTSD(x, y)
		return y
	}
	ptr := func(name string) Register { return Load(Param(name), GP64()) }
	n := Load(Param("n"), GP64())
	acc := YMM()
	VPCMPEQQ(acc, acc, acc)
	zero := YMM()
	VXORPD(zero, zero, zero)
	// live returns the lanes of x that are not 0 (a NaN is live).
	live := func(x Op) VecVirtual {
		l := YMM()
		VCMPPD(U8(0x04), x, zero, l) // 0 ≠ x, unordered true
		return l
	}

	// The activation and the competition's exponentials. With two sets
	// each set's activation runs before both competitions (the second
	// part reading h back from memory), so that the window holds two
	// independent chains in each part.
	c, beta := bcast("c"), bcast("beta")
	split := len(sets) > 1
	activation := func(sx string, m emit.Addr, blocks int) []VecVirtual {
		s, r, e, mask, h := ptr("s"+sx), ptr("r"+sx), ptr("e"+sx), ptr("mask"), ptr("h"+sx)
		u := emit.Regs(blocks, YMM)
		for j := range blocks {
			VSQRTPD(m(s, j), u[j])
			VMOVUPD(u[j], m(r, j))
		}
		neg := emit.Bcast(sign)
		for j := range blocks {
			VMULPD(c, u[j], u[j])
			VXORPD(neg, u[j], u[j]) // −(r·c)
		}
		x := checked(acc, u)
		for j := range blocks {
			k := YMM()
			VMOVUPD(m(mask, j), k)
			VANDPD(live(k), x[j], x[j]) // 0 where not recruited
			VMOVUPD(x[j], m(e, j))
			VMULPD(k, x[j], x[j]) // h = H·mask
			VMOVUPD(x[j], m(h, j))
		}
		return x
	}
	competition := func(sx string, m emit.Addr, blocks int, x []VecVirtual) {
		h, pc := ptr("h"+sx), ptr("pc"+sx)
		if x == nil {
			x = emit.Regs(blocks, YMM)
			for j := range blocks {
				VMOVUPD(m(h, j), x[j])
			}
		}
		// The competition's silent units compute on 1 (v/t = 0).
		v, o := emit.Regs(blocks, YMM), emit.Bcast(one)
		for j := range blocks {
			lv, pad := live(x[j]), YMM()
			VANDPD(lv, x[j], v[j])
			VANDNPD(o, lv, pad) // 1 where silent
			VORPD(pad, v[j], v[j])
		}
		w, t := log(v...), emit.Regs(blocks, YMM)
		equiv(w, v, t, beta)
		for j, y := range checked(acc, t) {
			VANDPD(live(m(h, j)), y, y) // +0 in the sum where silent
			VMOVUPD(y, m(pc, j))
		}
	}
	for _, set := range sets {
		sx := set.suffix
		emit.Blocks("act"+sx, n, func(m emit.Addr, blocks int) {
			x := activation(sx, m, blocks)
			if !split {
				competition(sx, m, blocks, x)
			}
		})
	}
	if split {
		for _, set := range sets {
			sx := set.suffix
			emit.Blocks("compexp"+sx, n, func(m emit.Addr, blocks int) { competition(sx, m, blocks, nil) })
		}
	}
	sums := make([]VecVirtual, len(sets))
	for i, set := range sets {
		sums[i] = sumOf("csum"+set.suffix, ptr("pc"+set.suffix), n)
	}

	// The competition's normalisation and the winner-take-all's exponentials
	// (a silent unit's 0/T is in range).
	temp := bcast("temp")
	for i, set := range sets {
		sx := set.suffix
		pc, h, oc, pw := ptr("pc"+sx), ptr("h"+sx), ptr("oc"+sx), ptr("pw"+sx)
		total := YMM()
		VBROADCASTSD(sums[i], total)
		emit.Blocks("comp"+sx, n, func(m emit.Addr, blocks int) {
			g := emit.Regs(blocks, YMM)
			for j := range blocks {
				VMOVUPD(m(pc, j), g[j])
				VDIVPD(total, g[j], g[j]) // e/sum
				VMOVUPD(g[j], m(pc, j))
				VMULPD(m(h, j), g[j], g[j]) // v·p
				VMOVUPD(g[j], m(oc, j))
			}
			for j := range blocks {
				VDIVPD(temp, g[j], g[j]) // g/T
			}
			for j, y := range checked(acc, g) {
				VANDPD(live(m(oc, j)), y, y)
				VMOVUPD(y, m(pw, j))
			}
		})
	}
	for i, set := range sets {
		sums[i] = sumOf("wsum"+set.suffix, ptr("pw"+set.suffix), n)
	}

	// The winner-take-all's normalisation.
	for i, set := range sets {
		sx := set.suffix
		pw, oc, ow := ptr("pw"+sx), ptr("oc"+sx), ptr("ow"+sx)
		total := YMM()
		VBROADCASTSD(sums[i], total)
		emit.Blocks("wta"+sx, n, func(m emit.Addr, blocks int) {
			for j := range blocks {
				p := YMM()
				VMOVUPD(m(pw, j), p)
				VDIVPD(total, p, p)
				VMOVUPD(p, m(pw, j))
				VMULPD(m(oc, j), p, p)
				VMOVUPD(p, m(ow, j))
			}
		})
	}

	// The association: each class's sum over the recruited units in their
	// order.
	for _, set := range sets {
		if set.noLogits {
			continue
		}
		sx := set.suffix
		mask, ow, asso, z := ptr("mask"), ptr("ow"+sx), ptr("asso"), ptr("z"+sx)
		z0, z1, o, t := XMM(), XMM(), XMM(), XMM()
		VXORPD(z0, z0, z0)
		VXORPD(z1, z1, z1)
		i := GP64()
		XORQ(i, i)
		Label("assoloop" + sx)
		CMPQ(i, n)
		JGE(LabelRef("assodone" + sx))
		VMOVSD(Mem{Base: mask, Index: i, Scale: 8}, o)
		VUCOMISD(zero.AsX(), o)
		JE(LabelRef("assonext" + sx)) // not recruited (the mask is 0 or 1)
		VMOVSD(Mem{Base: ow, Index: i, Scale: 8}, o)
		VMULSD(Mem{Base: asso}, o, t)
		VADDSD(t, z0, z0)
		VMULSD(Mem{Base: asso, Disp: 8}, o, t)
		VADDSD(t, z1, z1)
		Label("assonext" + sx)
		ADDQ(U8(16), asso) // the next unit's row
		INCQ(i)
		JMP(LabelRef("assoloop" + sx))
		Label("assodone" + sx)
		phi := Load(Param("phi"), XMM())
		VMULSD(phi, z0, z0)
		VMULSD(phi, z1, z1)
		VMOVSD(z0, Mem{Base: z})
		VMOVSD(z1, Mem{Base: z, Disp: 8})
	}

	emit.ReturnAllSet(acc)
	RET()
}

// sumOf emits the sum of the n values at p, one after the other from 0 as
// a Go loop adds them, and returns its register; its labels start with
// name.
func sumOf(name string, p, n Register) VecVirtual {
	sum := XMM()
	VXORPD(sum, sum, sum)
	i := GP64()
	XORQ(i, i)
	Label(name)
	CMPQ(i, n)
	JGE(LabelRef(name + "done"))
	VADDSD(Mem{Base: p, Index: i, Scale: 8}, sum, sum)
	INCQ(i)
	JMP(LabelRef(name))
	Label(name + "done")
	return sum
}
