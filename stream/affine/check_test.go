package affine

import (
	"math"
	"testing"
)

// lenArg is one slice argument of an exported function: the length the
// sizes below need, and the panic when it is shorter ("" for the slices
// that set the sizes, never shortened).
type lenArg struct {
	name  string
	need  int
	short string
}

// lenCase calls one exported function on its slice arguments, in order.
type lenCase[T Float] struct {
	name string
	args []lenArg
	call func(s [][]T)
}

// The sizes of the length tests: rows of n columns, val (the element-wise
// functions' length) values, and the spare capacity behind every slice.
const (
	lenRows  = 5
	lenN     = 9
	lenVal   = 11
	lenSpare = 4
)

// lenCases returns every exported entry point in T's precision (Float's
// float64 has the ForwardReLU, ReLU and Stack forms besides).
func lenCases[T Float]() []lenCase[T] {
	const rn = lenRows * lenN
	w, v := lenArg{"w", rn, shortW}, lenArg{"v", rn, shortV}
	x, b, y := lenArg{"x", lenN, ""}, lenArg{"b", lenRows, shortB}, lenArg{"y", lenRows, ""}
	dy, dx, act := lenArg{"dy", lenRows, ""}, lenArg{"dx", lenN, shortDX}, lenArg{"act", lenN, shortAct}
	val, d := lenArg{"val", lenVal, ""}, lenArg{"d", lenVal, shortD}
	vv := lenArg{"v", lenVal, shortV}
	a, da, dz := lenArg{"a", lenVal, shortA}, lenArg{"da", lenVal, shortDA}, lenArg{"dz", lenVal, shortDZ}
	z, aIn := lenArg{"z", lenVal, ""}, lenArg{"a", lenVal, ""}
	const lr, m = -0.25, 0.5

	var cs []lenCase[T]
	switch any(T(0)).(type) {
	case float64:
		f := func(c lenCase[float64]) { cs = append(cs, any(c).(lenCase[T])) }
		f(lenCase[float64]{"Forward", []lenArg{w, x, b, y}, func(s [][]float64) { Forward(s[0], s[1], s[2], s[3]) }})
		f(lenCase[float64]{"ForwardReLU", []lenArg{w, x, b, y}, func(s [][]float64) { ForwardReLU(s[0], s[1], s[2], s[3]) }})
		f(lenCase[float64]{"BackwardStep", []lenArg{w, x, dy, dx}, func(s [][]float64) { BackwardStep(s[0], s[1], s[2], s[3], lr) }})
		f(lenCase[float64]{"BackwardStep/no dx", []lenArg{w, x, dy}, func(s [][]float64) { BackwardStep(s[0], s[1], s[2], nil, lr) }})
		f(lenCase[float64]{"BackwardStepReLU", []lenArg{w, x, dy, dx, act}, func(s [][]float64) { BackwardStepReLU(s[0], s[1], s[2], s[3], s[4], lr) }})
		f(lenCase[float64]{"BackwardStepMomentum", []lenArg{w, v, x, dy, dx}, func(s [][]float64) { BackwardStepMomentum(s[0], s[1], s[2], s[3], s[4], lr, m) }})
		f(lenCase[float64]{"BackwardStepMomentum/no dx", []lenArg{w, v, x, dy}, func(s [][]float64) { BackwardStepMomentum(s[0], s[1], s[2], s[3], nil, lr, m) }})
		f(lenCase[float64]{"BackwardStepMomentumReLU", []lenArg{w, v, x, dy, dx, act}, func(s [][]float64) {
			BackwardStepMomentumReLU(s[0], s[1], s[2], s[3], s[4], s[5], lr, m)
		}})
		f(lenCase[float64]{"Step", []lenArg{val, d}, func(s [][]float64) { Step(s[0], lr, s[1]) }})
		f(lenCase[float64]{"StepMomentum", []lenArg{val, vv, d}, func(s [][]float64) { StepMomentum(s[0], s[1], s[2], lr, m) }})
		f(lenCase[float64]{"ReLU", []lenArg{z, a}, func(s [][]float64) { ReLU(s[0], s[1]) }})
		f(lenCase[float64]{"ReLUBackward", []lenArg{aIn, da, dz}, func(s [][]float64) { ReLUBackward(s[0], s[1], s[2]) }})
		for _, mom := range []float64{0, m} {
			name, args := "NewStack", stackArgs(mom != 0)
			if mom != 0 {
				name += "/momentum"
			}
			f(lenCase[float64]{name, args, func(s [][]float64) { runStack(s, mom) }})
		}
	case float32:
		f := func(c lenCase[float32]) { cs = append(cs, any(c).(lenCase[T])) }
		f(lenCase[float32]{"Forward32", []lenArg{w, x, b, y}, func(s [][]float32) { Forward32(s[0], s[1], s[2], s[3]) }})
		f(lenCase[float32]{"BackwardStep32", []lenArg{w, x, dy, dx}, func(s [][]float32) { BackwardStep32(s[0], s[1], s[2], s[3], lr) }})
		f(lenCase[float32]{"BackwardStep32/no dx", []lenArg{w, x, dy}, func(s [][]float32) { BackwardStep32(s[0], s[1], s[2], nil, lr) }})
		f(lenCase[float32]{"BackwardStepMomentum32", []lenArg{w, v, x, dy, dx}, func(s [][]float32) { BackwardStepMomentum32(s[0], s[1], s[2], s[3], s[4], lr, m) }})
		f(lenCase[float32]{"Step32", []lenArg{val, d}, func(s [][]float32) { Step32(s[0], lr, s[1]) }})
		f(lenCase[float32]{"StepMomentum32", []lenArg{val, vv, d}, func(s [][]float32) { StepMomentum32(s[0], s[1], s[2], lr, m) }})
		f(lenCase[float32]{"ReLU32", []lenArg{z, a}, func(s [][]float32) { ReLU32(s[0], s[1]) }})
		f(lenCase[float32]{"ReLUBackward32", []lenArg{aIn, da, dz}, func(s [][]float32) { ReLUBackward32(s[0], s[1], s[2]) }})
	}
	return cs
}

// stackArgs are the slices of a two-layer Stack (lenN inputs, lenRows
// hidden units with the ReLU, lenN outputs), as runStack takes them.
func stackArgs(momentum bool) []lenArg {
	const h, o = lenRows, lenN
	args := []lenArg{
		{"W0", h * lenN, shortW}, {"B0", h, shortB}, {"X0", lenN, ""}, {"Y0", h, ""}, {"DY0", h, shortDY},
		{"W1", o * h, shortW}, {"B1", o, shortB}, {"X1", h, ""}, {"Y1", o, ""}, {"DY1", o, shortDY},
		{"DX1", h, shortDX}, {"Act1", h, shortAct},
		{"bias", h + o, ""}, {"gb", h + o, shortGB},
	}
	if momentum {
		args = append(args, lenArg{"V0", h * lenN, shortV}, lenArg{"V1", o * h, shortV}, lenArg{"vb", h + o, shortVB})
	}
	return args
}

// runStack builds the Stack of stackArgs over s and runs a forward and a
// backward pass.
func runStack(s [][]float64, m float64) {
	ls := []StackLayer{
		{W: s[0], B: s[1], X: s[2], Y: s[3], DY: s[4], ReLU: true},
		{W: s[5], B: s[6], X: s[7], Y: s[8], DY: s[9], DX: s[10], Act: s[11]},
	}
	var vb []float64
	if m != 0 {
		ls[0].V, ls[1].V, vb = s[14], s[15], s[16]
	}
	st := NewStack(ls, s[12], vb, s[13], -0.25, m)
	st.Forward()
	st.BackwardStep()
}

// lenSlices returns c's slices at their lengths plus extra[i], each with
// lenSpare values of capacity behind it: the same values before the
// length each argument needs whatever extra is, and 10³⁰ after it.
func lenSlices[T Float](c lenCase[T], extra []int) [][]T {
	s := make([][]T, len(c.args))
	for i, a := range c.args {
		s[i] = make([]T, a.need+extra[i], a.need+extra[i]+lenSpare)
		for j := range s[i][:cap(s[i])] {
			s[i][:cap(s[i])][j] = T((j*7+i*3)%11-5) / 8
		}
		for j := a.need; j < cap(s[i]); j++ {
			s[i][:cap(s[i])][j] = 1e30
		}
	}
	return s
}

// callPanic calls c on s and returns what it panicked with (nil: none).
func callPanic[T Float](c lenCase[T], s [][]T) (p any) {
	defer func() { p = recover() }()
	c.call(s)
	return nil
}

// sameValues fails unless got, up to its capacity, holds want's bits.
func sameValues[T Float](t *testing.T, what string, want, got []T) {
	t.Helper()
	if got = got[:cap(got)]; len(want) != len(got) {
		t.Fatalf("%s: capacity %d, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float64bits(float64(want[i])) != math.Float64bits(float64(got[i])) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// testLengths: with each slice one value too short (its spare capacity
// behind it) every entry point panics with the message naming it and
// changes nothing; with exact lengths it runs, and with every slice that
// does not set a size longer it writes the same values and leaves the
// rest alone.
func testLengths[T Float](t *testing.T) {
	for _, c := range lenCases[T]() {
		t.Run(c.name, func(t *testing.T) {
			none := make([]int, len(c.args))
			exact := lenSlices(c, none)
			if p := callPanic(c, exact); p != nil {
				t.Fatalf("exact lengths: panic %v", p)
			}
			longer := make([]int, len(c.args))
			for i, a := range c.args {
				if a.short != "" {
					longer[i] = 3
				}
			}
			long := lenSlices(c, longer)
			if p := callPanic(c, long); p != nil {
				t.Fatalf("longer lengths: panic %v", p)
			}
			for i, a := range c.args {
				want := lenSlices(c, longer)[i]
				copy(want, exact[i][:a.need])
				sameValues(t, a.name+" (longer)", want[:cap(want)], long[i])
			}
			for i, a := range c.args {
				if a.short == "" {
					continue
				}
				shorter := make([]int, len(c.args))
				shorter[i] = -1
				s := lenSlices(c, shorter)
				if p := callPanic(c, s); p != a.short {
					t.Errorf("%s one short: panic %v, want %q", a.name, p, a.short)
				}
				for j, v := range lenSlices(c, shorter) {
					sameValues(t, c.args[j].name+" after the panic", v[:cap(v)], s[j])
				}
			}
		})
	}
}

func TestShortSlicesPanic(t *testing.T)   { testLengths[float64](t) }
func TestShortSlicesPanic32(t *testing.T) { testLengths[float32](t) }
