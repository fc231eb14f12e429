// Command asm generates the amd64 vector kernels of package affine
// (affine_amd64.s and stubs_amd64.go) with avo. It is its own module, so
// that avo stays out of the runtime module's dependencies:
//
//	cd stream/affine/asm && GOWORK=off go run . -out ../affine_amd64.s -stubs ../stubs_amd64.go -pkg affine
//
// Every kernel runs independent lanes side by side and keeps each sum in
// the order of the pure-Go code: the forward pass computes four output
// rows per vector (a row's products added one by one from the first), the
// backward passes four inputs per vector (dx_j summed over the rows in
// order). Products are rounded (VMULPD) before they are added; only the
// SGD step, which the Go code takes with math.FMA, is a fused
// multiply-add. The float32 kernels are in gen32.go.
package main

import (
	"fmt"
	"math/bits"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// isa is a vector extension the kernels along rows are emitted for.
type isa struct {
	suffix string                // of the kernels' names
	lanes  int                   // float64 values per vector
	vec    func() reg.VecVirtual // a fresh vector register
}

var (
	avx2   = isa{"AVX2", 4, YMM}
	avx512 = isa{"AVX512", 8, ZMM}
)

// zero clears v: VXORPD for ymm, VPXORQ (AVX-512F) for zmm.
func (s isa) zero(v reg.VecVirtual) {
	if s.lanes == 8 {
		VPXORQ(v, v, v)
	} else {
		VXORPD(v, v, v)
	}
}

func main() {
	ConstraintExpr("!purego")
	forward("forwardAVX2", []int{16, 8, 4, 2, 1})
	forward("forwardRows8AVX2", []int{8, 4, 2, 1})
	forwardT()
	forwardWide()
	backwardStepWide()
	backwardStepListed()
	for _, s := range []isa{avx2, avx512} {
		for _, dx := range []bool{true, false} {
			backwardStep(dx, false, s)
			backwardStep(dx, true, s)
		}
		backwardStepCols(false, s)
		backwardStepCols(true, s)
		step(s)
		stepMomentum(s)
		relu(s)
		reluBackward(s)
	}
	backwardStepRow(false)
	backwardStepRow(true)
	backwardStepFlat(false)
	backwardStepFlat(true)
	forward32("forward32AVX2", 2, 16)
	forward32Lag("forward32LagAVX2", lag32)
	for _, s := range []isa{avx2, avx512} {
		for _, dx := range []bool{true, false} {
			backwardStep32(dx, false, s)
			backwardStep32(dx, true, s)
		}
		step32(s)
		stepMomentum32(s)
		relu32(s)
		reluBackward32(s)
	}
	Generate()
}

// forward emits name(w, x, b, y): y = W·x + b, W row-major
// [len(y)×len(x)], in blocks of the given numbers of rows: 16, 8 and 4
// rows (ymm lanes, one accumulator per four rows), then 2 (xmm lanes) and
// 1 (scalar). The columns j and j+1 of four rows are gathered with two
// 128-bit loads, two inserts and two unpacks; of two rows, with two loads
// and two unpacks.
func forward(name string, blocks []int) {
	TEXT(name, NOSPLIT, "func(w, x, b, y []float64, relu uint64)")
	Doc(fmt.Sprintf("%s writes y = W·x + b, each row's products added one by one from the first, at most %d rows at a time; then y = max(y, 0) as reluAVX2 if relu is not 0.", name, blocks[0]))
	wp := Load(Param("w").Base(), GP64())
	xBase := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	bp := Load(Param("b").Base(), GP64())
	yp := Load(Param("y").Base(), GP64())
	left := Load(Param("y").Len(), GP64())
	zero := YMM()
	VXORPD(zero, zero, zero)

	stride := GP64() // bytes per row
	MOVQ(n, stride)
	SHLQ(Imm(3), stride)
	s3 := GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	s4 := GP64()
	MOVQ(stride, s4)
	SHLQ(Imm(2), s4)
	xp, cnt := GP64(), GP64()
	x0, x1 := YMM(), YMM()
	a, b, c := YMM(), YMM(), YMM() // temporaries shared by the groups: VEX has 16 registers

	for _, rows := range blocks {
		groups := max(rows/4, 1)
		acc := make([]reg.VecVirtual, groups)
		p := make([]reg.GPVirtual, groups)
		for g := range acc {
			acc[g] = YMM()
			p[g] = GP64()
		}
		name := fmt.Sprintf("%s%d", name, rows)
		Label(name + "block")
		CMPQ(left, Imm(uint64(rows)))
		JL(LabelRef(name + "done"))
		for g := range groups {
			VXORPD(acc[g], acc[g], acc[g])
			if g == 0 {
				MOVQ(wp, p[0])
			} else {
				LEAQ(Mem{Base: p[g-1], Index: s4, Scale: 1}, p[g])
			}
		}
		MOVQ(xBase, xp)
		MOVQ(n, cnt)

		Label(name + "pair")
		CMPQ(cnt, Imm(2))
		JL(LabelRef(name + "odd"))
		switch rows {
		case 1:
			VMOVSD(Mem{Base: p[0]}, a.AsX())
			VMULSD(Mem{Base: xp}, a.AsX(), a.AsX())
			VADDSD(a.AsX(), acc[0].AsX(), acc[0].AsX())
			VMOVSD(Mem{Base: p[0], Disp: 8}, b.AsX())
			VMULSD(Mem{Base: xp, Disp: 8}, b.AsX(), b.AsX())
			VADDSD(b.AsX(), acc[0].AsX(), acc[0].AsX())
			ADDQ(Imm(16), p[0])
		case 2:
			VMOVDDUP(Mem{Base: xp}, x0.AsX())
			VMOVDDUP(Mem{Base: xp, Disp: 8}, x1.AsX())
			VMOVUPD(Mem{Base: p[0]}, a.AsX())                          // row 0: j, j+1
			VMOVUPD(Mem{Base: p[0], Index: stride, Scale: 1}, b.AsX()) // row 1
			VUNPCKLPD(b.AsX(), a.AsX(), c.AsX())                       // column j of the two rows
			VUNPCKHPD(b.AsX(), a.AsX(), a.AsX())                       // column j+1
			VMULPD(x0.AsX(), c.AsX(), c.AsX())
			VADDPD(c.AsX(), acc[0].AsX(), acc[0].AsX())
			VMULPD(x1.AsX(), a.AsX(), a.AsX())
			VADDPD(a.AsX(), acc[0].AsX(), acc[0].AsX())
			ADDQ(Imm(16), p[0])
		default:
			VBROADCASTSD(Mem{Base: xp}, x0)
			VBROADCASTSD(Mem{Base: xp, Disp: 8}, x1)
			for g := range groups {
				VMOVUPD(Mem{Base: p[g]}, a.AsX())                                   // row 0: j, j+1
				VINSERTF128(Imm(1), Mem{Base: p[g], Index: stride, Scale: 2}, a, a) // row 2
				VMOVUPD(Mem{Base: p[g], Index: stride, Scale: 1}, b.AsX())          // row 1
				VINSERTF128(Imm(1), Mem{Base: p[g], Index: s3, Scale: 1}, b, b)     // row 3
				VUNPCKLPD(b, a, c)                                                  // column j of the four rows
				VUNPCKHPD(b, a, a)                                                  // column j+1
				VMULPD(x0, c, c)
				VADDPD(c, acc[g], acc[g])
				VMULPD(x1, a, a)
				VADDPD(a, acc[g], acc[g])
				ADDQ(Imm(16), p[g])
			}
		}
		ADDQ(Imm(16), xp)
		SUBQ(Imm(2), cnt)
		JMP(LabelRef(name + "pair"))

		Label(name + "odd")
		TESTQ(cnt, cnt)
		JZ(LabelRef(name + "store"))
		switch rows {
		case 1:
			VMOVSD(Mem{Base: p[0]}, a.AsX())
			VMULSD(Mem{Base: xp}, a.AsX(), a.AsX())
			VADDSD(a.AsX(), acc[0].AsX(), acc[0].AsX())
		case 2:
			VMOVDDUP(Mem{Base: xp}, x0.AsX())
			VMOVSD(Mem{Base: p[0]}, a.AsX())
			VMOVHPD(Mem{Base: p[0], Index: stride, Scale: 1}, a.AsX(), a.AsX())
			VMULPD(x0.AsX(), a.AsX(), a.AsX())
			VADDPD(a.AsX(), acc[0].AsX(), acc[0].AsX())
		default:
			VBROADCASTSD(Mem{Base: xp}, x0)
			for g := range groups {
				VMOVSD(Mem{Base: p[g]}, a.AsX())
				VMOVHPD(Mem{Base: p[g], Index: stride, Scale: 1}, a.AsX(), a.AsX())
				VMOVSD(Mem{Base: p[g], Index: stride, Scale: 2}, b.AsX())
				VMOVHPD(Mem{Base: p[g], Index: s3, Scale: 1}, b.AsX(), b.AsX())
				VINSERTF128(Imm(1), b.AsX(), a, a)
				VMULPD(x0, a, a)
				VADDPD(a, acc[g], acc[g])
			}
		}

		Label(name + "store")
		switch rows {
		case 1:
			VADDSD(Mem{Base: bp}, acc[0].AsX(), acc[0].AsX())
		case 2:
			VADDPD(Mem{Base: bp}, acc[0].AsX(), acc[0].AsX())
		default:
			for g := range groups {
				VADDPD(Mem{Base: bp, Disp: 32 * g}, acc[g], acc[g])
			}
		}
		relu := GP64() // read here: the blocks use every other register
		Load(Param("relu"), relu)
		TESTQ(relu, relu)
		JZ(LabelRef(name + "put"))
		for g := range groups {
			// As relu: max(0, y), y when a NaN or both zeros, then +0.
			VMAXPD(acc[g], zero, acc[g])
			VADDPD(zero, acc[g], acc[g])
		}
		Label(name + "put")
		switch rows {
		case 1:
			VMOVSD(acc[0].AsX(), Mem{Base: yp})
		case 2:
			VMOVUPD(acc[0].AsX(), Mem{Base: yp})
		default:
			for g := range groups {
				VMOVUPD(acc[g], Mem{Base: yp, Disp: 32 * g})
			}
		}
		if rows >= 4 {
			for range groups {
				ADDQ(s4, wp)
			}
		} else {
			for range rows {
				ADDQ(stride, wp)
			}
		}
		ADDQ(Imm(uint64(8*rows)), bp)
		ADDQ(Imm(uint64(8*rows)), yp)
		SUBQ(Imm(uint64(rows)), left)
		JMP(LabelRef(name + "block"))
		Label(name + "done")
	}
	VZEROUPPER()
	RET()
}

// backwardArgs are a backward kernel's arguments in registers: the bases
// of w, v (with momentum), x, dy and dx (with dx), len(x) and len(dy), and
// a and m broadcast to vectors.
type backwardArgs struct {
	w, v, x, n, dy, rows, dx reg.Register
	a, m                     reg.VecVirtual
}

// loadBackward loads the arguments of a backward kernel of e: a as a
// float64 (a float32 widened, exactly) broadcast, m broadcast as an e.
func loadBackward(e elemType, withDx, momentum bool, s isa) backwardArgs {
	var in backwardArgs
	in.w = Load(Param("w").Base(), GP64())
	if momentum {
		in.v = Load(Param("v").Base(), GP64())
	}
	in.x = Load(Param("x").Base(), GP64())
	in.n = Load(Param("x").Len(), GP64())
	in.dy = Load(Param("dy").Base(), GP64())
	in.rows = Load(Param("dy").Len(), GP64())
	if withDx {
		in.dx = Load(Param("dx").Base(), GP64())
	}
	if e.size == 8 {
		in.a = s.vec()
		VBROADCASTSD(Load(Param("a"), XMM()), in.a)
	} else {
		a := Load(Param("a"), XMM())
		VCVTSS2SD(a, a, a)
		in.a = s.vec()
		VBROADCASTSD(a, in.a)
	}
	if momentum {
		in.m = s.vec()
		m := Load(Param("m"), XMM())
		if e.size == 8 {
			VBROADCASTSD(m, in.m)
		} else {
			VBROADCASTSS(m, in.m)
		}
	}
	return in
}

// backwardStep emits the backward pass fused with the SGD step, four rows
// at a time and then one (four or one inputs per step): with dx, dx_j += dy_o·w_oj over the
// rows in order; then w_oj = fma(a, dy_o·x_j, w_oj), or with momentum
// v_oj = m·v_oj + dy_o·x_j and w_oj = fma(a, v_oj, w_oj).
func backwardStep(withDx, momentum bool, s isa) {
	name, in := backwardKernel(f64, withDx, momentum, s, "%s is the backward pass and SGD step, four rows at a time, then one.")
	av, mv := in.a, in.m
	stride, s3 := strides(f64, in.n)
	s4 := times4(stride)
	g := [4]reg.VecVirtual{s.vec(), s.vec(), s.vec(), s.vec()}
	p, q, xp, dxp, cnt := GP64(), GP64(), GP64(), GP64(), GP64()
	row := func(base reg.Register, r int) Mem { return rowOf(base, stride, s3, r) }

	backwardRows(f64, name, in, stride, s4, g, rowWalk{p, q, xp, dxp, cnt}, func(name string, rows int) {
		// One step over a vector of inputs (width s.lanes) or one (width 1, xmm).
		step := func(width int) {
			load, mul, add, fma := VMOVUPD, VMULPD, VADDPD, VFMADD231PD
			vec := func(v reg.VecVirtual) reg.Register { return v }
			if width == 1 {
				load, mul, add, fma = VMOVSD, VMULSD, VADDSD, VFMADD231SD
				vec = func(v reg.VecVirtual) reg.Register { return v.AsX() }
			}
			xv, d, w, t, u := s.vec(), s.vec(), s.vec(), s.vec(), s.vec()
			load(Mem{Base: xp}, vec(xv))
			if withDx {
				load(Mem{Base: dxp}, vec(d))
			}
			for r := range rows {
				load(row(p, r), vec(w))
				if withDx {
					mul(vec(w), vec(g[r]), vec(t))
					add(vec(t), vec(d), vec(d))
				}
				mul(vec(xv), vec(g[r]), vec(t)) // dy_o·x_j, rounded
				if momentum {
					mul(row(q, r), vec(mv), vec(u)) // m·v, rounded
					add(vec(t), vec(u), vec(u))
					if width == 1 {
						VMOVSD(u.AsX(), row(q, r))
					} else {
						VMOVUPD(u, row(q, r))
					}
					fma(vec(u), vec(av), vec(w))
				} else {
					fma(vec(t), vec(av), vec(w))
				}
				if width == 1 {
					VMOVSD(w.AsX(), row(p, r))
				} else {
					VMOVUPD(w, row(p, r))
				}
			}
			if withDx {
				if width == 1 {
					VMOVSD(d.AsX(), Mem{Base: dxp})
				} else {
					VMOVUPD(d, Mem{Base: dxp})
				}
				ADDQ(U32(8*width), dxp)
			}
			ADDQ(U32(8*width), p)
			if momentum {
				ADDQ(U32(8*width), q)
			}
			ADDQ(U32(8*width), xp)
			SUBQ(Imm(uint64(width)), cnt)
		}

		Label(name + "four")
		CMPQ(cnt, Imm(uint64(s.lanes)))
		JL(LabelRef(name + "one"))
		step(s.lanes)
		JMP(LabelRef(name + "four"))
		Label(name + "one")
		TESTQ(cnt, cnt)
		JZ(LabelRef(name + "next"))
		step(1)
		JMP(LabelRef(name + "one"))
	})

	VZEROUPPER()
	RET()
}

// elemType is the element type of a kernel's slices.
type elemType struct {
	size   int    // bytes a value
	name   string // the Go type
	suffix string // after the kernel's name's stem: "" or "32"
}

var (
	f64 = elemType{8, "float64", ""}
	f32 = elemType{4, "float32", "32"}
)

// backwardKernel starts the backward kernel of e fused with the SGD step,
// with or without dx and momentum (its name and signature from them, doc a
// format of its name), and loads its arguments.
func backwardKernel(e elemType, withDx, momentum bool, s isa, doc string) (string, backwardArgs) {
	name, args := "backwardStep", "w, x, dy, dx []%[1]s, a %[1]s"
	if momentum {
		name, args = "backwardStepMomentum", "w, v, x, dy, dx []%[1]s, a, m %[1]s"
	}
	name += e.suffix
	if !withDx {
		name += "NoDx"
		args = strings.Replace(args, ", dx", "", 1)
	}
	name += s.suffix
	TEXT(name, NOSPLIT, "func("+fmt.Sprintf(args, e.name)+")")
	Doc(fmt.Sprintf(doc, name))
	return name, loadBackward(e, withDx, momentum, s)
}

// strides returns the bytes of a row of n values of e and of 3 rows.
func strides(e elemType, n reg.Register) (stride, s3 reg.GPVirtual) {
	stride = GP64()
	MOVQ(n, stride)
	SHLQ(Imm(uint64(bits.TrailingZeros(uint(e.size)))), stride)
	s3 = GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	return stride, s3
}

// times4 returns 4·stride in a new register.
func times4(stride reg.Register) reg.GPVirtual {
	s4 := GP64()
	MOVQ(stride, s4)
	SHLQ(Imm(2), s4)
	return s4
}

// rowWalk are the registers a backward kernel's pass over a block's
// columns walks: w's and v's rows, x, dx and the count of columns left.
type rowWalk struct{ p, q, xp, dxp, cnt reg.Register }

// backwardRows emits a backward kernel's loop over its rows, 4 at a time
// and then 1: for each block, dy_o of its rows broadcast into g, the walk
// set to the block's first column (q with momentum, dxp with dx) and cnt
// to n; cols then emits the pass over the columns, its labels starting
// with the name it is given and ending at that name's "next"; then w (and
// v) move on by the block's rows: by s4, 4 rows' bytes, or with s4 nil
// (a register fewer, where the kernel has none to spare) by stride once a
// row.
func backwardRows(e elemType, name string, in backwardArgs, stride, s4 reg.Register, g [4]reg.VecVirtual, wk rowWalk, cols func(name string, rows int)) {
	momentum, withDx := in.v != nil, in.dx != nil
	for _, rows := range []int{4, 1} {
		name := fmt.Sprintf("%s%d", name, rows)
		Label(name + "block")
		CMPQ(in.rows, Imm(uint64(rows)))
		JL(LabelRef(name + "done"))
		for r := range rows {
			if e.size == 8 {
				VBROADCASTSD(Mem{Base: in.dy, Disp: 8 * r}, g[r])
			} else {
				VBROADCASTSS(Mem{Base: in.dy, Disp: 4 * r}, g[r])
			}
		}
		MOVQ(in.w, wk.p)
		if momentum {
			MOVQ(in.v, wk.q)
		}
		MOVQ(in.x, wk.xp)
		if withDx {
			MOVQ(in.dx, wk.dxp)
		}
		MOVQ(in.n, wk.cnt)

		cols(name, rows)

		Label(name + "next")
		switch {
		case s4 == nil:
			for range rows {
				ADDQ(stride, in.w)
				if momentum {
					ADDQ(stride, in.v)
				}
			}
		default:
			inc := s4
			if rows == 1 {
				inc = stride
			}
			ADDQ(inc, in.w)
			if momentum {
				ADDQ(inc, in.v)
			}
		}
		ADDQ(Imm(uint64(e.size*rows)), in.dy)
		SUBQ(Imm(uint64(rows)), in.rows)
		JMP(LabelRef(name + "block"))
		Label(name + "done")
	}
}

// step emits stepAVX2(val, d, a): val_i = fma(a, d_i, val_i), sixteen,
// then four, then one at a time.
func step(s isa) {
	TEXT("step"+s.suffix, NOSPLIT, "func(val, d []float64, a float64)")
	Doc("step" + s.suffix + " sets val[i] = val[i] + a·d[i] with one rounding each.")
	vp := Load(Param("val").Base(), GP64())
	n := Load(Param("val").Len(), GP64())
	dp := Load(Param("d").Base(), GP64())
	av := s.vec()
	VBROADCASTSD(Load(Param("a"), XMM()), av)
	v := [4]reg.VecVirtual{s.vec(), s.vec(), s.vec(), s.vec()}
	for _, width := range []int{4 * s.lanes, s.lanes, 1} {
		name := fmt.Sprintf("s%d", width)
		Label(name)
		CMPQ(n, Imm(uint64(width)))
		JL(LabelRef(name + "done"))
		switch width {
		case 1:
			VMOVSD(Mem{Base: vp}, v[0].AsX())
			VFMADD231SD(Mem{Base: dp}, av.AsX(), v[0].AsX())
			VMOVSD(v[0].AsX(), Mem{Base: vp})
		default:
			for k := range width / s.lanes {
				VMOVUPD(Mem{Base: vp, Disp: 8 * s.lanes * k}, v[k])
				VFMADD231PD(Mem{Base: dp, Disp: 8 * s.lanes * k}, av, v[k])
				VMOVUPD(v[k], Mem{Base: vp, Disp: 8 * s.lanes * k})
			}
		}
		ADDQ(U32(8*width), vp)
		ADDQ(U32(8*width), dp)
		SUBQ(Imm(uint64(width)), n)
		JMP(LabelRef(name))
		Label(name + "done")
	}
	VZEROUPPER()
	RET()
}

// backwardStepCols emits the same pass as backwardStep with dx, for small
// matrices (in L1), in the other loop order: eight inputs (two vectors) at
// a time over every row, then four, then one, so that each dx_j sums in a
// register, over the rows in order, and the columns' sums overlap instead
// of passing through memory once per four rows.
func backwardStepCols(momentum bool, s isa) {
	name := "backwardStepCols" + s.suffix
	sig := "func(w, x, dy, dx []float64, a float64)"
	if momentum {
		name = "backwardStepMomentumCols" + s.suffix
		sig = "func(w, v, x, dy, dx []float64, a, m float64)"
	}
	TEXT(name, NOSPLIT, sig)
	Doc(fmt.Sprintf("%s is the backward pass and SGD step, column blocks outside and rows inside.", name))
	in := loadBackward(f64, true, momentum, s)
	wCol, vCol, xp, cnt, dyBase, rows, dxp, av, mv := in.w, in.v, in.x, in.n, in.dy, in.rows, in.dx, in.a, in.m
	stride := GP64()
	MOVQ(cnt, stride)
	SHLQ(Imm(3), stride)
	p, q, dyp, left := GP64(), GP64(), GP64(), GP64()
	d := [2]reg.VecVirtual{s.vec(), s.vec()}
	xv := [2]reg.VecVirtual{s.vec(), s.vec()}
	g, w, t, u := s.vec(), s.vec(), s.vec(), s.vec()

	for _, width := range []int{2 * s.lanes, s.lanes, 1} {
		vecs := max(width/s.lanes, 1)
		load, mul, add, fma, store := VMOVUPD, VMULPD, VADDPD, VFMADD231PD, VMOVUPD
		vec := func(v reg.VecVirtual) reg.Register { return v }
		if width == 1 {
			load, mul, add, fma, store = VMOVSD, VMULSD, VADDSD, VFMADD231SD, VMOVSD
			vec = func(v reg.VecVirtual) reg.Register { return v.AsX() }
		}
		lbl := fmt.Sprintf("%s%d", name, width)
		Label(lbl + "cols")
		CMPQ(cnt, Imm(uint64(width)))
		JL(LabelRef(lbl + "done"))
		for k := range vecs {
			s.zero(d[k])
			load(Mem{Base: xp, Disp: 8 * s.lanes * k}, vec(xv[k]))
		}
		MOVQ(wCol, p)
		if momentum {
			MOVQ(vCol, q)
		}
		MOVQ(dyBase, dyp)
		MOVQ(rows, left)
		Label(lbl + "row")
		TESTQ(left, left)
		JZ(LabelRef(lbl + "store"))
		VBROADCASTSD(Mem{Base: dyp}, g)
		for k := range vecs {
			load(Mem{Base: p, Disp: 8 * s.lanes * k}, vec(w))
			mul(vec(w), vec(g), vec(t))
			add(vec(t), vec(d[k]), vec(d[k]))
			mul(vec(xv[k]), vec(g), vec(t)) // dy_o·x_j, rounded
			if momentum {
				mul(Mem{Base: q, Disp: 8 * s.lanes * k}, vec(mv), vec(u)) // m·v, rounded
				add(vec(t), vec(u), vec(u))
				store(vec(u), Mem{Base: q, Disp: 8 * s.lanes * k})
				fma(vec(u), vec(av), vec(w))
			} else {
				fma(vec(t), vec(av), vec(w))
			}
			store(vec(w), Mem{Base: p, Disp: 8 * s.lanes * k})
		}
		ADDQ(stride, p)
		if momentum {
			ADDQ(stride, q)
		}
		ADDQ(Imm(8), dyp)
		DECQ(left)
		JMP(LabelRef(lbl + "row"))

		Label(lbl + "store")
		for k := range vecs {
			store(vec(d[k]), Mem{Base: dxp, Disp: 8 * s.lanes * k})
		}
		ADDQ(U32(8*width), wCol)
		if momentum {
			ADDQ(U32(8*width), vCol)
		}
		ADDQ(U32(8*width), xp)
		ADDQ(U32(8*width), dxp)
		SUBQ(Imm(uint64(width)), cnt)
		JMP(LabelRef(lbl + "cols"))
		Label(lbl + "done")
	}
	VZEROUPPER()
	RET()
}

// stepMomentum emits stepMomentumAVX2(val, v, d, a, m): v_i = m·v_i + d_i
// (the product rounded, then the sum) and val_i = fma(a, v_i, val_i), a
// vector at a time, then one.
func stepMomentum(s isa) {
	name := "stepMomentum" + s.suffix
	TEXT(name, NOSPLIT, "func(val, v, d []float64, a, m float64)")
	Doc(name + " sets v[i] = m·v[i] + d[i], then val[i] = val[i] + a·v[i] with one rounding: SGD with momentum.")
	vp := Load(Param("val").Base(), GP64())
	n := Load(Param("val").Len(), GP64())
	up := Load(Param("v").Base(), GP64())
	dp := Load(Param("d").Base(), GP64())
	av, mv := s.vec(), s.vec()
	VBROADCASTSD(Load(Param("a"), XMM()), av)
	VBROADCASTSD(Load(Param("m"), XMM()), mv)
	u, w := s.vec(), s.vec()
	for _, width := range []int{s.lanes, 1} {
		load, mul, add, fma, store := VMOVUPD, VMULPD, VADDPD, VFMADD231PD, VMOVUPD
		vec := func(v reg.VecVirtual) reg.Register { return v }
		if width == 1 {
			load, mul, add, fma, store = VMOVSD, VMULSD, VADDSD, VFMADD231SD, VMOVSD
			vec = func(v reg.VecVirtual) reg.Register { return v.AsX() }
		}
		lbl := fmt.Sprintf("%s%d", name, width)
		Label(lbl)
		CMPQ(n, Imm(uint64(width)))
		JL(LabelRef(lbl + "done"))
		mul(Mem{Base: up}, vec(mv), vec(u)) // m·v, rounded
		add(Mem{Base: dp}, vec(u), vec(u))
		store(vec(u), Mem{Base: up})
		load(Mem{Base: vp}, vec(w))
		fma(vec(u), vec(av), vec(w))
		store(vec(w), Mem{Base: vp})
		ADDQ(U32(8*width), vp)
		ADDQ(U32(8*width), up)
		ADDQ(U32(8*width), dp)
		SUBQ(Imm(uint64(width)), n)
		JMP(LabelRef(lbl))
		Label(lbl + "done")
	}
	VZEROUPPER()
	RET()
}

// elementwise emits the loop of a kernel over n float64 values, a vector
// of s.lanes at a time, then one (width 1: xmm registers, scalar loads and
// stores); body emits one step of the given width, ptrs advance by it.
func elementwise(name string, s isa, n reg.Register, ptrs []reg.Register, body func(width int)) {
	elementLoops(name, 8, []int{s.lanes, 1}, n, ptrs, body)
}

// elementLoops emits a loop per width in turn over n values of size bytes
// each, as many steps of that width as are left whole: body emits one
// step, ptrs advance by it. The last width is 1.
func elementLoops(name string, size int, widths []int, n reg.Register, ptrs []reg.Register, body func(width int)) {
	for _, width := range widths {
		lbl := fmt.Sprintf("%s%d", name, width)
		Label(lbl)
		CMPQ(n, Imm(uint64(width)))
		JL(LabelRef(lbl + "done"))
		body(width)
		for _, p := range ptrs {
			ADDQ(U32(size*width), p)
		}
		SUBQ(Imm(uint64(width)), n)
		JMP(LabelRef(lbl))
		Label(lbl + "done")
	}
	VZEROUPPER()
	RET()
}

// rowOf addresses row r (0 to 3) of a block of four from its first row's
// address base, rows stride bytes apart (s3 holds 3·stride).
func rowOf(base, stride, s3 reg.Register, r int) Mem {
	switch r {
	case 0:
		return Mem{Base: base}
	case 1:
		return Mem{Base: base, Index: stride, Scale: 1}
	case 2:
		return Mem{Base: base, Index: stride, Scale: 2}
	}
	return Mem{Base: base, Index: s3, Scale: 1}
}

// rowOf8 addresses row r (0 to 7) of a block of eight as rowOf does,
// rows 0–3 from p and rows 4–7 from q, four rows after p: the eight-row
// kernels' one way of naming a row.
func rowOf8(p, q, stride, s3 reg.Register, r int) Mem {
	if r >= 4 {
		return rowOf(q, stride, s3, r-4)
	}
	return rowOf(p, stride, s3, r)
}

// relu emits reluAVX2(z, a): a_i = max(z_i, 0) as reluGo computes it, a
// NaN kept (its sign too, which Go's max clears) and −0 made +0: VMAXPD
// returns its second operand, z_i, when either is a NaN or both are
// zeros, and adding +0 turns −0 into +0 and changes nothing else.
func relu(s isa) {
	name := "relu" + s.suffix
	TEXT(name, NOSPLIT, "func(z, a []float64)")
	Doc(name + " sets a[i] = max(z[i], 0), a NaN kept (with its sign) and −0 made +0, as reluGo does.")
	zp := Load(Param("z").Base(), GP64())
	n := Load(Param("z").Len(), GP64())
	ap := Load(Param("a").Base(), GP64())
	zero, v := s.vec(), s.vec()
	s.zero(zero)
	elementwise(name, s, n, []reg.Register{zp, ap}, func(width int) {
		if width == 1 {
			VMOVSD(Mem{Base: zp}, v.AsX())
			VMAXSD(v.AsX(), zero.AsX(), v.AsX()) // max(0, z): z when a NaN or both zeros
			VADDSD(zero.AsX(), v.AsX(), v.AsX())
			VMOVSD(v.AsX(), Mem{Base: ap})
			return
		}
		VMOVUPD(Mem{Base: zp}, v)
		VMAXPD(v, zero, v)
		VADDPD(zero, v, v)
		VMOVUPD(v, Mem{Base: ap})
	})
}

// reluBackward emits reluBackwardAVX2(a, da, dz): dz_i = da_i where a_i's
// bits are not all zero, +0 elsewhere (a is a ReLU output: ≥ 0, never
// −0, so that this is where a_i > 0, or a NaN).
func reluBackward(s isa) {
	name := "reluBackward" + s.suffix
	TEXT(name, NOSPLIT, "func(a, da, dz []float64)")
	Doc(name + " sets dz[i] = da[i] where a[i] is not zero, 0 elsewhere: the gradient through a ReLU of output a.")
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
	elementwise(name, s, n, []reg.Register{ap, dap, dzp}, func(width int) {
		switch {
		case width == 1:
			VMOVSD(Mem{Base: ap}, v.AsX())
			VPCMPEQQ(zero.AsX(), v.AsX(), v.AsX()) // all ones where a_i's bits are zero
			VMOVSD(Mem{Base: dap}, d.AsX())
			VPANDN(d.AsX(), v.AsX(), d.AsX()) // da_i and not that
			VMOVSD(d.AsX(), Mem{Base: dzp})
		case s.lanes == 8:
			VMOVUPD(Mem{Base: ap}, v)
			VPTESTMQ(v, v, keep)
			VMOVUPD_Z(Mem{Base: dap}, keep, d)
			VMOVUPD(d, Mem{Base: dzp})
		default:
			VMOVUPD(Mem{Base: ap}, v)
			VPCMPEQQ(zero, v, v)
			VMOVUPD(Mem{Base: dap}, d)
			VPANDN(d, v, d)
			VMOVUPD(d, Mem{Base: dzp})
		}
	})
}

// rowPart is one part of a row of at most 32 columns in backwardStepRow:
// a vector of lanes values at a byte offset fixed (disp) or in a register
// (off), present when the row has it (a runtime test).
type rowPart struct {
	lanes int
	disp  int
	off   reg.Register // nil: disp
	d, x  reg.VecVirtual
}

// backwardStepRow emits backwardStepRowAVX512 (or its momentum variant):
// the backward pass and SGD step of a matrix of at most 32 columns, each
// row in registers: up to four zmm vectors, then a ymm, an xmm and a
// scalar part for the columns left (n mod 8 = 4 + 2 + 1), every part
// present or skipped by a test the branch predictor learns, so that all
// of a row's sums dx_j (over the rows in order) overlap. Unmasked loads
// and stores of exactly a row's bytes: a masked store that spans the next
// row's first values stalls the next row's loads (3.5× slower). With a
// scalar part (n odd), rows go two at a time and the two rows' last
// columns are taken in one xmm, two lanes a rounding as the scalar's one
// (the multiplies, not the loads and stores, bound the kernel, and the
// scalar part took as many as a zmm part); its sum dx_(n−1) adds the two
// products one after the other, in the rows' order.
func backwardStepRow(momentum bool) {
	name := "backwardStepRowAVX512"
	sig := "func(w, x, dy, dx, act []float64, a float64)"
	if momentum {
		name = "backwardStepMomentumRowAVX512"
		sig = "func(w, v, x, dy, dx, act []float64, a, m float64)"
	}
	TEXT(name, NOSPLIT, sig)
	Doc(fmt.Sprintf("%s is the backward pass and SGD step of a matrix of at most 32 columns, each row in registers; dx is passed back through the ReLU of output act unless act is empty.", name))
	in := loadBackward(f64, false, momentum, avx512)
	wp, vp, xp, n, dyp, left, av, mv := in.w, in.v, in.x, in.n, in.dy, in.rows, in.a, in.m
	stride := GP64()
	MOVQ(n, stride)
	SHLQ(Imm(3), stride)
	// The byte offsets of the ymm, xmm and scalar parts: 8·(n &^ 7),
	// 8·(n &^ 3), 8·(n &^ 1).
	offs := make([]reg.Register, 3)
	for i, clearBits := range []uint64{7, 3, 1} {
		offs[i] = GP64()
		MOVQ(stride, offs[i])
		ANDQ(I32(int32(^(clearBits << 3))), offs[i])
	}
	var parts []rowPart
	for i := range 4 {
		parts = append(parts, rowPart{lanes: 8, disp: 64 * i, d: ZMM(), x: ZMM()})
	}
	for i, lanes := range []int{4, 2, 1} {
		parts = append(parts, rowPart{lanes: lanes, off: offs[i], d: ZMM(), x: ZMM()})
	}
	// each emits body for every part the row has: the zmm parts while
	// n ≥ 8·(i+1), then the ymm, xmm and (unless scalar is false) the
	// scalar part by n's bits 2, 1, 0.
	each := func(lbl string, scalar bool, body func(p rowPart)) {
		for i, p := range parts {
			if p.lanes == 1 && !scalar {
				break
			}
			skip := fmt.Sprintf("%s%s%d", name, lbl, i)
			if p.lanes == 8 {
				CMPQ(n, Imm(uint64(8*(i+1))))
				JL(LabelRef(fmt.Sprintf("%s%s%d", name, lbl, 4))) // no more zmm parts
			} else {
				TESTQ(U32(p.lanes), n)
				JZ(LabelRef(skip + "skip"))
			}
			body(p)
			if p.lanes != 8 {
				Label(skip + "skip")
			}
			if i == 3 {
				Label(fmt.Sprintf("%s%s%d", name, lbl, 4))
			}
		}
	}
	vec := func(v reg.VecVirtual, lanes int) reg.Register {
		switch lanes {
		case 8:
			return v
		case 4:
			return v.AsY()
		}
		return v.AsX()
	}
	at := func(base reg.Register, p rowPart) Mem {
		if p.off == nil {
			return Mem{Base: base, Disp: p.disp}
		}
		return Mem{Base: base, Index: p.off, Scale: 1}
	}
	load := func(m Mem, v reg.VecVirtual, lanes int) {
		if lanes == 1 {
			VMOVSD(m, v.AsX())
		} else {
			VMOVUPD(m, vec(v, lanes))
		}
	}
	store := func(v reg.VecVirtual, lanes int, m Mem) {
		if lanes == 1 {
			VMOVSD(v.AsX(), m)
		} else {
			VMOVUPD(vec(v, lanes), m)
		}
	}
	ops := func(lanes int) (mul, add, fma func(...Op)) {
		if lanes == 1 {
			return VMULSD, VADDSD, VFMADD231SD
		}
		return VMULPD, VADDPD, VFMADD231PD
	}

	for _, p := range parts {
		VPXORQ(p.d, p.d, p.d)
	}
	// x_(n−1) in both lanes of the scalar part, for the pairs of rows.
	each("x", true, func(p rowPart) {
		if p.lanes == 1 {
			VMOVDDUP(at(xp, p), p.x.AsX())
		} else {
			load(at(xp, p), p.x, p.lanes)
		}
	})
	g, w, t, u := ZMM(), ZMM(), ZMM(), ZMM()
	// rowBody is part p of the row at w and v (byte addresses) with
	// dy_o broadcast in g: dx's sum, then the step.
	rowBody := func(p rowPart, wb, vb reg.Register) {
		mul, add, fma := ops(p.lanes)
		v := func(r reg.VecVirtual) reg.Register { return vec(r, p.lanes) }
		load(at(wb, p), w, p.lanes)
		mul(v(w), v(g), v(t))
		add(v(t), v(p.d), v(p.d))
		mul(v(p.x), v(g), v(t)) // dy_o·x_j, rounded
		if momentum {
			load(at(vb, p), u, p.lanes)
			mul(v(u), v(mv), v(u)) // m·v, rounded
			add(v(t), v(u), v(u))
			store(u, p.lanes, at(vb, p))
			fma(v(u), v(av), v(w))
		} else {
			fma(v(t), v(av), v(w))
		}
		store(w, p.lanes, at(wb, p))
	}

	// Two rows at a time while n is odd: the parts before the last column
	// of each row, then the last columns of both in one xmm.
	Label(name + "pair")
	TESTQ(U32(1), n)
	JZ(LabelRef(name + "row"))
	CMPQ(left, Imm(2))
	JL(LabelRef(name + "row"))
	wp2, vp2 := GP64(), reg.Register(nil)
	LEAQ(Mem{Base: wp, Index: stride, Scale: 1}, wp2)
	if momentum {
		vp2 = GP64()
		LEAQ(Mem{Base: vp, Index: stride, Scale: 1}, vp2)
	}
	VBROADCASTSD(Mem{Base: dyp}, g)
	each("a", false, func(p rowPart) { rowBody(p, wp, vp) })
	VBROADCASTSD(Mem{Base: dyp, Disp: 8}, g)
	each("b", false, func(p rowPart) { rowBody(p, wp2, vp2) })
	{
		p := parts[len(parts)-1] // the scalar part: lane 0 row o, lane 1 row o+1
		gx, wx, tx, ux := g.AsX(), w.AsX(), t.AsX(), u.AsX()
		VMOVUPD(Mem{Base: dyp}, gx) // dy_o, dy_o+1
		VMOVSD(at(wp, p), wx)
		VMOVHPD(at(wp2, p), wx, wx)
		VMULPD(wx, gx, tx)
		VADDSD(tx, p.d.AsX(), p.d.AsX()) // row o's product, then row o+1's
		VPERMILPD(Imm(1), tx, tx)
		VADDSD(tx, p.d.AsX(), p.d.AsX())
		VMULPD(p.x.AsX(), gx, tx) // dy_o·x_j, rounded
		if momentum {
			VMOVSD(at(vp, p), ux)
			VMOVHPD(at(vp2, p), ux, ux)
			VMULPD(ux, mv.AsX(), ux) // m·v, rounded
			VADDPD(tx, ux, ux)
			VMOVSD(ux, at(vp, p))
			VMOVHPD(ux, at(vp2, p))
			VFMADD231PD(ux, av.AsX(), wx)
		} else {
			VFMADD231PD(tx, av.AsX(), wx)
		}
		VMOVSD(wx, at(wp, p))
		VMOVHPD(wx, at(wp2, p))
	}
	LEAQ(Mem{Base: wp, Index: stride, Scale: 2}, wp)
	if momentum {
		LEAQ(Mem{Base: vp, Index: stride, Scale: 2}, vp)
	}
	ADDQ(Imm(16), dyp)
	SUBQ(Imm(2), left)
	JMP(LabelRef(name + "pair"))

	// One row at a time: every row while n is even, else the last.
	Label(name + "row")
	TESTQ(left, left)
	JZ(LabelRef(name + "store"))
	VBROADCASTSD(Mem{Base: dyp}, g)
	each("r", true, func(p rowPart) { rowBody(p, wp, vp) })
	ADDQ(stride, wp)
	if momentum {
		ADDQ(stride, vp)
	}
	ADDQ(Imm(8), dyp)
	DECQ(left)
	JMP(LabelRef(name + "row"))

	Label(name + "store")
	dxp := Load(Param("dx").Base(), GP64())
	actN := Load(Param("act").Len(), GP64())
	TESTQ(actN, actN)
	JNZ(LabelRef(name + "relu"))
	each("s", true, func(p rowPart) { store(p.d, p.lanes, at(dxp, p)) })
	VZEROUPPER()
	RET()

	// Through the ReLU: dx_j kept where act_j's bits are not all zero, +0
	// elsewhere, as reluBackward.
	Label(name + "relu")
	actp := Load(Param("act").Base(), GP64())
	keep := K()
	each("z", true, func(p rowPart) {
		load(at(actp, p), t, p.lanes)
		VPTESTMQ(vec(t, p.lanes), vec(t, p.lanes), keep)
		VMOVUPD_Z(vec(p.d, p.lanes), keep, vec(p.d, p.lanes))
		store(p.d, p.lanes, at(dxp, p))
	})
	VZEROUPPER()
	RET()
}

// backwardStepFlat emits backwardStepFlatAVX512 (or its momentum
// variant): the SGD step of a matrix of 1 to 7 columns without ∂L/∂x (a
// network's first layer), over W as one flat vector, 8 weights a time
// whatever rows they lie in. Weight k of the flat matrix takes x_(k mod n)
// and dy_(k div n): idx holds, for each of the n vectors of 8 that make 8
// rows, the lanes' columns and then their rows within the 8 rows, so that
// each vector's x is permuted from x's n values (held in a register) and
// dy_o from the 8 rows' dy (one load), each by a VPERMPD: the shuffle
// pipes are idle in this kernel, where the x of each vector permuted once
// a call and kept on the stack put a store and a reload on the first
// vector's path (1.37× the time at 25×3). tails holds three masks of 8
// bits: x's n values, the last vector's weights (rows·n mod 8) and the
// last 8 rows' dy (rows mod 8). Each weight is computed as in
// backwardStep: the same operations on the same operands in the same order.
func backwardStepFlat(momentum bool) {
	name := "backwardStepFlatAVX512"
	sig := "func(w, x, dy []float64, idx []int64, a float64, tails uint64)"
	if momentum {
		name = "backwardStepMomentumFlatAVX512"
		sig = "func(w, v, x, dy []float64, idx []int64, a, m float64, tails uint64)"
	}
	TEXT(name, NOSPLIT, sig)
	Doc(fmt.Sprintf("%s is the SGD step of a matrix of fewer than 8 columns, without dx, 8 weights a time over the flat matrix.", name))
	wp := Load(Param("w").Base(), GP64())
	var vp reg.Register
	if momentum {
		vp = Load(Param("v").Base(), GP64())
	}
	xp := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	dyp := Load(Param("dy").Base(), GP64())
	rows := Load(Param("dy").Len(), GP64())
	ip := Load(Param("idx").Base(), GP64())
	av := ZMM()
	VBROADCASTSD(Load(Param("a"), XMM()), av)
	var mv reg.VecVirtual
	if momentum {
		mv = ZMM()
		VBROADCASTSD(Load(Param("m"), XMM()), mv)
	}
	kx, kw, kd := K(), K(), K()
	bits := GP64()
	Load(Param("tails"), bits)
	KMOVW(bits.As32(), kx)
	SHRQ(Imm(8), bits)
	KMOVW(bits.As32(), kw)
	SHRQ(Imm(8), bits)
	KMOVW(bits.As32(), kd)

	left := GP64() // weights left
	MOVQ(n, left)
	IMULQ(rows, left)
	half := GP64() // bytes of idx's columns, and of its rows: 64·n
	MOVQ(n, half)
	SHLQ(Imm(6), half)
	// x's n values; each vector's x is permuted from them as it goes.
	xv, iv := ZMM(), ZMM()
	VMOVUPD_Z(Mem{Base: xp}, kx, xv)
	i := GP64()
	t := ZMM()
	rowIdx := GP64()
	LEAQ(Mem{Base: ip, Index: half, Scale: 1}, rowIdx)

	d, g, u, w := ZMM(), ZMM(), ZMM(), ZMM()
	Label(name + "group")
	TESTQ(left, left)
	JZ(LabelRef(name + "done"))
	CMPQ(rows, Imm(8))
	JL(LabelRef(name + "dytail"))
	VMOVUPD(Mem{Base: dyp}, d)
	JMP(LabelRef(name + "dyok"))
	Label(name + "dytail")
	VMOVUPD_Z(Mem{Base: dyp}, kd, d)
	Label(name + "dyok")
	XORQ(i, i)

	Label(name + "vec")
	VMOVDQU64(Mem{Base: rowIdx, Index: i, Scale: 1}, iv)
	VPERMPD(d, iv, g)
	xj := ZMM()
	VMOVDQU64(Mem{Base: ip, Index: i, Scale: 1}, iv)
	VPERMPD(xv, iv, xj)
	VMULPD(xj, g, t) // dy_o·x_j, rounded
	CMPQ(left, Imm(8))
	JL(LabelRef(name + "tail"))
	VMOVUPD(Mem{Base: wp}, w)
	if momentum {
		VMULPD(Mem{Base: vp}, mv, u) // m·v, rounded
		VADDPD(t, u, u)
		VMOVUPD(u, Mem{Base: vp})
		VFMADD231PD(u, av, w)
		ADDQ(Imm(64), vp)
	} else {
		VFMADD231PD(t, av, w)
	}
	VMOVUPD(w, Mem{Base: wp})
	ADDQ(Imm(64), wp)
	SUBQ(Imm(8), left)
	JZ(LabelRef(name + "done"))
	ADDQ(Imm(64), i)
	CMPQ(i, half)
	JL(LabelRef(name + "vec"))
	ADDQ(Imm(64), dyp)
	SUBQ(Imm(8), rows)
	JMP(LabelRef(name + "group"))

	// The last rows·n mod 8 weights, read and written under kw.
	Label(name + "tail")
	VMOVUPD_Z(Mem{Base: wp}, kw, w)
	if momentum {
		VMOVUPD_Z(Mem{Base: vp}, kw, u)
		VMULPD(u, mv, u)
		VADDPD(t, u, u)
		VMOVUPD(u, kw, Mem{Base: vp})
		VFMADD231PD(u, av, w)
	} else {
		VFMADD231PD(t, av, w)
	}
	VMOVUPD(w, kw, Mem{Base: wp})

	Label(name + "done")
	VZEROUPPER()
	RET()
}

// lastColumn adds to a (8 rows' sums) the products of the first column at
// p (rows 0–3, stride bytes apart; s3 is 3·stride) and q (rows 4–7) with
// x at xp: each rounded, then added in a's lanes.
func lastColumn(a reg.VecVirtual, p, q, xp, stride, s3 reg.Register) {
	var r [8]reg.VecVirtual
	for i := range r {
		r[i] = XMM()
		m := rowOf8(p, q, stride, s3, i)
		VMOVSD(m, r[i])
		VMULSD(Mem{Base: xp}, r[i], r[i])
	}
	for i := 0; i < 8; i += 2 {
		VUNPCKLPD(r[i+1], r[i], r[i]) // rows i, i+1
	}
	lo, hi := YMM(), YMM()
	VINSERTF32X4(Imm(1), r[2], r[0].AsY(), lo) // AVX-512VL: the registers may be 16–31
	VINSERTF32X4(Imm(1), r[6], r[4].AsY(), hi)
	c := ZMM()
	VINSERTF64X4(Imm(1), hi, lo.AsZ(), c)
	VADDPD(c, a, a)
}

// panelRows is how many rows forwardTAVX512 sums at a time: three zmm
// accumulators of 8 rows, three independent chains of additions.
const panelRows = 24

// panelExtra is how many rows after the last panel forwardTAVX512 sums in
// its pass (rows mod 24 below it; more go to the forward kernel).
const panelExtra = 7

// forwardT emits forwardTAVX512(w, x, b, y, tail): y = W·x + b for a
// number of rows 24k + e (k ≥ 1, e < 8), 24 rows at a time. Each block
// of 8 rows is read 8 columns at a time, one zmm load per row (a whole
// cache line when the rows are aligned, so that rows 4 KB apart need no
// line to stay in L1 between steps), and transposed in registers (8
// unpacks and 16 128-bit shuffles) into the 8 columns, whose products are
// added one by one in column order, as the other kernels do. The last n
// mod 8 columns are read with the mask tail (bit j for each column left)
// and only those columns are added. The e rows after the last panel are
// summed in the last panel's pass, a scalar a row (the same products and
// additions in the same order), where their dependent additions overlap
// the panel's work instead of following it in a call of their own.
func forwardT() {
	TEXT("forwardTAVX512", NOSPLIT, "func(w, x, b, y []float64, tail, relu uint64)")
	Doc("forwardTAVX512 writes y = W·x + b, 24 rows at a time (and the fewer than 8 rows after the last 24 in the last panel's pass), each 8×8 block transposed in registers, each row's products added one by one from the first; then y = max(y, 0) as reluAVX512 if relu is not 0.")
	wp := Load(Param("w").Base(), GP64())
	xBase := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	bp := Load(Param("b").Base(), GP64())
	yp := Load(Param("y").Base(), GP64())
	left := Load(Param("y").Len(), GP64())
	mask := K()
	bits := GP64()
	Load(Param("tail"), bits)
	KMOVW(bits.As32(), mask)

	stride := GP64()
	MOVQ(n, stride)
	SHLQ(Imm(3), stride)
	s3 := GP64()
	LEAQ(Mem{Base: stride, Index: stride, Scale: 2}, s3)
	s4 := GP64()
	MOVQ(stride, s4)
	SHLQ(Imm(2), s4)
	p, q, xp, cnt := GP64(), GP64(), GP64(), GP64()
	acc := [3]reg.VecVirtual{ZMM(), ZMM(), ZMM()}
	// The sums of the rows after the last panel, one scalar a row.
	var ext [panelExtra]reg.VecVirtual
	for i := range ext {
		ext[i] = XMM()
	}
	e := GP64() // rows after this panel: 0 unless it is the last

	// extra adds columns 0..cols−1 of the chunk at q (rows 24 on from the
	// panel's first) to the rows after the last panel (e of them), each
	// product rounded and added to its row's sum as block does; cols is
	// 8, or the count in cnt (the chunk after the whole ones) when masked.
	extra := func(masked bool, lbl string) {
		TESTQ(e, e)
		JZ(LabelRef(lbl + "none"))
		LEAQ(Mem{Base: q, Index: s4, Scale: 1}, q) // row 24 of the panel
		t := XMM()
		for i := range ext {
			CMPQ(e, Imm(uint64(i+1)))
			JL(LabelRef(lbl + "none"))
			if i == 4 {
				LEAQ(Mem{Base: q, Index: s4, Scale: 1}, q) // row 28
			}
			base := rowOf(q, stride, s3, i%4)
			for j := range 8 {
				if masked {
					CMPQ(cnt, Imm(uint64(j+1)))
					JL(LabelRef(fmt.Sprintf("%srow%d", lbl, i)))
				}
				m := base
				m.Disp += 8 * j
				VMOVSD(m, t)
				VMULSD(Mem{Base: xp, Disp: 8 * j}, t, t)
				VADDSD(t, ext[i], ext[i])
			}
			if masked {
				Label(fmt.Sprintf("%srow%d", lbl, i))
			}
		}
		Label(lbl + "none")
	}

	// block adds the 8 rows from p (rows 0–3) and q = p + 4 rows (rows
	// 4–7) to a, masked or not (see transposedBlock).
	block := func(a reg.VecVirtual, masked bool, lbl string) {
		var m reg.OpmaskVirtual
		if masked {
			m = mask
		}
		transposedBlock(a, p, q, stride, s3, xp, 0, m, cnt, lbl)
	}

	Label("fTpanel")
	CMPQ(left, Imm(panelRows))
	JL(LabelRef("fTdone"))
	for g := range acc {
		VPXORQ(acc[g], acc[g], acc[g])
	}
	// e = left − 24 in the last panel (fewer than 8 rows follow it), else 0.
	MOVQ(left, e)
	SUBQ(Imm(panelRows), e)
	CMPQ(e, Imm(panelRows))
	JL(LabelRef("fTlast"))
	XORQ(e, e)
	Label("fTlast")
	for i := range ext {
		VPXORQ(ext[i], ext[i], ext[i])
	}
	MOVQ(xBase, xp)
	MOVQ(n, cnt)
	MOVQ(wp, p)

	Label("fTchunk")
	CMPQ(cnt, Imm(8))
	JL(LabelRef("fTtail"))
	for g := range acc {
		LEAQ(Mem{Base: p, Index: s4, Scale: 1}, q)
		block(acc[g], false, "")
		if g < 2 {
			LEAQ(Mem{Base: q, Index: s4, Scale: 1}, p) // the next block of 8 rows
		}
	}
	extra(false, "fTx")
	// p is at the third block: back to the first, 8 columns on.
	for range 4 {
		SUBQ(s4, p)
	}
	ADDQ(Imm(64), p)
	ADDQ(Imm(64), xp)
	SUBQ(Imm(8), cnt)
	JMP(LabelRef("fTchunk"))

	Label("fTtail")
	TESTQ(cnt, cnt)
	JZ(LabelRef("fTstore"))
	CMPQ(cnt, Imm(1))
	JE(LabelRef("fTlastcol"))
	for g := range acc {
		LEAQ(Mem{Base: p, Index: s4, Scale: 1}, q)
		block(acc[g], true, fmt.Sprintf("fTtail%d", g))
		if g < 2 {
			LEAQ(Mem{Base: q, Index: s4, Scale: 1}, p)
		}
	}
	extra(true, "fTxtail")
	JMP(LabelRef("fTstore"))

	// One column left (n mod 8 = 1): each row's product w_o,(n−1)·x_(n−1)
	// taken as a scalar, the 8 of a block gathered into a vector (4
	// unpacks and 3 inserts instead of the 17 shuffles of a block's
	// transposition) and added as block adds a column.
	Label("fTlastcol")
	for g := range acc {
		LEAQ(Mem{Base: p, Index: s4, Scale: 1}, q)
		lastColumn(acc[g], p, q, xp, stride, s3)
		if g < 2 {
			LEAQ(Mem{Base: q, Index: s4, Scale: 1}, p)
		}
	}
	extra(true, "fTxcol")

	Label("fTstore")
	for g := range acc {
		VADDPD(Mem{Base: bp, Disp: 64 * g}, acc[g], acc[g])
	}
	relu := GP64()
	Load(Param("relu"), relu)
	zero := ZMM()
	VPXORQ(zero, zero, zero)
	TESTQ(relu, relu)
	JZ(LabelRef("fTput"))
	for g := range acc {
		VMAXPD(acc[g], zero, acc[g]) // as reluAVX512
		VADDPD(zero, acc[g], acc[g])
	}
	Label("fTput")
	for g := range acc {
		VMOVUPD(acc[g], Mem{Base: yp, Disp: 64 * g})
	}
	// The rows after the last panel: the bias, the ReLU, as the panel's.
	for i := range ext {
		CMPQ(e, Imm(uint64(i+1)))
		JL(LabelRef("fTnext"))
		VADDSD(Mem{Base: bp, Disp: 8 * (panelRows + i)}, ext[i], ext[i])
		TESTQ(relu, relu)
		JZ(LabelRef(fmt.Sprintf("fTxput%d", i)))
		VMAXSD(ext[i], zero.AsX(), ext[i])
		VADDSD(zero.AsX(), ext[i], ext[i])
		Label(fmt.Sprintf("fTxput%d", i))
		VMOVSD(ext[i], Mem{Base: yp, Disp: 8 * (panelRows + i)})
	}
	Label("fTnext")
	for range 6 {
		ADDQ(s4, wp) // 24 rows
	}
	ADDQ(Imm(8*panelRows), bp)
	ADDQ(Imm(8*panelRows), yp)
	SUBQ(Imm(panelRows), left)
	JMP(LabelRef("fTpanel"))

	Label("fTdone")
	VZEROUPPER()
	RET()
}
