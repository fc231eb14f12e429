package affine

// The panics of a call whose slices are shorter than the sizes it takes
// from x and y (or dy, val, z, a) need: a programmer's error, not input,
// reported as gonum's blas reports it, before any kernel runs. The
// kernels cut their slices to those sizes, which checks only capacities:
// a short slice with spare capacity behind it would be read up to it.
// Longer slices are allowed; only their first values are read or written.
// The checks sit in the functions with a kernel set that the exported ones
// call, which leaves those small enough to inline; a Stack's layers are
// checked once, by NewStack (their fields' messages are their names in
// lower case).
const (
	shortW   = "affine: insufficient length of w"
	shortV   = "affine: insufficient length of v"
	shortB   = "affine: insufficient length of b"
	shortDX  = "affine: insufficient length of dx"
	shortAct = "affine: insufficient length of act"
	shortD   = "affine: insufficient length of d"
	shortA   = "affine: insufficient length of a"
	shortDA  = "affine: insufficient length of da"
	shortDZ  = "affine: insufficient length of dz"
	shortDY  = "affine: insufficient length of dy"
	shortGB  = "affine: insufficient length of gb"
	shortVB  = "affine: insufficient length of vb"
)

// checkForward panics unless w holds len(y) rows of len(x) weights and b
// len(y) biases.
func checkForward[T Float](w, x, b, y []T) {
	if len(w) < len(y)*len(x) {
		panic(shortW)
	}
	if len(b) < len(y) {
		panic(shortB)
	}
}

// checkBackward panics unless w (and v, with momentum) holds len(dy) rows
// of len(x) weights and dx, unless nil, and act, unless nil, len(x)
// values; with act, dx is not nil.
func checkBackward[T Float](w, v, x, dy, dx, act []T, momentum bool) {
	n := len(x)
	if len(w) < len(dy)*n {
		panic(shortW)
	}
	if momentum && len(v) < len(dy)*n {
		panic(shortV)
	}
	if (dx != nil || act != nil) && len(dx) < n {
		panic(shortDX)
	}
	if act != nil && len(act) < n {
		panic(shortAct)
	}
}

// checkSame panics with msg unless len(s) ≥ n: the element-wise
// functions' other slices against the one that sets their length.
func checkSame[T Float](s []T, n int, msg string) {
	if len(s) < n {
		panic(msg)
	}
}
