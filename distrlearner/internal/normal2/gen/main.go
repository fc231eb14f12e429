// Command gen writes the assembly of normal2's kernels with avo: the
// two-dimensional density layer's per-unit arithmetic, two units per
// 256-bit vector (AVX2), each unit's two dimensions side by side as the
// layer stores them, each lane with the scalar code's operations in its
// order — the same subtractions, divisions, multiplications and additions,
// each correctly rounded and none fused — so that every lane has its bits.
//
//	cd distrlearner/internal/normal2/gen && GOWORK=off go run . -pkg normal2 -out ../normal2_amd64.s -stubs ../normal2_amd64.go
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

func main() {
	ConstraintExpr("!purego")
	forwardKernel()
	backwardKernel()
	backwardStepKernel()
	forwardScanKernel()
	Generate()
}

// pairs loads the two values of unit a (low half) and of unit b (high
// half) from base, whose pairs are at 8·(2a) and 8·(2b).
func pairs(base, a2, b2 Register) VecVirtual {
	y := YMM()
	VMOVUPD(Mem{Base: base, Index: a2, Scale: 8}, y.AsX())
	VINSERTF128(U8(1), Mem{Base: base, Index: b2, Scale: 8}, y, y)
	return y
}

// store writes the low half of y to unit a's pair and the high half to b's.
func store(y VecVirtual, base, a2, b2 Register) {
	VMOVUPD(y.AsX(), Mem{Base: base, Index: a2, Scale: 8})
	h := XMM()
	VEXTRACTF128(U8(1), y, h)
	VMOVUPD(h, Mem{Base: base, Index: b2, Scale: 8})
}

// unitPair loads units[i] and units[i+1] and returns them doubled (the
// index of each one's first value in a pair array) and as they are; it
// jumps to "stop" unless both are below lim (unsigned: a negative unit
// is out too).
func unitPair(units, i Register, lim Op) (a2, b2, a, b Register) {
	a, b = GP64(), GP64()
	MOVQ(Mem{Base: units, Index: i, Scale: 8}, a)
	MOVQ(Mem{Base: units, Index: i, Scale: 8, Disp: 8}, b)
	CMPQ(a, lim)
	JAE(LabelRef("stop"))
	CMPQ(b, lim)
	JAE(LabelRef("stop"))
	a2, b2 = GP64(), GP64()
	LEAQ(Mem{Base: a, Index: a, Scale: 1}, a2)
	LEAQ(Mem{Base: b, Index: b, Scale: 1}, b2)
	return a2, b2, a, b
}

// forwardConsts are what the forward kernels' arithmetic takes besides a
// pair of units: the stimulus x0, x1, x0, x1, the constant c and −0.5 in
// every lane.
type forwardConsts struct{ x, c, half VecVirtual }

// negHalf is −0.5, the constant of the forward kernels (one datum for both).
var negHalf Mem

// loadForward loads the forward kernels' parameters x and c and −0.5.
func loadForward() forwardConsts {
	xp := Load(Param("x"), GP64())
	fc := forwardConsts{YMM(), YMM(), YMM()}
	VBROADCASTF128(Mem{Base: xp}, fc.x)
	cx := XMM()
	Load(Param("c"), cx)
	VBROADCASTSD(cx, fc.c)
	if negHalf.Symbol.Name == "" {
		negHalf = ConstData("neghalf", U64(math.Float64bits(-0.5)))
	}
	VBROADCASTSD(negHalf, fc.half)
	return fc
}

// density does the forward kernels' arithmetic for units a and b (at a2
// and b2 in the pair arrays, the i-th and (i+1)-th listed) from their
// scales s: w = (x − μ)/σ stored, and arg[i], arg[i+1] =
// −0.5·(c + (w0·w0 + w1·w1)) − (ls0 + ls1).
func density(fc forwardConsts, s VecVirtual, mu, logS, wp, arg, i, a2, b2 Register) {
	w := YMM()
	VSUBPD(pairs(mu, a2, b2), fc.x, w) // x − μ
	VDIVPD(s, w, w)                    // (x − μ)/σ
	store(w, wp, a2, b2)
	VMULPD(w, w, w) // w0·w0, w1·w1
	h := YMM()
	VHADDPD(pairs(logS, a2, b2), w, h) // m, hld of unit a; m, hld of unit b
	t := YMM()
	VADDPD(h, fc.c, t) // c + m (lanes 0 and 2)
	VMULPD(fc.half, t, t)
	VPERMILPD(U8(5), h, h) // hld in lanes 0 and 2
	VSUBPD(h, t, t)        // −0.5·(c + m) − hld
	VMOVSD(t.AsX(), Mem{Base: arg, Index: i, Scale: 8})
	hi := XMM()
	VEXTRACTF128(U8(1), t, hi)
	VMOVSD(hi, Mem{Base: arg, Index: i, Scale: 8, Disp: 8})
}

// forwardKernel writes forwardAVX2: per unit k, w = (x − μ_k)/σ_k and
// arg = −0.5·(c + (w0·w0 + w1·w1)) − (ls0 + ls1).
func forwardKernel() {
	TEXT("forwardAVX2", NOSPLIT, "func(x *float64, c float64, units *int, n, lim int, mu, scale, logS, w, arg *float64) int")
	Pragma("noescape")
	Doc("forwardAVX2 is Forward's arithmetic for units[:n], n even, as far as the first",
		"unit not below lim: it returns how many units it did.")
	fc := loadForward()
	ptr := func(name string) Register { return Load(Param(name), GP64()) }
	units, n, lim := ptr("units"), Load(Param("n"), GP64()), Load(Param("lim"), GP64())
	mu, scale, logS, wp, arg := ptr("mu"), ptr("scale"), ptr("logS"), ptr("w"), ptr("arg")

	i := GP64()
	XORQ(i, i)
	Label("floop")
	CMPQ(i, n)
	JGE(LabelRef("stop"))
	a2, b2, _, _ := unitPair(units, i, lim)
	density(fc, pairs(scale, a2, b2), mu, logS, wp, arg, i, a2, b2)
	ADDQ(U8(2), i)
	JMP(LabelRef("floop"))
	Label("stop")
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// backwardKernel writes backwardAVX2: per unit k, g = dAct_k·act_k,
// b = g·w/σ, gmu = b, gscale = b·w − g/σ, glow_k = b1·w0.
func backwardKernel() {
	TEXT("backwardAVX2", NOSPLIT, "func(units *int, n, lim int, dAct, act, w, scale, gmu, gscale, glow *float64) int")
	Pragma("noescape")
	Doc("backwardAVX2 is Backward's arithmetic for units[:n], n even, as far as the first",
		"unit not below lim: it returns how many units it did.")
	ptr := func(name string) Register { return Load(Param(name), GP64()) }
	units, n, lim := ptr("units"), Load(Param("n"), GP64()), Load(Param("lim"), GP64())
	dAct, act, wp, scale := ptr("dAct"), ptr("act"), ptr("w"), ptr("scale")
	gmu, gscale, glow := ptr("gmu"), ptr("gscale"), ptr("glow")

	i := GP64()
	XORQ(i, i)
	Label("bloop")
	CMPQ(i, n)
	JGE(LabelRef("stop"))
	a2, b2, a, b := unitPair(units, i, lim)
	// g = dAct·act, each unit's twice
	g1 := func(k Register) VecVirtual {
		d, v := XMM(), XMM()
		VMOVDDUP(Mem{Base: dAct, Index: k, Scale: 8}, d)
		VMOVDDUP(Mem{Base: act, Index: k, Scale: 8}, v)
		VMULPD(v, d, d)
		return d
	}
	ga, gb := g1(a), g1(b)
	g := YMM()
	VINSERTF128(U8(1), gb, ga.AsY(), g)
	w, s := pairs(wp, a2, b2), pairs(scale, a2, b2)
	bv := YMM()
	VMULPD(w, g, bv)  // g·w
	VDIVPD(s, bv, bv) // g·w/σ
	store(bv, gmu, a2, b2)
	q, r := YMM(), YMM()
	VMULPD(w, bv, q) // b·w
	VDIVPD(s, g, r)  // g/σ
	VSUBPD(r, q, q)  // b·w − g/σ
	store(q, gscale, a2, b2)
	VPERMILPD(U8(5), w, w) // w1, w0
	VMULPD(w, bv, q)       // lane 1: b1·w0
	VMOVHPD(q.AsX(), Mem{Base: glow, Index: a, Scale: 8})
	hi := XMM()
	VEXTRACTF128(U8(1), q, hi)
	VMOVHPD(hi, Mem{Base: glow, Index: b, Scale: 8})
	ADDQ(U8(2), i)
	JMP(LabelRef("bloop"))
	Label("stop")
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// dup2 loads v[a] into both lanes of the low half and v[b] into both
// lanes of the high half.
func dup2(v, a, b Register) VecVirtual {
	x, y := XMM(), XMM()
	VMOVDDUP(Mem{Base: v, Index: a, Scale: 8}, x)
	VMOVDDUP(Mem{Base: v, Index: b, Scale: 8}, y)
	r := YMM()
	VINSERTF128(U8(1), y, x.AsY(), r)
	return r
}

// stepLow steps one unit's lower part: lo[k] = lo[k] + r·(lane 1 of x),
// with one rounding.
func stepLow(x, r Register, lo, k Register) {
	t, l := XMM(), XMM()
	VPERMILPD(U8(1), x, t)
	VMOVSD(Mem{Base: lo, Index: k, Scale: 8}, l)
	VFMADD231SD(r, t, l)
	VMOVSD(l, Mem{Base: lo, Index: k, Scale: 8})
}

// backwardStepKernel writes backwardStepAVX2: per unit k, the association
// layer's backward pass (gA = act_k·g, dAct = g0·A_k0 + g1·A_k1 with the
// weights before their step), the density layer's (as backwardKernel),
// and the SGD steps without momentum, v = v + r·g with one rounding each:
// the weights, the means, the scales and the lower part.
func backwardStepKernel() {
	TEXT("backwardStepAVX2", NOSPLIT, "func(units *int, n, lim int, dz, act, w, a, mu, scale, low, rate *float64) int")
	Pragma("noescape")
	Doc("backwardStepAVX2 is BackwardStep's arithmetic for units[:n], n even, as far as",
		"the first unit not below lim: it returns how many units it did.")
	ptr := func(name string) Register { return Load(Param(name), GP64()) }
	units, n, lim := ptr("units"), Load(Param("n"), GP64()), Load(Param("lim"), GP64())
	gp, act, wp, ap := ptr("dz"), ptr("act"), ptr("w"), ptr("a")
	mup, scale, low, rate := ptr("mu"), ptr("scale"), ptr("low"), ptr("rate")
	gz := YMM()
	VBROADCASTF128(Mem{Base: gp}, gz) // g0, g1, g0, g1
	rA, rU, rN := YMM(), YMM(), YMM()
	VBROADCASTSD(Mem{Base: rate}, rA)
	VBROADCASTSD(Mem{Base: rate, Disp: 8}, rU)
	VBROADCASTSD(Mem{Base: rate, Disp: 16}, rN)

	i := GP64()
	XORQ(i, i)
	Label("sloop")
	CMPQ(i, n)
	JGE(LabelRef("stop"))
	a2, b2, a, b := unitPair(units, i, lim)
	av := dup2(act, a, b)
	wa := pairs(ap, a2, b2)
	d := YMM()
	VMULPD(gz, wa, d) // g0·A0, g1·A1 of each unit
	VHADDPD(d, d, d)  // dAct, twice for each unit
	ga := YMM()
	VMULPD(gz, av, ga) // act·g0, act·g1: ∂L/∂A
	VFMADD231PD(rN, ga, wa)
	store(wa, ap, a2, b2)
	g := YMM()
	VMULPD(av, d, g) // dAct·act
	w, s := pairs(wp, a2, b2), pairs(scale, a2, b2)
	bv := YMM()
	VMULPD(w, g, bv)  // g·w
	VDIVPD(s, bv, bv) // g·w/σ = ∂L/∂μ
	q, r := YMM(), YMM()
	VMULPD(w, bv, q) // b·w
	VDIVPD(s, g, r)  // g/σ
	VSUBPD(r, q, q)  // b·w − g/σ = ∂L/∂σ
	VFMADD231PD(rA, q, s)
	store(s, scale, a2, b2)
	m := pairs(mup, a2, b2)
	VFMADD231PD(rU, bv, m)
	store(m, mup, a2, b2)
	VPERMILPD(U8(5), w, w) // w1, w0
	VMULPD(w, bv, q)       // lane 1: b1·w0 = ∂L/∂(lower part)
	stepLow(q.AsX(), rA.AsX(), low, a)
	hi := XMM()
	VEXTRACTF128(U8(1), q, hi)
	stepLow(hi, rA.AsX(), low, b)
	ADDQ(U8(2), i)
	JMP(LabelRef("sloop"))
	Label("stop")
	Store(i, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// forwardScanKernel writes forwardScanAVX2: forwardKernel's arithmetic with
// each unit's scales clamped to at least min first (and stored), and the
// scales that differ from ref (the ones their logarithms were taken of)
// listed: their positions 2i+j in at, ref set to them; and low_k = 0.
func forwardScanKernel() {
	TEXT("forwardScanAVX2", NOSPLIT, "func(x *float64, c, min float64, units *int, n, lim int, mu, scale, logS, ref, w, arg, low *float64, at *int) (int, int)")
	Pragma("noescape")
	Doc("forwardScanAVX2 is ForwardScan's arithmetic for units[:n], n even, as far as the",
		"first unit not below lim: it returns how many units it did and how many scales",
		"it listed.")
	fc := loadForward()
	mx, minv := XMM(), YMM()
	Load(Param("min"), mx)
	VBROADCASTSD(mx, minv)
	ptr := func(name string) Register { return Load(Param(name), GP64()) }
	units, n, lim := ptr("units"), addr("n"), addr("lim")
	mu, scale, logS, ref := ptr("mu"), ptr("scale"), ptr("logS"), ptr("ref")
	wp, arg, at, low := ptr("w"), ptr("arg"), ptr("at"), ptr("low")
	zero := XMM()
	VXORPD(zero, zero, zero)

	i, cnt := GP64(), GP64()
	XORQ(i, i)
	XORQ(cnt, cnt)
	lut := scanLUT()
	Label("sfloop")
	CMPQ(i, n)
	JGE(LabelRef("stop"))
	a2, b2, _, _ := unitPair(units, i, lim)
	VMOVSD(zero, Mem{Base: low, Index: a2, Scale: 4}) // low[a] = 0 (a2 = 2a)
	VMOVSD(zero, Mem{Base: low, Index: b2, Scale: 4})
	s := pairs(scale, a2, b2)
	VMAXPD(s, minv, s) // max(min, σ), σ itself when it is NaN
	store(s, scale, a2, b2)
	mk := YMM()
	VCMPPD(U8(4), pairs(ref, a2, b2), s, mk) // σ ≠ ref (unordered: NaN too)
	store(s, ref, a2, b2)
	bits := GP32()
	VMOVMSKPD(mk, bits)
	// List the changed lanes: 2i plus the lanes of the mask's set bits in
	// order (lut), four positions stored, the count moved past the changed.
	q, pv := GP64(), YMM()
	LEAQ(Mem{Base: i, Index: i, Scale: 1}, q) // 2i: the first lane's position
	VMOVQ(q, pv.AsX())
	VPBROADCASTQ(pv.AsX(), pv)
	LEAQ(lut, q)
	SHLL(U8(5), bits) // 32 bytes an entry
	VPADDQ(Mem{Base: q, Index: bits.As64(), Scale: 1}, pv, pv)
	VMOVDQU(pv, Mem{Base: at, Index: cnt, Scale: 8})
	POPCNTL(bits, bits)
	ADDQ(bits.As64(), cnt)
	density(fc, s, mu, logS, wp, arg, i, a2, b2)
	ADDQ(U8(2), i)
	JMP(LabelRef("sfloop"))
	Label("stop")
	Store(i, ReturnIndex(0))
	Store(cnt, ReturnIndex(1))
	VZEROUPPER()
	RET()
}

// addr is the address of the parameter name, an operand in its place of
// a register (the scan kernel has more pointers than registers).
func addr(name string) Op {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// scanLUT writes the table of forwardScanAVX2's lists: entry m (32 bytes)
// holds the lanes of the set bits of the 4-bit mask m in order, the rest 0.
func scanLUT() Mem {
	lut := GLOBL("scanlut", RODATA|NOPTR)
	for m := 0; m < 16; m++ {
		k := 0
		for lane := 0; lane < 4; lane++ {
			if m>>lane&1 == 1 {
				DATA(32*m+8*k, U64(lane))
				k++
			}
		}
		for ; k < 4; k++ {
			DATA(32*m+8*k, U64(0))
		}
	}
	return lut
}
