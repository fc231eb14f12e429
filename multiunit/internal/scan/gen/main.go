// Command gen writes the assembly of the multi-unit model's recruitment
// scan (package scan) with avo: the exponents of 4 (AVX2) or 8 (AVX-512)
// consecutive units at once, each unit's arithmetic in the scalar code's
// order, so that every lane rounds as the pure-Go path does; and the
// AVX-512 draw of a new model's positions (see draw).
//
//	cd multiunit/internal/scan/gen && GOWORK=off go run . -pkg scan -out ../scan_amd64.s -stubs ../scan_amd64.go
//
// It is a module of its own so that avo stays out of the model's
// dependencies.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

const signature = "func(cols *float64, n, from, end int, x, a *float64, d int, c, worst, margin float64) int"

// kernel writes next<R><ISA>: for units i = from, from+w, … < end (end −
// from a multiple of the width w), the exponent e = c·root(Σ_j a_j·p(|x_j
// − u_ij|)) with p(v) = v, root(s) = s for r = 1 and p(v) = v·v, root(s)
// = √s for r = 2, summed from 0 in dimension order; it returns the first
// unit whose e − worst > margin is false (NaN included), or end.
func kernel(r int, isa string) {
	name := fmt.Sprintf("nextR%d%s", r, isa)
	TEXT(name, NOSPLIT, signature)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is the %s scan for r = %d (see next).", name, isa, r))
	wide := isa == "AVX512"
	vec := func() VecVirtual {
		if wide {
			return ZMM()
		}
		return YMM()
	}
	width := 4
	if wide {
		width = 8
	}
	full := 1<<width - 1 // every lane's comparison true

	cols := Load(Param("cols"), GP64())
	n := Load(Param("n"), GP64())
	i := Load(Param("from"), GP64())
	end := Load(Param("end"), GP64())
	x := Load(Param("x"), GP64())
	a := Load(Param("a"), GP64())
	d := Load(Param("d"), GP64())
	SHLQ(U8(3), n) // the stride between a unit's coordinates, in bytes

	bcast := func(name string) VecVirtual {
		s := Load(Param(name), XMM())
		v := vec()
		VBROADCASTSD(s, v)
		return v
	}
	c, worst, margin := bcast("c"), bcast("worst"), bcast("margin")
	abs := vec()
	t := GP64()
	MOVQ(U64(0x7fffffffffffffff), t)
	tx := XMM()
	MOVQ(t, tx)
	VPBROADCASTQ(tx, abs)

	p, xp, ap, j := GP64(), GP64(), GP64(), GP64()
	s, u, xv, av := vec(), vec(), vec(), vec()

	Label(name + "_units")
	CMPQ(i, end)
	JGE(LabelRef(name + "_end"))
	LEAQ(Mem{Base: cols, Index: i, Scale: 8}, p)
	MOVQ(x, xp)
	MOVQ(a, ap)
	MOVQ(d, j)
	VXORPD(s, s, s) // s = 0, to which the first term is added as in Go
	Label(name + "_dims")
	VBROADCASTSD(Mem{Base: xp}, xv)
	VMOVUPD(Mem{Base: p}, u)
	VSUBPD(u, xv, u) // x_j − u_ij
	if wide {
		VPANDQ(abs, u, u)
	} else {
		VANDPD(abs, u, u)
	}
	if r == 2 {
		VMULPD(u, u, u)
	}
	VBROADCASTSD(Mem{Base: ap}, av)
	VMULPD(av, u, u) // d_ij·a_j
	VADDPD(u, s, s)
	ADDQ(n, p)
	ADDQ(U8(8), xp)
	ADDQ(U8(8), ap)
	DECQ(j)
	JNZ(LabelRef(name + "_dims"))
	if r == 2 {
		VSQRTPD(s, s)
	}
	VMULPD(c, s, s)     // e = root(S)·c
	VSUBPD(worst, s, s) // e − worst
	mask := GP32()
	const gtOQ = 0x1E
	if wide {
		k := K()
		VCMPPD(U8(gtOQ), margin, s, k)
		KMOVW(k, mask)
	} else {
		VCMPPD(U8(gtOQ), margin, s, s)
		VMOVMSKPD(s, mask)
	}
	CMPL(mask, U32(full))
	JNE(LabelRef(name + "_found"))
	ADDQ(U8(width), i)
	JMP(LabelRef(name + "_units"))

	Label(name + "_found")
	NOTL(mask)
	BSFL(mask, mask) // the lowest lane whose comparison is false
	ADDQ(mask.As64(), i)
	Label(name + "_end")
	VZEROUPPER()
	Store(i, ReturnIndex(0))
	RET()
}

func main() {
	ConstraintExpr("!purego")
	for _, isa := range []string{"AVX2", "AVX512"} {
		for _, r := range []int{1, 2} {
			kernel(r, isa)
		}
	}
	draw()
	Generate()
}

// draw writes draw3AVX512: the uniforms of 8 units in 3 dimensions at a
// time, each from its own lane of the PCG sequence (lane l of vector j
// outputs the values 3l + j + 24b of block b, so that a vector is 8
// consecutive units' coordinate j), written to the columns, interleaved
// to the row-major positions, and filed by cell (each unit's cell, and
// the count of each cell's units). Every lane computes
// math/rand/v2's PCG step (the state times the 128-bit multiplier of 24
// steps plus their increment, modulo 2^128) and its DXSM output and
// Float64 exactly, in 64-bit integers, so the values are the Go code's
// bit for bit.
func draw() {
	TEXT("draw3AVX512", NOSPLIT, "func(states, jump *uint64, pos, cols *float64, n, blocks int, cell, count *int32, grid int)")
	Pragma("noescape")
	Doc("draw3AVX512 draws blocks·8 units' positions in 3 dimensions (see Draw).")

	k := GLOBL("drawconst", RODATA|NOPTR)
	const (
		oCheap = 64 * iota
		oM53
		oScale
		oAB0
		oAB1
		oAB2
		oC0
		oC1
		oC2
		oM32
		oOne
	)
	vecs := map[int][8]uint64{
		oAB0: {0, 8, 0, 1, 9, 0, 2, 10},
		oAB1: {0, 3, 11, 0, 4, 12, 0, 5},
		oAB2: {13, 0, 6, 14, 0, 7, 15, 0},
		oC0:  {0, 0, 0, 0, 0, 1, 0, 0},
		oC1:  {2, 0, 0, 3, 0, 0, 4, 0},
		oC2:  {0, 5, 0, 0, 6, 0, 0, 7},
	}
	for _, c := range []struct {
		o int
		v uint64
	}{{oCheap, 0xda942042e4dd58b5}, {oM53, 1<<53 - 1}, {oScale, 0x3CA0000000000000}, {oM32, 0xffffffff}, {oOne, 1}} {
		vecs[c.o] = [8]uint64{c.v, c.v, c.v, c.v, c.v, c.v, c.v, c.v} // 0x3CA0000000000000 is 2^-53
	}
	for o := 0; o <= oOne; o += 64 { // the assembler wants the data in order
		for l, v := range vecs[o] {
			DATA(o+8*l, U64(v))
		}
	}
	mem := func(o int) Mem { return k.Offset(o) }

	states := Load(Param("states"), GP64())
	jump := Load(Param("jump"), GP64())
	pos := Load(Param("pos"), GP64())
	cols := Load(Param("cols"), GP64())
	n8 := Load(Param("n"), GP64())
	SHLQ(U8(3), n8) // a column's length in bytes
	blocks := Load(Param("blocks"), GP64())
	cell := Load(Param("cell"), GP64())
	count := Load(Param("count"), GP64())
	g := Load(Param("grid"), GP64())

	var hi, lo [3]VecVirtual
	for j := range hi {
		hi[j], lo[j] = ZMM(), ZMM()
		VMOVDQU64(Mem{Base: states, Disp: 64 * j}, hi[j])
		VMOVDQU64(Mem{Base: states, Disp: 192 + 64*j}, lo[j])
	}
	bq := func(m Mem) VecVirtual {
		v := ZMM()
		VPBROADCASTQ(m, v)
		return v
	}
	mhi, mlo := bq(Mem{Base: jump}), bq(Mem{Base: jump, Disp: 8})
	chi, clo := bq(Mem{Base: jump, Disp: 16}), bq(Mem{Base: jump, Disp: 24})
	mlo1 := ZMM()
	VPSRLQ(U8(32), mlo, mlo1) // the multiplier's high 32 bits
	m32, one := ZMM(), ZMM()
	VMOVDQU64(mem(oM32), m32)
	VMOVDQU64(mem(oOne), one)
	gi, gmax, gf := ZMM(), ZMM(), ZMM()
	VPBROADCASTQ(g, gi)
	t64 := GP64()
	MOVQ(g, t64)
	DECQ(t64)
	VPBROADCASTQ(t64, gmax)
	VCVTQQ2PD(gi, gf)
	var km [3]OpmaskVirtual
	for j, bits := range []uint64{0x24, 0x49, 0x92} {
		km[j] = K()
		MOVQ(U64(bits), t64)
		KMOVW(t64.As32(), km[j])
	}

	Label("draw_block")
	var v [3]VecVirtual
	var cid VecVirtual
	for j := range v {
		// DXSM: h ^= h>>32; h *= cheapMul; h ^= h>>48; h *= lo|1; then
		// Float64: the low 53 bits over 2^53.
		h, t := ZMM(), ZMM()
		VPSRLQ(U8(32), hi[j], t)
		VPXORQ(hi[j], t, h)
		VPMULLQ(mem(oCheap), h, h)
		VPSRLQ(U8(48), h, t)
		VPXORQ(t, h, h)
		VPORQ(one, lo[j], t)
		VPMULLQ(t, h, h)
		VPANDQ(mem(oM53), h, h)
		v[j] = ZMM()
		VCVTQQ2PD(h, v[j])
		VMULPD(mem(oScale), v[j], v[j])
		switch j { // column j
		case 0:
			VMOVUPD(v[j], Mem{Base: cols})
		case 1:
			VMOVUPD(v[j], Mem{Base: cols, Index: n8, Scale: 1})
		case 2:
			VMOVUPD(v[j], Mem{Base: cols, Index: n8, Scale: 2})
		}
		// The cell coordinate min(int(u·g), g − 1), and the cell
		// (c2·g + c1)·g + c0, accumulated from the last dimension.
		c := ZMM()
		VMULPD(gf, v[j], c)
		VCVTTPD2QQ(c, c)
		VPMINSQ(gmax, c, c)
		switch j {
		case 0:
			cid = c
		case 1:
			VPMULLQ(gi, c, c)
			VPADDQ(c, cid, cid) // c1·g + c0
		case 2:
			VPMULLQ(gi, c, c)
			VPMULLQ(gi, c, c)
			VPADDQ(c, cid, cid) // c2·g² + c1·g + c0
		}
	}
	VPMOVQD(cid, Mem{Base: cell})
	// The rows: out0 = a0 b0 c0 a1 b1 c1 a2 b2, out1 = c2 a3 b3 c3 a4 b4
	// c4 a5, out2 = b5 c5 a6 b6 c6 a7 b7 c7 (a, b, c the three columns).
	for j, o := range [][2]int{{oAB0, oC0}, {oAB1, oC1}, {oAB2, oC2}} {
		out, ic := ZMM(), ZMM()
		VMOVDQU64(mem(o[0]), out)
		VPERMI2PD(v[1], v[0], out)
		VMOVDQU64(mem(o[1]), ic)
		VPERMPD(v[2], ic, km[j], out)
		VMOVUPD(out, Mem{Base: pos, Disp: 64 * j})
	}
	ADDQ(U32(192), pos)
	ADDQ(U8(64), cols)
	ADDQ(U8(32), cell)
	DECQ(blocks)
	JZ(LabelRef("draw_end"))

	// The next block's states: s·M + C modulo 2^128, with the low
	// product's high word from four 32×32-bit products.
	for j := range hi {
		a1, p, mid, nlo, nhi, t := ZMM(), ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
		VPSRLQ(U8(32), lo[j], a1)
		VPMULUDQ(mlo, lo[j], p) // lo0·m0
		VPSRLQ(U8(32), p, mid)
		VPANDQ(m32, p, nlo)
		VPMULUDQ(mlo1, lo[j], p) // lo0·m1
		VPANDQ(m32, p, t)
		VPADDQ(t, mid, mid)
		VPSRLQ(U8(32), p, nhi)
		VPMULUDQ(mlo, a1, p) // lo1·m0
		VPANDQ(m32, p, t)
		VPADDQ(t, mid, mid)
		VPSRLQ(U8(32), p, t)
		VPADDQ(t, nhi, nhi)
		VPMULUDQ(mlo1, a1, p) // lo1·m1
		VPADDQ(p, nhi, nhi)
		VPSRLQ(U8(32), mid, t)
		VPADDQ(t, nhi, nhi) // the high word of lo·mlo
		VPSLLQ(U8(32), mid, mid)
		VPORQ(mid, nlo, nlo) // its low word
		VPMULLQ(mlo, hi[j], t)
		VPADDQ(t, nhi, nhi)
		VPMULLQ(mhi, lo[j], t)
		VPADDQ(t, nhi, nhi)
		VPADDQ(chi, nhi, nhi)
		VPADDQ(clo, nlo, nlo)
		kc := K()
		VPCMPUQ(U8(1), clo, nlo, kc) // the carry: nlo < clo
		VPADDQ(one, nhi, kc, nhi)
		VMOVDQA64(nhi, hi[j])
		VMOVDQA64(nlo, lo[j])
	}
	// The cells' counts, in the scalar units, which the vector work
	// leaves idle: count[cell]++ for the block's 8 units, read back a
	// step after they were stored.
	counts := func() {
		id := GP64()
		for l := 0; l < 8; l++ {
			MOVLQZX(Mem{Base: cell, Disp: 4*l - 32}, id)
			INCL(Mem{Base: count, Index: id, Scale: 4})
		}
	}
	counts()
	JMP(LabelRef("draw_block"))

	Label("draw_end")
	counts()
	for j := range hi {
		VMOVDQU64(hi[j], Mem{Base: states, Disp: 64 * j})
		VMOVDQU64(lo[j], Mem{Base: states, Disp: 192 + 64*j})
	}
	VZEROUPPER()
	RET()
}
