// Command gen writes the assembly of the multi-unit model's recruitment
// scan (package scan) with avo: the exponents of 4 (AVX2) or 8 (AVX-512)
// consecutive units at once, each unit's arithmetic in the scalar code's
// order, so that every lane rounds as the pure-Go path does.
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
	Generate()
}
