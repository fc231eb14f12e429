package main

import (
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/fastslow/stream/vmath/gen/emit"
)

// zmmKernels writes the prediction kernels of exactly 8 units with
// AVX-512: each buffer of a prediction is one zmm register, the whole
// prediction one chain of dependent operations held in registers from the
// sums s to the logits (no store and load between the layers, the ordered
// sums taken from the register's lanes), with the exponential's and the
// logarithm's AVX-512 emitters (package emit) and mask registers for the
// masked lanes. Every value has predictAVX2's bits.
type zmmKernels struct {
	checked         func(acc Register, keep []Op, u []VecVirtual) []VecVirtual
	log             func(x ...VecVirtual) []VecVirtual
	sign, one, zero Mem
}

func newZMMKernels() zmmKernels {
	return zmmKernels{
		checked: emit.NewChecked512(emit.NewExp512()), log: emit.NewLog512(),
		sign: ConstData("zsignbit", U64(1<<63)), one: emit.Const("zone", 1), zero: ConstData("zzero", U64(0)),
	}
}

// single writes predict8AVX512, predictAVX2 for n = 8.
func (zk zmmKernels) single() {
	TEXT("predict8AVX512", NOSPLIT, "func(p *[11]*float64, k *[4]float64) bool")
	Pragma("noescape")
	Doc("predict8AVX512 is predictAVX2 for n = 8 (mask[i] 0 or 1), each value",
		"with its bits, in zmm registers, from predictAVX2's pointers s, r, e,",
		"mask, h, pc, oc, pw, ow, asso and z in p and its c, beta, temp and phi",
		"in k.")
	zk.predictions(predictionSet{suffix: ""})
}

// pair writes predictPair8AVX512, predictPairAVX2 for n = 8, the two
// predictions' chains interleaved instruction by instruction.
func (zk zmmKernels) pair() {
	TEXT("predictPair8AVX512", NOSPLIT, "func(p *[11]*float64, k *[4]float64, first *[11]*float64) bool")
	Pragma("noescape")
	Doc("predictPair8AVX512 is predictPairAVX2 for n = 8 (mask[i] 0 or 1), each",
		"value with its bits, in zmm registers, with predict8AVX512's p and k,",
		"and s1, r1, e1, h1, pc1, oc1, pw1 and ow1 in first where p has s, r, e,",
		"h, pc, oc, pw and ow.")
	zk.predictions(predictionSet{"1", true}, predictionSet{suffix: ""})
}

// predictions emits the body of a kernel of one or two predictions of 8
// units, each phase of every set interleaved with the other's.
func (zk zmmKernels) predictions(sets ...predictionSet) {
	n := len(sets)
	each := func(f func(i int)) {
		for i := range n {
			f(i)
		}
	}
	// The pointers and the constants, read from the arrays of the
	// arguments (two arguments to copy in the call instead of 15 or 23).
	bases := []Register{Load(Param("p"), GP64())}
	if n > 1 {
		bases = append(bases, Load(Param("first"), GP64()))
	}
	consts := Load(Param("k"), GP64())
	slot := map[string]int{"s": 0, "r": 1, "e": 2, "mask": 3, "h": 4, "pc": 5, "oc": 6, "pw": 7, "ow": 8, "asso": 9, "z": 10}
	ptr := func(name string) Register {
		base := bases[0]
		if strings.HasSuffix(name, "1") {
			name, base = strings.TrimSuffix(name, "1"), bases[1]
		}
		r := GP64()
		MOVQ(Mem{Base: base, Disp: 8 * slot[name]}, r)
		return r
	}
	store := func(v []VecVirtual, name string) {
		each(func(i int) { VMOVUPD(v[i], Mem{Base: ptr(name + sets[i].suffix)}) })
	}
	// live returns the mask of the lanes of v that are not 0 (a NaN is live).
	live := func(v []VecVirtual) []Op {
		k := make([]Op, n)
		each(func(i int) {
			k[i] = K()
			VCMPPD_BCST(U8(0x04), zk.zero, v[i], k[i]) // v ≠ 0, unordered true
		})
		return k
	}
	acc := K()
	KXNORB(acc, acc, acc)
	paramAddr := func(name string) Mem {
		return Mem{Base: consts, Disp: 8 * map[string]int{"c": 0, "beta": 1, "temp": 2, "phi": 3}[name]}
	}

	// The activation: r = √s, u = −(r·c), e = exp(u), 0 where not
	// recruited, and h = e (e·mask, mask 1 where e is not 0).
	c := ZMM()
	VBROADCASTSD(paramAddr("c"), c)
	VXORPD_BCST(zk.sign, c, c) // −c
	mk := ZMM()
	VMOVUPD(Mem{Base: ptr("mask")}, mk)
	recruited := K()
	VCMPPD_BCST(U8(0x04), zk.zero, mk, recruited)
	u := emit.Regs(n, ZMM)
	each(func(i int) { VSQRTPD(Mem{Base: ptr("s" + sets[i].suffix)}, u[i]) })
	store(u, "r")
	each(func(i int) { VMULPD(c, u[i], u[i]) }) // r·(−c) = −(r·c): rounding is symmetric
	keep := make([]Op, n)
	for i := range keep {
		keep[i] = recruited
	}
	h := zk.checked(acc, keep, u)
	store(h, "e")
	store(h, "h")

	// The competition: its silent units compute on 1 (v/t = 0) and enter
	// its sum as +0. They are the units not recruited: an exponential of
	// an argument in [−700, 700] is positive (and with one outside, the
	// kernel's results are not used), so h is not 0 exactly where the unit
	// is recruited, and the mask, known from the start, takes h's
	// comparison with 0 off the chain.
	liveH := keep
	ones, v := ZMM(), emit.Regs(n, ZMM)
	VBROADCASTSD(zk.one, ones)
	each(func(i int) { VBLENDMPD(h[i], ones, liveH[i], v[i]) }) // h where live, 1 elsewhere
	w := zk.log(v...)
	beta := ZMM()
	VBROADCASTSD(paramAddr("beta"), beta)
	t := emit.Regs(n, ZMM)
	each(func(i int) { VMULPD(w[i], beta, w[i]) }) // β·ln v
	each(func(i int) { VDIVPD(w[i], v[i], t[i]) }) // v/w
	each(func(i int) { VDIVPD(t[i], v[i], t[i]) }) // v/t
	pc := zk.checked(acc, liveH, t)
	zk.normalise(each, pc, n)
	store(pc, "pc")
	oc := emit.Regs(n, ZMM)
	each(func(i int) { VMULPD(h[i], pc[i], oc[i]) }) // v·p
	store(oc, "oc")

	// The soft winner-take-all: g = oc/T, exp(g), +0 where oc is 0.
	temp := ZMM()
	VBROADCASTSD(paramAddr("temp"), temp)
	g := emit.Regs(n, ZMM)
	each(func(i int) { VDIVPD(temp, oc[i], g[i]) })
	pw := zk.checked(acc, live(oc), g)
	zk.normalise(each, pw, n)
	store(pw, "pw")
	ow := emit.Regs(n, ZMM)
	each(func(i int) { VMULPD(oc[i], pw[i], ow[i]) })
	store(ow, "ow")

	// The association: z[c] = (Σ_i ow[i]·asso[2i+c])·phi over the
	// recruited units in order, both classes in the two lanes of an xmm
	// register. The products of the even units (0, 2, 4, 6) are
	// unpacklo(ow, ow) times their association rows' pairs, gathered in
	// 128-bit parts from asso, those of the odd units unpackhi(ow, ow)
	// times theirs; a term of a unit not recruited is +0 (zero-masked),
	// which leaves the sum's bits as the scalar loop's, which skips it
	// (its sum starts at +0 and adds at least that +0 first, so it is
	// never −0).
	for i, set := range sets {
		if set.noLogits {
			continue
		}
		asso := ptr("asso")
		a0, a1, ae, ao := ZMM(), ZMM(), ZMM(), ZMM()
		VMOVUPD(Mem{Base: asso}, a0)
		VMOVUPD(Mem{Base: asso, Disp: 64}, a1)
		VSHUFF64X2(U8(0b10_00_10_00), a1, a0, ae) // units 0, 2 | 4, 6
		VSHUFF64X2(U8(0b11_01_11_01), a1, a0, ao) // units 1, 3 | 5, 7
		me, mo, ke, ko := ZMM(), ZMM(), K(), K()
		VUNPCKLPD(mk, mk, me)
		VUNPCKHPD(mk, mk, mo)
		VCMPPD_BCST(U8(0x04), zk.zero, me, ke)
		VCMPPD_BCST(U8(0x04), zk.zero, mo, ko)
		pe, po := ZMM(), ZMM()
		VUNPCKLPD(ow[i], ow[i], pe)
		VUNPCKHPD(ow[i], ow[i], po)
		VMULPD_Z(ae, pe, ke, pe)
		VMULPD_Z(ao, po, ko, po)
		parts := func(v VecVirtual) []Op {
			p := []Op{v.AsX()}
			for j := 1; j < 4; j++ {
				x := XMM()
				VEXTRACTF64X2(U8(j), v, x)
				p = append(p, x)
			}
			return p
		}
		even, odd := parts(pe), parts(po)
		sum := XMM()
		VXORPD(sum, sum, sum)
		for j := range 4 {
			VADDPD(even[j], sum, sum)
			VADDPD(odd[j], sum, sum)
		}
		phi := XMM()
		VMOVDDUP(paramAddr("phi"), phi)
		VMULPD(phi, sum, sum)
		VMOVUPD(sum, Mem{Base: ptr("z" + set.suffix)})
	}

	ok := GP8()
	KORTESTB(acc, acc)
	SETCS(ok) // every lane of acc set
	VZEROUPPER()
	Store(ok, ReturnIndex(0))
	RET()
}

// normalise emits e /= Σ e over the 8 lanes of each of e's registers,
// the sum one lane after the other from lane 0, as the scalar loop adds
// them (its first addition, 0 + e[0], is e[0]: the exponentials are
// positive or +0).
func (zk zmmKernels) normalise(each func(func(i int)), e []VecVirtual, n int) {
	total := emit.Regs(n, ZMM)
	lanes := make([][]Op, n)
	each(func(i int) {
		lanes[i] = []Op{e[i].AsX()}
		for j := 1; j < 4; j++ {
			x := XMM()
			VEXTRACTF64X2(U8(j), e[i], x)
			lanes[i] = append(lanes[i], x)
		}
	})
	high := make([][]Op, n)
	each(func(i int) {
		for _, x := range lanes[i] {
			y := XMM()
			VPERMILPD(U8(1), x, y)
			high[i] = append(high[i], y)
		}
	})
	sum := emit.Regs(n, XMM)
	each(func(i int) { VADDSD(high[i][0], lanes[i][0], sum[i]) })
	for j := 1; j < 4; j++ {
		each(func(i int) { VADDSD(lanes[i][j], sum[i], sum[i]) })
		each(func(i int) { VADDSD(high[i][j], sum[i], sum[i]) })
	}
	each(func(i int) { VBROADCASTSD(sum[i], total[i]) })
	each(func(i int) { VDIVPD(total[i], e[i], e[i]) })
}

// lanes writes the kernels that apply the AVX-512 exponential and
// logarithm alone to n values (n a multiple of 8), so that the tests
// compare every lane with math.Exp and math.Log on the functions' edges.
func (zk zmmKernels) lanes() {
	loop := func(name string, body func(x VecVirtual, acc Register) VecVirtual) {
		dst, src, n := Load(Param("dst"), GP64()), Load(Param("src"), GP64()), Load(Param("n"), GP64())
		acc := K()
		KXNORB(acc, acc, acc)
		i := GP64()
		XORQ(i, i)
		Label(name + "loop")
		CMPQ(i, n)
		JGE(LabelRef(name + "done"))
		x := ZMM()
		VMOVUPD(Mem{Base: src, Index: i, Scale: 8}, x)
		VMOVUPD(body(x, acc), Mem{Base: dst, Index: i, Scale: 8})
		ADDQ(U8(8), i)
		JMP(LabelRef(name + "loop"))
		Label(name + "done")
		ok := GP8()
		KORTESTB(acc, acc)
		SETCS(ok)
		VZEROUPPER()
		Store(ok, ReturnIndex(0))
		RET()
	}
	TEXT("expLanesAVX512", NOSPLIT, "func(dst, src *float64, n int) bool")
	Pragma("noescape")
	Doc("expLanesAVX512 sets dst[i] to the AVX-512 lanes' exponential of src[i]",
		"for i < n, n a multiple of 8; it reports whether every src[i] was in",
		"[−700, 700], where the lanes give math.Exp's bits.")
	loop("exp", func(x VecVirtual, acc Register) VecVirtual { return zk.checked(acc, nil, []VecVirtual{x})[0] })
	TEXT("logLanesAVX512", NOSPLIT, "func(dst, src *float64, n int) bool")
	Pragma("noescape")
	Doc("logLanesAVX512 sets dst[i] to the AVX-512 lanes' logarithm of src[i]",
		"for i < n, n a multiple of 8, math.Log's bits for a positive finite",
		"src[i]; it returns true.")
	loop("log", func(x VecVirtual, _ Register) VecVirtual { return zk.log(x)[0] })
}
