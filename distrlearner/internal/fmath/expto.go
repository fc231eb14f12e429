package fmath

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg fmath -out ../exp_amd64.s -stubs ../exp_amd64.go"

// ExpTo sets dst[i] = Exp(src[i]) for every i < len(src), 4 at a time
// where the CPU has AVX2 and FMA (and the build is not purego): each lane
// is computed with Exp's operations in its order, so the bits are Exp's.
// dst must be at least as long as src; the two may be the same slice.
func ExpTo(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if hasVector && n >= 4 {
		i = n &^ 3
		expAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = Exp(src[i])
	}
}

// LogTo sets dst[i] = Log(src[i]) for every i < len(src), as ExpTo does
// for Exp (special cases included: the kernel blends them in).
func LogTo(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if hasVector && n >= 4 {
		i = n &^ 3
		logAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] = Log(src[i])
	}
}
