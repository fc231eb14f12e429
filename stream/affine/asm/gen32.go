package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The float32 kernels: the same loops and orders as the float64 ones,
// each product and sum rounded to float32 (VMULPS, VADDPS), and the SGD
// step as affine.FMA[float32] takes it: the float32 operands widened to
// float64 (exact), one VFMADD231PD, the result narrowed to float32.

// half returns the register of half of v's width: the float32 values
// that widen to one vector of float64 (xmm to ymm, ymm to zmm).
func (s isa) half(v reg.VecVirtual) reg.Register {
	if s.lanes == 8 {
		return v.AsY()
	}
	return v.AsX()
}

// full returns v at s's width: the zmm or ymm register (AVX2's kernels
// on an AVX-512 kernel's registers use their ymm).
func (s isa) full(v reg.VecVirtual) reg.Register {
	if s.lanes == 8 {
		return v
	}
	return v.AsY()
}

// narrow rounds the float64 vector v to float32 in h's half register.
func (s isa) narrow(v, h reg.VecVirtual) {
	if s.lanes == 8 {
		VCVTPD2PS(v, h.AsY())
	} else {
		VCVTPD2PSY(s.full(v), h.AsX())
	}
}

// at8 is the isa of a step of width float32 values in a kernel of s:
// AVX2's 8 on AVX-512's registers after its vectors of 16.
func (s isa) at8(width int) isa {
	if width == 8 && s.lanes == 8 {
		return avx2
	}
	return s
}

// stepHalf emits w = fma(a, p, w) on s.lanes float32 weights at m (half
// a vector of float32): p (float32, in the half register of p) and w
// (read from m) widened to float64 in the temporaries pd and w, a
// (float64) broadcast in av, the sum narrowed back and stored to m. The
// callers work half by half from memory, so that no half is extracted
// from a register, and pass the same temporaries to every step: avo
// takes a register written in part (its xmm) as live from the kernel's
// start, and AVX2 has 16.
func (s isa) stepHalf(p reg.VecVirtual, m Mem, av, pd, w reg.VecVirtual) {
	VCVTPS2PD(s.half(p), s.full(pd))
	VCVTPS2PD(m, s.full(w))
	VFMADD231PD(s.full(pd), s.full(av), s.full(w))
	s.narrow(w, w)
	VMOVUPS(s.half(w), m)
}

// at returns m moved on by off bytes.
func at(m Mem, off int) Mem {
	m.Disp += off
	return m
}

// stepWidenedScalar is stepHalf for one float32 weight at m, p in the
// low lane of an xmm register.
func stepWidenedScalar(p reg.VecVirtual, m Mem, av, pd, w reg.VecVirtual) {
	VCVTSS2SD(p.AsX(), pd.AsX(), pd.AsX())
	VCVTSS2SD(m, w.AsX(), w.AsX())
	VFMADD231SD(pd.AsX(), av.AsX(), w.AsX())
	VCVTSD2SS(w.AsX(), w.AsX(), w.AsX())
	VMOVSS(w.AsX(), m)
}

// backwardStep32 emits the float32 backward pass fused with the SGD
// step, four rows at a time and then one, 2·s.lanes inputs per step,
// then (AVX-512) 8, then one: with dx, dx_j += dy_o·w_oj over the rows in order; then
// w_oj = fma(a, dy_o·x_j, w_oj), or with momentum v_oj = m·v_oj + dy_o·x_j
// and w_oj = fma(a, v_oj, w_oj), each fma in float64.
func backwardStep32(withDx, momentum bool, s isa) {
	name, in := backwardKernel(f32, withDx, momentum, s, "%s is the float32 backward pass and SGD step, four rows at a time, then one.")
	av, mv := in.a, in.m
	lanes := 2 * s.lanes // float32 values per vector

	stride, s3 := strides(f32, in.n)
	g := [4]reg.VecVirtual{s.vec(), s.vec(), s.vec(), s.vec()}
	p, q, xp, dxp, cnt := GP64(), GP64(), GP64(), GP64(), GP64()
	d, w, t, u, pd, wd := s.vec(), s.vec(), s.vec(), s.vec(), s.vec(), s.vec()
	xh := [2]reg.VecVirtual{s.vec(), s.vec()}
	row := func(base reg.Register, r int) Mem { return rowOf(base, stride, s3, r) }

	backwardRows(f32, name, in, stride, nil, g, rowWalk{p, q, xp, dxp, cnt}, func(name string, rows int) {
		step := func(width int) {
			s := s.at8(width)
			mov, mul, add := VMOVUPS, VMULPS, VADDPS
			vec := s.full
			halves := 2
			if width == 1 {
				mov, mul, add = VMOVSS, VMULSS, VADDSS
				vec = func(v reg.VecVirtual) reg.Register { return v.AsX() }
				halves = 1
			}
			hb := 4 * s.lanes // bytes per half
			if width > 1 {
				VMOVUPS(Mem{Base: xp}, s.half(xh[0]))
				VMOVUPS(Mem{Base: xp, Disp: hb}, s.half(xh[1]))
			} else {
				VMOVSS(Mem{Base: xp}, xh[0].AsX())
			}
			if withDx {
				mov(Mem{Base: dxp}, vec(d))
			}
			for r := range rows {
				if withDx {
					mov(row(p, r), vec(w))
					mul(vec(w), vec(g[r]), vec(t))
					add(vec(t), vec(d), vec(d))
				}
				for h := range halves {
					if width == 1 {
						VMULSS(xh[0].AsX(), g[r].AsX(), t.AsX()) // dy_o·x_j, rounded
						grad := t
						if momentum {
							VMULSS(row(q, r), mv.AsX(), u.AsX()) // m·v, rounded
							VADDSS(t.AsX(), u.AsX(), u.AsX())
							VMOVSS(u.AsX(), row(q, r))
							grad = u
						}
						stepWidenedScalar(grad, row(p, r), av, pd, wd)
						continue
					}
					VMULPS(s.half(xh[h]), s.half(g[r]), s.half(t)) // dy_o·x_j, rounded
					grad := t
					if momentum {
						VMULPS(at(row(q, r), h*hb), s.half(mv), s.half(u)) // m·v, rounded
						VADDPS(s.half(t), s.half(u), s.half(u))
						VMOVUPS(s.half(u), at(row(q, r), h*hb))
						grad = u
					}
					s.stepHalf(grad, at(row(p, r), h*hb), av, pd, wd)
				}
			}
			if withDx {
				mov(vec(d), Mem{Base: dxp})
				ADDQ(U32(4*width), dxp)
			}
			ADDQ(U32(4*width), p)
			if momentum {
				ADDQ(U32(4*width), q)
			}
			ADDQ(U32(4*width), xp)
			SUBQ(Imm(uint64(width)), cnt)
		}

		Label(name + "vec")
		CMPQ(cnt, Imm(uint64(lanes)))
		JL(LabelRef(name + "eight"))
		step(lanes)
		JMP(LabelRef(name + "vec"))
		Label(name + "eight")
		if lanes == 16 { // then 8 once, as AVX2 does
			CMPQ(cnt, Imm(8))
			JL(LabelRef(name + "one"))
			step(8)
		}
		Label(name + "one")
		TESTQ(cnt, cnt)
		JZ(LabelRef(name + "next"))
		step(1)
		JMP(LabelRef(name + "one"))

	})
	VZEROUPPER()
	RET()
}

func step32(s isa) {
	name := "step32" + s.suffix
	TEXT(name, NOSPLIT, "func(val, d []float32, a float32)")
	Doc(name + " sets val[i] = val[i] + a·d[i], rounded once in float64 and then to float32, as affine.FMA[float32].")
	vp := Load(Param("val").Base(), GP64())
	n := Load(Param("val").Len(), GP64())
	dp := Load(Param("d").Base(), GP64())
	a := Load(Param("a"), XMM())
	VCVTSS2SD(a, a, a)
	av := s.vec()
	VBROADCASTSD(a, av)
	d, pd, wd := s.vec(), s.vec(), s.vec()
	elementwise32(name, s, n, []reg.Register{vp, dp}, func(width int) {
		if width == 1 {
			VMOVSS(Mem{Base: dp}, d.AsX())
			stepWidenedScalar(d, Mem{Base: vp}, av, pd, wd)
			return
		}
		s := s.at8(width)
		for h := range 2 {
			VMOVUPS(Mem{Base: dp, Disp: 4 * s.lanes * h}, s.half(d))
			s.stepHalf(d, Mem{Base: vp, Disp: 4 * s.lanes * h}, av, pd, wd)
		}
	})
}

// stepMomentum32 emits stepMomentum32<ISA>(val, v, d, a, m): v_i = m·v_i
// + d_i in float32 (the product rounded, then the sum) and val_i =
// fma(a, v_i, val_i) as step32.
func stepMomentum32(s isa) {
	name := "stepMomentum32" + s.suffix
	TEXT(name, NOSPLIT, "func(val, v, d []float32, a, m float32)")
	Doc(name + " sets v[i] = m·v[i] + d[i] in float32, then val[i] = val[i] + a·v[i] as step32.")
	vp := Load(Param("val").Base(), GP64())
	n := Load(Param("val").Len(), GP64())
	up := Load(Param("v").Base(), GP64())
	dp := Load(Param("d").Base(), GP64())
	a := Load(Param("a"), XMM())
	VCVTSS2SD(a, a, a)
	av, mv := s.vec(), s.vec()
	VBROADCASTSD(a, av)
	VBROADCASTSS(Load(Param("m"), XMM()), mv)
	u, pd, wd := s.vec(), s.vec(), s.vec()
	elementwise32(name, s, n, []reg.Register{vp, up, dp}, func(width int) {
		if width == 1 {
			VMULSS(Mem{Base: up}, mv.AsX(), u.AsX())
			VADDSS(Mem{Base: dp}, u.AsX(), u.AsX())
			VMOVSS(u.AsX(), Mem{Base: up})
			stepWidenedScalar(u, Mem{Base: vp}, av, pd, wd)
			return
		}
		s := s.at8(width)
		for h := range 2 {
			off := 4 * s.lanes * h
			VMULPS(Mem{Base: up, Disp: off}, s.half(mv), s.half(u)) // m·v, rounded
			VADDPS(Mem{Base: dp, Disp: off}, s.half(u), s.half(u))
			VMOVUPS(s.half(u), Mem{Base: up, Disp: off})
			s.stepHalf(u, Mem{Base: vp, Disp: off}, av, pd, wd)
		}
	})
}

// elementwise32 is elementwise for float32 values: 2·s.lanes at a time,
// then (AVX-512) 8, then one.
func elementwise32(name string, s isa, n reg.Register, ptrs []reg.Register, body func(width int)) {
	widths := []int{2 * s.lanes, 1}
	if s.lanes == 8 {
		widths = []int{16, 8, 1} // 8 at most once
	}
	elementLoops(name, 4, widths, n, ptrs, body)
}

// forward32 emits forward32AVX2(w, x, b, y, tail): y = W·x + b in
// float32 for a number of rows that is a multiple of 8, in blocks of
// 8·groups rows (each group of 8 rows one ymm accumulator, its own chain
// of additions) and then of 8. Each group's 8 rows are read 8 columns at
// a time, one ymm load per row, and transposed in registers (8 unpacks
// of singles, 8 of pairs, 8 128-bit permutes) into the 8 columns, whose
// products are added one by one in column order; chunk columns (a
// multiple of 8: 16 reads whole cache lines) are read per row before the
// next group's. The last len(x) mod 8 columns are read with VMASKMOVPS
// and the mask tail (all ones for each column left) and only those
// columns are added.
func forward32(name string, groups, chunk int) {
	TEXT(name, NOSPLIT, "func(w, x, b, y []float32, tail []int32)")
	Doc(fmt.Sprintf("%s writes y = W·x + b in float32, 8 rows per vector transposed in registers, each row's products added one by one from the first.", name))
	wp := Load(Param("w").Base(), GP64())
	bp := Load(Param("b").Base(), GP64())
	yp := Load(Param("y").Base(), GP64())
	left := Load(Param("y").Len(), GP64())
	n := Load(Param("x").Len(), GP64())
	stride := GP64()
	MOVQ(n, stride)
	SHLQ(Imm(2), stride)
	s3 := GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	p, q, c0, xp, cnt := GP64(), GP64(), GP64(), GP64(), GP64()

	rg := fwd32{stride: stride, s3: s3, q: q, xp: xp, cnt: cnt}
	group := func(acc reg.VecVirtual, col int, mask reg.VecVirtual, lbl string) {
		rg.group(acc, p, col, 0, mask, lbl)
	}

	blocks := []int{groups}
	if groups > 1 {
		blocks = append(blocks, 1)
	}
	for _, gs := range blocks {
		lbl := fmt.Sprintf("%s%d", name, gs)
		acc := make([]reg.VecVirtual, gs)
		for g := range acc {
			acc[g] = YMM()
		}
		Label(lbl + "block")
		CMPQ(left, Imm(uint64(8*gs)))
		JL(LabelRef(lbl + "done"))
		for g := range acc {
			VXORPS(acc[g], acc[g], acc[g])
		}
		Load(Param("x").Base(), xp)
		MOVQ(n, cnt)
		MOVQ(wp, c0)

		// Each group in turn over chunk columns, then 8, then the tail.
		for _, width := range []int{chunk, 8} {
			wl := fmt.Sprintf("%sc%d", lbl, width)
			Label(wl)
			CMPQ(cnt, Imm(uint64(width)))
			JL(LabelRef(wl + "done"))
			MOVQ(c0, p)
			for g := range acc {
				for col := 0; col < width; col += 8 {
					group(acc[g], col, nil, "")
				}
				LEAQ(Mem{Base: q, Index: stride, Scale: 4}, p) // the next 8 rows
			}
			ADDQ(U32(4*width), c0)
			ADDQ(U32(4*width), xp)
			SUBQ(U32(width), cnt)
			JMP(LabelRef(wl))
			Label(wl + "done")
			if width == chunk && chunk == 8 {
				break
			}
		}

		TESTQ(cnt, cnt)
		JZ(LabelRef(lbl + "store"))
		MOVQ(c0, p)
		mask, tp := YMM(), GP64()
		Load(Param("tail").Base(), tp)
		VMOVDQU(Mem{Base: tp}, mask)
		for g := range acc {
			group(acc[g], 0, mask, fmt.Sprintf("%stail%d", lbl, g))
			LEAQ(Mem{Base: q, Index: stride, Scale: 4}, p)
		}

		Label(lbl + "store")
		for g := range acc {
			VADDPS(Mem{Base: bp, Disp: 32 * g}, acc[g], acc[g])
			VMOVUPS(acc[g], Mem{Base: yp, Disp: 32 * g})
		}
		for range 8 * gs {
			ADDQ(stride, wp)
		}
		ADDQ(Imm(uint64(32*gs)), bp)
		ADDQ(Imm(uint64(32*gs)), yp)
		SUBQ(Imm(uint64(8*gs)), left)
		JMP(LabelRef(lbl + "block"))
		Label(lbl + "done")
	}
	VZEROUPPER()
	RET()
}

// fwd32 holds the registers of a float32 forward kernel that its 8-row
// groups use: the row stride in bytes and three times it, a scratch
// pointer q, the pointer into x and the columns left.
type fwd32 struct {
	stride, s3, q, xp, cnt reg.Register
}

// group adds columns col..col+7 of the 8 rows from p (p + 4 rows: q) to
// acc, reading x at xp + 4·(col+xoff) (xoff: a lagging group's columns
// behind xp); masked: only while cnt > j.
func (f fwd32) group(acc reg.VecVirtual, p reg.Register, col, xoff int, mask reg.VecVirtual, lbl string) {
	stride, s3, q, xp, cnt := f.stride, f.s3, f.q, f.xp, f.cnt
	LEAQ(Mem{Base: p, Index: stride, Scale: 4}, q)
	var r [8]reg.VecVirtual
	for i := range r {
		r[i] = YMM()
		m := rowOf8(p, q, stride, s3, i)
		m.Disp = 4 * col
		if mask != nil {
			VMASKMOVPS(m, mask, r[i])
		} else {
			VMOVUPS(m, r[i])
		}
	}
	// Pairs of rows, singles interleaved: t[2i] columns 0, 1 (4, 5),
	// t[2i+1] columns 2, 3 (6, 7) of rows 2i, 2i+1.
	var t [8]reg.VecVirtual
	for i := 0; i < 8; i += 2 {
		t[i], t[i+1] = YMM(), YMM()
		VUNPCKLPS(r[i+1], r[i], t[i])
		VUNPCKHPS(r[i+1], r[i], t[i+1])
	}
	// u[k] (k < 4): column k (and k+4) of rows 0–3; u[k+4] of rows 4–7.
	var u [8]reg.VecVirtual
	for h := range 2 {
		a, b := t[4*h], t[4*h+2]   // columns 0, 1 of rows 4h..4h+3
		c, d := t[4*h+1], t[4*h+3] // columns 2, 3
		for k, src := range [][2]reg.VecVirtual{{a, b}, {a, b}, {c, d}, {c, d}} {
			u[4*h+k] = YMM()
			if k%2 == 0 {
				VUNPCKLPD(src[1], src[0], u[4*h+k])
			} else {
				VUNPCKHPD(src[1], src[0], u[4*h+k])
			}
		}
	}
	xb := YMM()
	for j := range 8 {
		if mask != nil {
			CMPQ(cnt, Imm(uint64(j+1)))
			JL(LabelRef(lbl))
		}
		c := YMM()
		imm := uint64(0x20) // the low halves: rows 0–3, then 4–7
		if j >= 4 {
			imm = 0x31
		}
		VPERM2F128(Imm(imm), u[4+j%4], u[j%4], c)
		VBROADCASTSS(Mem{Base: xp, Disp: 4 * (col + xoff + j)}, xb)
		VMULPS(xb, c, c)
		VADDPS(c, acc, acc)
	}
	if mask != nil {
		Label(lbl)
	}
}

// lag32 is how many columns the second group of forward32LagAVX2 runs
// behind the first: 512 bytes, 8 L1 sets. At 1024×1024 (fastest of 20 ×
// 10 calls) the kernel takes 0.87 of forward32AVX2's time with it, 0.96
// with 16 columns, 0.92 with 64, 0.89 with 256.
const lag32 = 128

// forward32Lag emits forward32LagAVX2(w, x, b, y): y = W·x + b in float32
// for rows 4 KB apart (len(x) a multiple of 1024), 16 rows at a time as
// two groups of 8 (see forward32), the second lag columns behind the
// first: the same column of every row falls in the same L1 set, and two
// groups at the same column would ask 16 lines of one set (and the lines
// fetched ahead of them of the next), more than its ways hold. The first
// group runs alone over the first lag columns, the second alone over the
// last lag. Rows a multiple of 16, len(x) a multiple of 16 and at least
// lag.
func forward32Lag(name string, lag int) {
	TEXT(name, NOSPLIT, "func(w, x, b, y []float32)")
	Doc(fmt.Sprintf("%s writes y = W·x + b in float32 for rows 4 KB apart, two groups of 8 rows %d columns apart, each row's products added one by one from the first.", name, lag))
	wp := Load(Param("w").Base(), GP64())
	bp := Load(Param("b").Base(), GP64())
	yp := Load(Param("y").Base(), GP64())
	left := Load(Param("y").Len(), GP64())
	n := Load(Param("x").Len(), GP64())
	stride := GP64()
	MOVQ(n, stride)
	SHLQ(Imm(2), stride)
	s3 := GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	p0, p1, q, xp, cnt := GP64(), GP64(), GP64(), GP64(), GP64()
	rg := fwd32{stride: stride, s3: s3, q: q, xp: xp, cnt: cnt}
	acc := [2]reg.VecVirtual{YMM(), YMM()}

	Label(name + "block")
	CMPQ(left, Imm(16))
	JL(LabelRef(name + "done"))
	VXORPS(acc[0], acc[0], acc[0])
	VXORPS(acc[1], acc[1], acc[1])
	Load(Param("x").Base(), xp)
	MOVQ(wp, p0)
	LEAQ(Mem{Base: wp, Index: stride, Scale: 8}, p1) // the second group's rows

	// phase emits a loop of count(cnt) chunks of 16 columns over the
	// groups given (true: that group runs).
	phase := func(lbl string, g0, g1 bool) {
		Label(lbl)
		if g0 {
			rg.group(acc[0], p0, 0, 0, nil, "")
			rg.group(acc[0], p0, 8, 0, nil, "")
			ADDQ(Imm(64), p0)
		}
		if g1 {
			rg.group(acc[1], p1, 0, -lag, nil, "")
			rg.group(acc[1], p1, 8, -lag, nil, "")
			ADDQ(Imm(64), p1)
		}
		ADDQ(Imm(64), xp)
		DECQ(cnt)
		JNZ(LabelRef(lbl))
	}
	MOVQ(U32(lag/16), cnt)
	phase(name+"lead", true, false)
	MOVQ(n, cnt)
	SUBQ(U32(lag), cnt)
	SHRQ(Imm(4), cnt)
	TESTQ(cnt, cnt)
	JZ(LabelRef(name + "trailstart"))
	phase(name+"both", true, true)
	Label(name + "trailstart")
	MOVQ(U32(lag/16), cnt)
	phase(name+"trail", false, true)

	VADDPS(Mem{Base: bp}, acc[0], acc[0])
	VMOVUPS(acc[0], Mem{Base: yp})
	VADDPS(Mem{Base: bp, Disp: 32}, acc[1], acc[1])
	VMOVUPS(acc[1], Mem{Base: yp, Disp: 32})
	for range 16 {
		ADDQ(stride, wp)
	}
	ADDQ(Imm(64), bp)
	ADDQ(Imm(64), yp)
	SUBQ(Imm(16), left)
	JMP(LabelRef(name + "block"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// relu32 emits relu32<ISA>(z, a): a_i = max(z_i, 0) in float32 as reluGo
// computes it (see relu: VMAXPS returns z_i when either is a NaN or
// both are zeros, and adding +0 turns −0 into +0).
func relu32(s isa) {
	name := "relu32" + s.suffix
	TEXT(name, NOSPLIT, "func(z, a []float32)")
	Doc(name + " sets a[i] = max(z[i], 0) in float32, a NaN kept (with its sign) and −0 made +0, as reluGo does.")
	zp := Load(Param("z").Base(), GP64())
	n := Load(Param("z").Len(), GP64())
	ap := Load(Param("a").Base(), GP64())
	zero, v := s.vec(), s.vec()
	s.zero(zero)
	elementwise32(name, s, n, []reg.Register{zp, ap}, func(width int) {
		if width == 1 {
			VMOVSS(Mem{Base: zp}, v.AsX())
			VMAXSS(v.AsX(), zero.AsX(), v.AsX())
			VADDSS(zero.AsX(), v.AsX(), v.AsX())
			VMOVSS(v.AsX(), Mem{Base: ap})
			return
		}
		s := s.at8(width)
		VMOVUPS(Mem{Base: zp}, s.full(v))
		VMAXPS(s.full(v), s.full(zero), s.full(v))
		VADDPS(s.full(zero), s.full(v), s.full(v))
		VMOVUPS(s.full(v), Mem{Base: ap})
	})
}

// reluBackward32 emits reluBackward32<ISA>(a, da, dz): dz_i = da_i where
// a_i's bits are not all zero, +0 elsewhere (see reluBackward).
func reluBackward32(s isa) {
	name := "reluBackward32" + s.suffix
	TEXT(name, NOSPLIT, "func(a, da, dz []float32)")
	Doc(name + " sets dz[i] = da[i] where a[i] is not zero, 0 elsewhere, in float32: the gradient through a ReLU of output a.")
	ap := Load(Param("a").Base(), GP64())
	n := Load(Param("a").Len(), GP64())
	dap := Load(Param("da").Base(), GP64())
	dzp := Load(Param("dz").Base(), GP64())
	zero, v, d := YMM(), s.vec(), s.vec()
	VPXOR(zero, zero, zero)
	var keep reg.OpmaskVirtual
	if s.lanes == 8 {
		keep = K()
	}
	elementwise32(name, s, n, []reg.Register{ap, dap, dzp}, func(width int) {
		switch {
		case width == 1:
			VMOVSS(Mem{Base: ap}, v.AsX())
			VPCMPEQD(zero.AsX(), v.AsX(), v.AsX()) // all ones where a_i's bits are zero
			VMOVSS(Mem{Base: dap}, d.AsX())
			VPANDN(d.AsX(), v.AsX(), d.AsX())
			VMOVSS(d.AsX(), Mem{Base: dzp})
		case width == 16:
			VMOVUPS(Mem{Base: ap}, v)
			VPTESTMD(v, v, keep)
			VMOVUPS_Z(Mem{Base: dap}, keep, d)
			VMOVUPS(d, Mem{Base: dzp})
		default:
			VMOVUPS(Mem{Base: ap}, v.AsY())
			VPCMPEQD(zero, v.AsY(), v.AsY())
			VMOVUPS(Mem{Base: dap}, d.AsY())
			VPANDN(d.AsY(), v.AsY(), d.AsY())
			VMOVUPS(d.AsY(), Mem{Base: dzp})
		}
	})
}
