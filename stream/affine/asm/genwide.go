package main

import (
	"fmt"
	"math/bits"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// transposedBlock adds to a the products of 8 columns of 8 rows with x,
// each rounded (VMULPD) and added in column order (VADDPD): rows 0–3 from
// p + disp and rows 4–7 from q + disp (stride bytes apart; s3 is
// 3·stride), x from xp + xdisp. Each row's 8 values are read with one zmm
// load (a whole cache line when the rows are aligned) and the 8×8 block
// transposed in registers (8 unpacks and 16 128-bit lane shuffles). With
// a mask, the rows are read under it and only the columns while the count
// in cnt exceeds the column are added (then lbl labels the end).
func transposedBlock(a reg.VecVirtual, p, q, stride, s3, xp reg.Register, xdisp int, mask reg.OpmaskVirtual, cnt reg.Register, lbl string) {
	var r [8]reg.VecVirtual
	for i := range r {
		r[i] = ZMM()
		m := rowOf8(p, q, stride, s3, i)
		if mask != nil {
			VMOVUPD_Z(m, mask, r[i])
		} else {
			VMOVUPD(m, r[i])
		}
	}
	// Pairs of rows, columns interleaved in each 128-bit lane.
	var t [8]reg.VecVirtual
	for i := 0; i < 8; i += 2 {
		t[i], t[i+1] = ZMM(), ZMM()
		VUNPCKLPD(r[i+1], r[i], t[i])   // [r_i,0 r_i+1,0 | r_i,2 r_i+1,2 | …]
		VUNPCKHPD(r[i+1], r[i], t[i+1]) // the odd columns
	}
	// u: lanes 0, 2 of one pair and lanes 0, 2 (or 1, 3) of the next.
	var u [8]reg.VecVirtual
	for i, src := range [][2]int{{0, 2}, {0, 2}, {1, 3}, {1, 3}, {4, 6}, {4, 6}, {5, 7}, {5, 7}} {
		u[i] = ZMM()
		imm := uint64(0x88) // lanes 0, 2 of each
		if i%2 == 1 {
			imm = 0xDD // lanes 1, 3
		}
		VSHUFF64X2(Imm(imm), t[src[1]], t[src[0]], u[i])
	}
	// u0 = cols 0, 4 of rows 0–3; u1 = cols 2, 6; u2 = cols 1, 5; u3 = cols 3, 7;
	// u4–u7 the same of rows 4–7. Column j of the 8 rows:
	col := func(j int) reg.VecVirtual {
		lo := map[int]int{0: 0, 4: 0, 2: 1, 6: 1, 1: 2, 5: 2, 3: 3, 7: 3}[j]
		imm := uint64(0x88)
		if j >= 4 {
			imm = 0xDD
		}
		c := ZMM()
		VSHUFF64X2(Imm(imm), u[lo+4], u[lo], c)
		return c
	}
	for j := range 8 {
		if mask != nil {
			CMPQ(cnt, Imm(uint64(j+1)))
			JL(LabelRef(lbl))
		}
		c := col(j)
		VMULPD_BCST(Mem{Base: xp, Disp: xdisp + 8*j}, c, c)
		VADDPD(c, a, a)
	}
	if mask != nil {
		Label(lbl)
	}
}

// The wide forward kernel's shape (forwardWideAVX512; rows a multiple of
// 4 KB apart): wideGroups groups of 8 rows, each wideLag columns behind
// the one before, each row's line wideAhead bytes on fetched into L1.
// Chosen at 1024×1024 (two 8 MB matrices in turn, fastest of 5 calls,
// medians of 15 interleaved rounds, against forwardRows8AVX2; load
// average 0.7–0.9): without lag or prefetch, 1 group 0.83–0.88, 2 groups
// 0.92, 3 groups 0.97, 4 groups 1.16; with a lag of 128 columns, 2 groups
// 0.79–0.88, 3 groups 0.88, 4 groups 0.85–0.89; with the lag and 384
// bytes ahead, 2 groups 0.79–0.83, 3 groups 0.79–0.81, 4 groups 0.76–0.80
// (lags of 64–192 columns and 256–512 bytes ahead no better; the prefetch
// without the lag 0.96–1.22; into L2, 1–2 KB ahead, 0.98–1.10).
const (
	wideGroups = 4
	wideLag    = 128
	wideAhead  = 384
)

// forwardWide emits forwardWideAVX512(w, x, b, y, relu): y = W·x + b for
// rows 4 KB apart (len(x) a multiple of 8 and at least (wideGroups−1)·
// wideLag; len(y) a multiple of 8·wideGroups), 8·wideGroups rows at a time
// as wideGroups groups of 8, each row's products added one by one from the
// first. Each group's 8 rows × 8 columns are read one line a row and
// transposed in registers (transposedBlock), each line read once; the
// same column of every row falls in one L1 set, so group g runs g·wideLag
// columns behind the first (the lines of a set then come from one group
// at a time, 8 of its 12 ways), and each row's line wideAhead bytes on is
// prefetched into L1, which the hardware's prefetchers do not keep up with
// over 32 rows. The first groups start alone (wideGroups−1 phases of
// wideLag columns) and the last finish alone. The blocks of rows run from
// the last to the first, the backward pass from the first row: a trial of
// three hidden layers of 1024 (BenchmarkTrial/wide1024) then takes
// 0.95–0.98 of its time with the blocks in order (three series of 12–16
// pairs, load 1.8–2.9; the two layers alone, BenchmarkWideLayers,
// 0.98–1.00).
func forwardWide() {
	if wideGroups > 4 {
		panic("forwardWide addresses at most 4 groups")
	}
	name := "forwardWideAVX512"
	TEXT(name, NOSPLIT, "func(w, x, b, y []float64, relu uint64)")
	Doc(fmt.Sprintf("%s writes y = W·x + b for rows 4 KB apart, %d rows at a time from the last as %d groups of 8 rows %d columns apart, each 8×8 block transposed in registers, each row's products added one by one from the first; then y = max(y, 0) as reluAVX512 if relu is not 0.", name, 8*wideGroups, wideGroups, wideLag))
	wp := Load(Param("w").Base(), GP64())
	bp := Load(Param("b").Base(), GP64())
	yp := Load(Param("y").Base(), GP64())
	left := Load(Param("y").Len(), GP64())
	stride := Load(Param("x").Len(), GP64())
	SHLQ(Imm(3), stride) // bytes per row
	s3 := GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	s4 := GP64() // 4 rows
	LEAQ(Mem{Base: stride, Index: stride, Scale: 1}, s4)
	ADDQ(s4, s4)
	// p0 is the first group's rows' column, xp its x; p and q address a
	// group's rows 0 and 4.
	p0, xp, cnt, p, q := GP64(), GP64(), GP64(), GP64(), GP64()
	acc := make([]reg.VecVirtual, wideGroups)
	for g := range acc {
		acc[g] = ZMM()
	}

	// at points p and q at group g's rows 0 and 4, g·wideLag columns
	// behind p0 (g < 4: 8g rows are 2g·s4, which a scale of 2 or 4 reaches,
	// or 8 less two).
	at := func(g int) {
		back := -8 * wideLag * g
		switch g {
		case 0:
			MOVQ(p0, p)
		case 1, 2:
			LEAQ(Mem{Base: p0, Index: s4, Scale: uint8(2 * g), Disp: back}, p)
		default:
			LEAQ(Mem{Base: p0, Index: s4, Scale: 8, Disp: back}, p)
			for range 8 - 2*g {
				SUBQ(s4, p)
			}
		}
		LEAQ(Mem{Base: p, Index: s4, Scale: 1}, q)
	}
	// chunks emits a loop over cnt chunks of 8 columns of groups from..to−1.
	chunks := func(lbl string, from, to int) {
		Label(lbl)
		for g := from; g < to; g++ {
			at(g)
			for i := range 8 {
				m := rowOf8(p, q, stride, s3, i)
				m.Disp = wideAhead
				PREFETCHT0(m) // past the matrix: a prefetch never faults
			}
			transposedBlock(acc[g], p, q, stride, s3, xp, -8*wideLag*g, nil, nil, "")
		}
		ADDQ(Imm(64), p0)
		ADDQ(Imm(64), xp)
		DECQ(cnt)
		JNZ(LabelRef(lbl))
	}

	// The blocks run from the last to the first: the backward pass runs
	// the rows from the first, so that each pass starts with the rows the
	// pass before it touched last, still in L2.
	log2 := func(v int) Constant { return Imm(uint64(bits.TrailingZeros(uint(v)))) }
	MOVQ(left, p)
	SHRQ(log2(8*wideGroups), p) // blocks
	JZ(LabelRef(name + "done"))
	DECQ(p)
	MOVQ(p, q)
	SHLQ(log2(64*wideGroups), q) // bytes of b and y before the last block
	ADDQ(q, bp)
	ADDQ(q, yp)
	IMULQ(s4, p)
	SHLQ(log2(2*wideGroups), p) // and of W: 2·wideGroups times 4 rows a block
	ADDQ(p, wp)
	Label(name + "block")
	CMPQ(left, Imm(8*wideGroups))
	JL(LabelRef(name + "done"))
	for g := range acc {
		VPXORQ(acc[g], acc[g], acc[g])
	}
	MOVQ(wp, p0)
	Load(Param("x").Base(), xp)
	for k := 1; k < wideGroups; k++ {
		MOVQ(U32(wideLag/8), cnt)
		chunks(fmt.Sprintf("%sstart%d", name, k), 0, k)
	}
	Load(Param("x").Len(), cnt)
	SUBQ(U32((wideGroups-1)*wideLag), cnt)
	SHRQ(Imm(3), cnt)
	JZ(LabelRef(name + "finish"))
	chunks(name+"all", 0, wideGroups)
	Label(name + "finish")
	for k := 1; k < wideGroups; k++ {
		MOVQ(U32(wideLag/8), cnt)
		chunks(fmt.Sprintf("%sfinish%d", name, k), k, wideGroups)
	}

	for g := range acc {
		VADDPD(Mem{Base: bp, Disp: 64 * g}, acc[g], acc[g])
	}
	Load(Param("relu"), p)
	TESTQ(p, p)
	JZ(LabelRef(name + "put"))
	zero := ZMM()
	VPXORQ(zero, zero, zero)
	for g := range acc {
		VMAXPD(acc[g], zero, acc[g]) // as reluAVX512
		VADDPD(zero, acc[g], acc[g])
	}
	Label(name + "put")
	for g := range acc {
		VMOVUPD(acc[g], Mem{Base: yp, Disp: 64 * g})
	}
	for range 2 * wideGroups {
		SUBQ(s4, wp)
	}
	SUBQ(U32(64*wideGroups), bp)
	SUBQ(U32(64*wideGroups), yp)
	SUBQ(Imm(8*wideGroups), left)
	JMP(LabelRef(name + "block"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// The wide backward kernel's shape (backwardStepWideAVX512): wideStepRows
// rows at a time, each row's line wideStepAhead bytes on fetched into L1.
// Chosen with the two 8 MB matrices of a trial of three hidden layers of
// 1024 (forward, then backward, fastest of 5, medians of 30 interleaved
// rounds, against backwardStepAVX512's 4 rows), with another job on the
// other core (load average 1.7–2): 8 rows 0.76–0.86 without a prefetch
// and 0.74–0.83 with 256 bytes ahead (0.77–0.82 with 1,024); 16 rows
// 1.9–2.3 (16 dirty lines in one L1 set); two or three groups of 8 rows
// 64–256 columns apart 0.73–0.94, no better than one. On a quieter
// machine (load 1.1), when the matrices stay in L3, 0.97–1.00; in later
// series at load 2.0–2.2, as the other job changed, 0.96–1.05.
const (
	wideStepRows  = 8
	wideStepAhead = 256
)

// backwardStepWide emits backwardStepWideAVX512(w, x, dy, dx, a): the
// backward pass and SGD step without momentum (see backwardStep),
// wideStepRows rows at a time over 8 columns (a line a row), for matrices
// too large for the caches (len(x) a multiple of 8, len(dy) of
// wideStepRows): dx_j is read and written once per wideStepRows rows
// instead of once per 4, and each row's line wideStepAhead bytes on is
// prefetched.
func backwardStepWide() {
	name := "backwardStepWideAVX512"
	TEXT(name, NOSPLIT, "func(w, x, dy, dx []float64, a float64)")
	Doc(fmt.Sprintf("%s is the backward pass and SGD step, %d rows at a time, for matrices too large for the caches.", name, wideStepRows))
	in := loadBackward(f64, true, false, avx512)
	stride, s3 := strides(f64, in.n)
	s4 := times4(stride)
	var g [wideStepRows]reg.VecVirtual
	for r := range g {
		g[r] = ZMM()
	}
	p, q, xp, dxp, cnt := GP64(), GP64(), GP64(), GP64(), GP64()
	row := func(r int) Mem { return rowOf8(p, q, stride, s3, r) }

	Label(name + "block")
	CMPQ(in.rows, Imm(wideStepRows))
	JL(LabelRef(name + "done"))
	for r := range g {
		VBROADCASTSD(Mem{Base: in.dy, Disp: 8 * r}, g[r])
	}
	MOVQ(in.w, p)
	LEAQ(Mem{Base: p, Index: s4, Scale: 1}, q)
	MOVQ(in.x, xp)
	MOVQ(in.dx, dxp)
	MOVQ(in.n, cnt)
	SHRQ(Imm(3), cnt)
	JZ(LabelRef(name + "next"))

	Label(name + "cols")
	for r := range g {
		m := row(r)
		m.Disp = wideStepAhead
		PREFETCHT0(m) // past the matrix: a prefetch never faults
	}
	xv, d := ZMM(), ZMM()
	VMOVUPD(Mem{Base: xp}, xv)
	VMOVUPD(Mem{Base: dxp}, d)
	for r := range g {
		w, t := ZMM(), ZMM()
		VMOVUPD(row(r), w)
		VMULPD(w, g[r], t)
		VADDPD(t, d, d)     // dx_j += dy_o·w_oj, the rows in order
		VMULPD(xv, g[r], t) // dy_o·x_j, rounded
		VFMADD231PD(t, in.a, w)
		VMOVUPD(w, row(r))
	}
	VMOVUPD(d, Mem{Base: dxp})
	ADDQ(Imm(64), p)
	ADDQ(Imm(64), q)
	ADDQ(Imm(64), xp)
	ADDQ(Imm(64), dxp)
	DECQ(cnt)
	JNZ(LabelRef(name + "cols"))

	Label(name + "next")
	ADDQ(s4, in.w)
	ADDQ(s4, in.w)
	ADDQ(Imm(8*wideStepRows), in.dy)
	SUBQ(Imm(wideStepRows), in.rows)
	JMP(LabelRef(name + "block"))
	Label(name + "done")
	VZEROUPPER()
	RET()
}

// backwardStepListed emits backwardStepListedAVX512(rows, dy, x, dx, a):
// backwardStepWide's pass over 8 rows that need not be consecutive, each
// given by the address of its first weight (rows[r]) and its gradient
// dy[r], in the order of the rows (len(x) a multiple of 8): the rows of a
// ReLU's active units, the silent ones left out (affine's prunes).
func backwardStepListed() {
	name := "backwardStepListedAVX512"
	TEXT(name, NOSPLIT, "func(rows *[8]*float64, dy *[8]float64, x, dx []float64, a float64)")
	Doc(fmt.Sprintf("%s is the backward pass and SGD step of %d rows anywhere in a matrix, in their order.", name, wideStepRows))
	rp := Load(Param("rows"), GP64())
	dyp := Load(Param("dy"), GP64())
	var r [wideStepRows]reg.GPVirtual
	var g [wideStepRows]reg.VecVirtual
	for i := range r {
		r[i], g[i] = GP64(), ZMM()
		MOVQ(Mem{Base: rp, Disp: 8 * i}, r[i])
		VBROADCASTSD(Mem{Base: dyp, Disp: 8 * i}, g[i])
	}
	xp := Load(Param("x").Base(), GP64())
	cnt := Load(Param("x").Len(), GP64())
	dxp := Load(Param("dx").Base(), GP64())
	a := ZMM()
	VBROADCASTSD(Load(Param("a"), XMM()), a)
	off := GP64()
	XORQ(off, off)
	SHRQ(Imm(3), cnt)
	JZ(LabelRef(name + "done"))

	Label(name + "cols")
	at := func(base reg.Register, disp int) Mem { return Mem{Base: base, Index: off, Scale: 1, Disp: disp} }
	for i := range r {
		PREFETCHT0(at(r[i], wideStepAhead)) // past the row: a prefetch never faults
	}
	xv, d := ZMM(), ZMM()
	VMOVUPD(at(xp, 0), xv)
	VMOVUPD(at(dxp, 0), d)
	for i := range r {
		w, t := ZMM(), ZMM()
		VMOVUPD(at(r[i], 0), w)
		VMULPD(w, g[i], t)
		VADDPD(t, d, d)     // dx_j += dy_o·w_oj, the rows in order
		VMULPD(xv, g[i], t) // dy_o·x_j, rounded
		VFMADD231PD(t, a, w)
		VMOVUPD(w, at(r[i], 0))
	}
	VMOVUPD(d, at(dxp, 0))
	ADDQ(Imm(64), off)
	DECQ(cnt)
	JNZ(LabelRef(name + "cols"))

	Label(name + "done")
	VZEROUPPER()
	RET()
}
