// Package model holds the slow stream's network as a stream.Stream: a
// stack of affine layers with ReLU and dropout, stepped by SGD with
// momentum on the gradient of the logits the trial loop hands it.
package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/affine"
	"github.com/fastslow/stream/seed"

	"github.com/fastslow/dnn/layers"
)

// Params is what the network is built from: the original's NeuralNetwork
// keys, as a plain struct that the single-stream config and the dual
// stream's slow_config both fill.
type Params struct {
	InputSize  int     // input_size: features per stimulus
	OutputSize int     // output_size: logits, one per class
	NUnits     int     // n_units: units of every hidden layer
	Depth      int     // networks_depth: hidden layers (the original supports only 3)
	ActFunc    string  // act_func: "relu", the only activation the original builds
	LR         float64 // lr_dnn: the SGD learning rate of every parameter
	Momentum   float64 // mom: SGD momentum in PyTorch's convention
	Dropout    float64 // dropout: rate before the ReLU of hidden layers 2..Depth
	DType      string  // dtype: "float64" (or "", the default) or "float32", what the network computes in
}

// Check reports the first value the network cannot be built with.
func (p *Params) Check() error {
	switch {
	case p.InputSize < 1:
		return fmt.Errorf("input_size = %d: want at least 1", p.InputSize)
	case p.OutputSize < 1:
		return fmt.Errorf("output_size = %d: want at least 1", p.OutputSize)
	case p.Depth < 0:
		return fmt.Errorf("networks_depth = %d: want 0 or more hidden layers", p.Depth)
	case p.Depth > 0 && p.NUnits < 1:
		return fmt.Errorf("n_units = %d: want at least 1", p.NUnits)
	case p.ActFunc != "relu":
		return fmt.Errorf("act_func = %q: want \"relu\" (the only activation the original builds)", p.ActFunc)
	case !(p.LR >= 0) || math.IsInf(p.LR, 0):
		return fmt.Errorf("lr_dnn = %v: want a finite value ≥ 0", p.LR)
	case !(p.Momentum >= 0) || math.IsInf(p.Momentum, 0):
		return fmt.Errorf("mom = %v: want a finite value ≥ 0", p.Momentum)
	case !(p.Dropout >= 0 && p.Dropout <= 1):
		return fmt.Errorf("dropout = %v: want a rate in [0, 1]", p.Dropout)
	case p.DType != "" && p.DType != "float64" && p.DType != "float32":
		return fmt.Errorf("dtype = %q: want \"float64\" (the default) or \"float32\"", p.DType)
	}
	return nil
}

// Sizes returns the widths of the network's layers, input first:
// [input_size, n_units × networks_depth, output_size].
func (p Params) Sizes() []int {
	s := []int{p.InputSize}
	for range p.Depth {
		s = append(s, p.NUnits)
	}
	return append(s, p.OutputSize)
}

// Network is the network of one run, computing in T. It satisfies
// stream.Stream (whose values are float64: a float32 network converts its
// input, logits and states); it is not safe for concurrent use.
type Network[T layers.Float] struct {
	p      Params
	layers []layers.Linear[T]
	drop   []layers.Dropout[T] // drop[i] acts on hidden layer i's output; used for i ≥ 1 when Dropout > 0
	rng    *rand.Rand          // the dropout generator; nil without dropout

	// Every weight and bias in one slice that the layers view, and its
	// gradient and momentum buffer in the same layout: the layers'
	// weights in order, then their biases in order (at nw), so that one
	// call steps every bias. The original steps them as one parameter
	// group.
	params, grads, vel []T
	nw                 int   // where the biases start
	velW               [][]T // the layers' views of vel's weights
	started            bool  // whether vel holds a step (PyTorch's first step sets v = ∇)

	// The cache of the last Forward, read by Learn.
	x   []T   // the input
	act [][]T // act[i]: layer i's output (after dropout and ReLU for hidden layers; logits last)
	// Scratch for the backward pass, one per layer width: g[i] is the
	// gradient of layer i's pre-activation output, which is its bias's
	// gradient; the views lie side by side in gb, the biases' layout.
	g  [][]T
	gb []T
	// The logits as float64: act's last for a float64 network, a copy
	// for a float32 one (then conv is set).
	out  []float64
	conv bool

	// The layers as one affine.Stack, for a float64 network without
	// dropout: a trial's forward pass in one call and its backward pass
	// and steps in another, the kernels chosen once. Nil otherwise.
	stack *affine.Stack

	frozen bool // test hook: keep the dropout masks of the last draw
}

// Model is the float64 network, the default, named as every model
// package names its stream type; Model32 computes in float32 (the
// original's own precision) for speed on the widest networks.
type (
	Model   = Network[float64]
	Model32 = Network[float32]
)

var (
	_ stream.Stream    = (*Model)(nil)
	_ stream.Predictor = (*Model)(nil)
	_ stream.Predictor = (*Model32)(nil)
)

// Open returns the network of p.DType (float64 unless it is
// "float32"), as New or New32 build it.
func Open(p Params, src seed.Source) (stream.Stream, error) {
	if p.DType == "float32" {
		return New32(p, src)
	}
	return New(p, src)
}

// New32 is New for a network computing in float32: its initial weights
// are New's rounded to float32. Its Params' DType is "float32".
func New32(p Params, src seed.Source) (*Model32, error) {
	p.DType = "float32"
	return newNetwork[float32](p, src)
}

// New returns a network with PyTorch's default initial weights drawn from
// src.Rand("init"): W and b of a layer with fan_in inputs uniform on
// (−1/√fan_in, 1/√fan_in), layer by layer, weight (row-major [out, in])
// before bias. With dropout, the masks come from src.Rand("dropout").
// It computes in float64 whatever p.DType says (see Open).
func New(p Params, src seed.Source) (*Model, error) {
	if p.DType == "float32" {
		p.DType = ""
	}
	return newNetwork[float64](p, src)
}

func newNetwork[T layers.Float](p Params, src seed.Source) (*Network[T], error) {
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("dnn: %w", err)
	}
	n := build[T](p)
	rng := src.Rand("init")
	for _, l := range n.layers {
		bound := 1 / math.Sqrt(float64(l.In))
		for i := range l.W {
			l.W[i] = T(bound * (2*rng.Float64() - 1))
		}
		for i := range l.B {
			l.B[i] = T(bound * (2*rng.Float64() - 1))
		}
	}
	if p.Dropout > 0 {
		n.rng = src.Rand("dropout")
	}
	return n, nil
}

// build allocates the network of a valid config, every parameter 0.
func build[T layers.Float](p Params) *Network[T] {
	sizes := p.Sizes()
	nl := len(sizes) - 1
	nw, nb := 0, 0
	for i := range nl {
		nw += sizes[i] * sizes[i+1]
		nb += sizes[i+1]
	}
	n := &Network[T]{
		p:      p,
		params: make([]T, nw+nb),
		grads:  make([]T, nw+nb),
		vel:    make([]T, nw+nb),
		nw:     nw,
		gb:     make([]T, nb),
		x:      make([]T, p.InputSize),
	}
	w, b := 0, nw // where the next layer's weight and bias start
	for i := range nl {
		in, out := sizes[i], sizes[i+1]
		view := func(v []T, at, size int) []T { return v[at : at+size : at+size] }
		n.layers = append(n.layers, layers.NewLinear(in, out,
			view(n.params, w, in*out), view(n.params, b, out),
			view(n.grads, w, in*out), view(n.grads, b, out)))
		n.velW = append(n.velW, view(n.vel, w, in*out))
		n.g = append(n.g, view(n.gb, b-nw, out))
		w, b = w+in*out, b+out
		n.drop = append(n.drop, layers.NewDropout[T](p.Dropout, out))
		n.act = append(n.act, make([]T, out))
	}
	var ok bool
	if n.out, ok = any(n.act[nl-1]).([]float64); !ok {
		n.out, n.conv = make([]float64, sizes[nl]), true
	}
	if p.Dropout == 0 {
		n.stack = newStack(n)
	}
	return n
}

// newStack returns the layers of a float64 network without dropout as an
// affine.Stack over its slices (nil for a float32 one): the same kernels
// forward and propagateStep call layer by layer.
func newStack[T layers.Float](n *Network[T]) *affine.Stack {
	params, ok := any(n.params).([]float64)
	if !ok {
		return nil
	}
	vel, gb := any(n.vel).([]float64), any(n.gb).([]float64)
	x, act, g := any(n.x).([]float64), any(n.act).([][]float64), any(n.g).([][]float64)
	velW := any(n.velW).([][]float64)
	ls := make([]affine.StackLayer, len(n.layers))
	for i := range ls {
		l := &ls[i]
		w := any(n.layers[i].W).([]float64)
		*l = affine.StackLayer{W: w, V: velW[i], B: any(n.layers[i].B).([]float64), X: x, Y: act[i], DY: g[i]}
		if i > 0 {
			l.X, l.DX, l.Act = act[i-1], g[i-1], act[i-1]
		}
		l.ReLU = i < len(ls)-1
	}
	return affine.NewStack(ls, params[n.nw:], vel[n.nw:], gb, -n.p.LR, n.p.Momentum)
}

// Params returns the parameters the network was built with.
func (n *Network[T]) Params() Params { return n.p }

// dropping reports whether hidden layer i applies dropout: layers 2..depth
// (i ≥ 1, never the output layer), when the rate is positive.
func (n *Network[T]) dropping(i int) bool {
	return n.rng != nil && i >= 1 && i < len(n.layers)-1
}

// Forward implements stream.Stream: it computes the logits of t.X,
// drawing fresh dropout masks first (the original trains in train mode),
// and caches every layer's output for Learn.
func (n *Network[T]) Forward(t *stream.Trial) []float64 { return n.forward(t, true) }

// Predict implements stream.Predictor: the logits of t in PyTorch's eval
// mode, where dropout is the identity, as the original evaluates a test
// trial. It draws no dropout mask, so the generator, the masks of the
// last Forward and every weight are left as they were; it overwrites
// the layers' outputs that Learn reads, so a Learn follows a Forward.
func (n *Network[T]) Predict(t *stream.Trial) []float64 { return n.forward(t, false) }

// forward computes the logits of t.X into the layers' outputs, with
// dropout in train mode and without it otherwise.
func (n *Network[T]) forward(t *stream.Trial, train bool) []float64 {
	if len(t.X) != len(n.x) {
		panic(fmt.Sprintf("dnn: a stimulus of %d features for a network of input_size %d", len(t.X), len(n.x)))
	}
	convert(n.x, t.X)
	if n.stack != nil {
		n.stack.Forward()
		return n.out
	}
	h := n.x
	last := len(n.layers) - 1
	for i := range n.layers {
		a := n.act[i]
		switch {
		case i == last:
			n.layers[i].Forward(h, a)
		case train && n.dropping(i): // dropout comes between the sums and the ReLU
			n.layers[i].Forward(h, a)
			if !n.frozen {
				n.drop[i].Draw(n.rng)
			}
			n.drop[i].Forward(a, a)
			layers.ReLU(a, a)
		default:
			n.layers[i].ForwardReLU(h, a)
		}
		h = a
	}
	if n.conv {
		convert(n.out, n.act[last])
	}
	return n.out
}

// convert copies src into dst, rounding to D.
func convert[D, S layers.Float](dst []D, src []S) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = D(v)
	}
}

// Learn implements stream.Stream: it back-propagates dLogits through the
// network cached by the last Forward and takes one SGD step on every
// weight and bias, in PyTorch's convention: v = m·v + ∇ (v = ∇ on the
// first step), p −= lr·v (one fused multiply-add, as torch's), with
// lr = lr_dnn and m = mom. Each layer is stepped on the way down, in one
// pass over its weights and momentum buffer (propagateStep).
func (n *Network[T]) Learn(t *stream.Trial, dLogits []float64) {
	if n.p.Momentum != 0 && !n.started {
		clear(n.vel) // PyTorch's first step sets v = ∇, which 0·m + ∇ rounds as
		n.started = true
	}
	n.propagateStep(dLogits)
}

// input returns what layer i read in the last Forward.
func (n *Network[T]) input(i int) []T {
	if i == 0 {
		return n.x
	}
	return n.act[i-1]
}

// propagateStep back-propagates dLogits and steps every layer's weights
// on the way down (Linear.BackwardStepW, or BackwardStepMomentumW with
// momentum): each layer's ∂L/∂x is taken with its weights before they
// change, so the result is that of propagate followed by the step, with
// one pass over each weight matrix. The biases, which the backward pass
// does not read, are stepped last, all in one call over their gradients
// g (side by side in gb).
func (n *Network[T]) propagateStep(dLogits []float64) {
	last := len(n.layers) - 1
	convert(n.g[last], dLogits)
	if n.stack != nil {
		n.stack.BackwardStep()
		return
	}
	lr, mom := T(n.p.LR), T(n.p.Momentum)
	for i := last; i >= 0; i-- {
		l := &n.layers[i]
		if i == 0 { // nothing below needs ∂L/∂x
			if n.p.Momentum != 0 {
				l.BackwardStepMomentumW(n.x, n.g[0], nil, lr, mom, n.velW[0])
			} else {
				l.BackwardStepW(n.x, n.g[0], nil, lr)
			}
			break
		}
		// ∂L/∂x through hidden layer i−1's ReLU (fused into the pass),
		// then its dropout.
		dIn, act := n.g[i-1], n.act[i-1]
		if n.p.Momentum != 0 {
			l.BackwardStepMomentumWReLU(act, n.g[i], dIn, act, lr, mom, n.velW[i])
		} else {
			l.BackwardStepWReLU(act, n.g[i], dIn, act, lr)
		}
		if n.dropping(i - 1) {
			n.drop[i-1].Backward(dIn, dIn)
		}
	}
	if n.p.Momentum != 0 {
		layers.StepMomentum(n.params[n.nw:], n.vel[n.nw:], n.gb, -lr, mom)
	} else {
		layers.Step(n.params[n.nw:], -lr, n.gb)
	}
}

// propagate writes n.g[i], the gradient of the loss with respect to layer
// i's pre-activation output, from the gradient of the logits, with the
// weights of the last Forward.
func (n *Network[T]) propagate(dLogits []float64) {
	last := len(n.layers) - 1
	convert(n.g[last], dLogits)
	for i := last; i > 0; i-- {
		dIn := n.g[i-1]
		n.layers[i].BackwardInput(n.g[i], dIn)
		// Through hidden layer i−1's ReLU, then its dropout.
		layers.ReLUBackward(n.act[i-1], dIn, dIn)
		if n.dropping(i - 1) {
			n.drop[i-1].Backward(dIn, dIn)
		}
	}
}

// backward writes the gradient of every parameter into n.grads (the
// layers' DW and DB), for the gradient checks.
func (n *Network[T]) backward(dLogits []float64) {
	n.propagate(dLogits)
	for i := range n.layers {
		n.layers[i].Backward(n.input(i), n.g[i], nil)
	}
}

// Recruited implements stream.Stream: a network recruits nothing.
func (n *Network[T]) Recruited() bool { return false }

// Active implements stream.Stream: a network has no recruited units, and
// reports 0 as the original's traces do.
func (n *Network[T]) Active() int { return 0 }

// Names returns the state_dict names of the network's arrays, in
// PyTorch's order: layers.{i}.weight, layers.{i}.bias.
func (n *Network[T]) Names() []string {
	var names []string
	for i := range n.layers {
		names = append(names, weightName(i), biasName(i))
	}
	return names
}

func weightName(i int) string { return fmt.Sprintf("layers.%d.weight", i) }
func biasName(i int) string   { return fmt.Sprintf("layers.%d.bias", i) }

// State implements stream.Stream: layers.{i}.weight shaped [out, in] and
// layers.{i}.bias shaped [out], as PyTorch's state_dict holds them. The
// momentum buffer is not part of it (nor of the original's checkpoints).
// The arrays are float64 whatever the network computes in.
func (n *Network[T]) State() []stream.Array {
	var st []stream.Array
	for i, l := range n.layers {
		st = append(st,
			newArray(weightName(i), l.W, l.Out, l.In),
			newArray(biasName(i), l.B, l.Out))
	}
	return st
}

// SetState implements stream.Stream: it loads every layer's weight and
// bias from st, which must hold exactly this network's arrays with its
// shapes and finite values; on error the network is left unchanged. The
// momentum buffer is kept, as PyTorch's load_state_dict keeps the
// optimiser's. A float32 network rounds the values to float32.
func (n *Network[T]) SetState(st map[string]stream.Array) error {
	if err := stream.Unknown(st, n.Names()...); err != nil {
		return fmt.Errorf("dnn state: %w", err)
	}
	scratch := build[T](n.p) // the same layout over fresh storage
	var errs []error
	for i, l := range scratch.layers {
		if err := take(st, weightName(i), l.W, l.Out, l.In); err != nil {
			errs = append(errs, err)
		}
		if err := take(st, biasName(i), l.B, l.Out); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("dnn state for a %v network: %w", n.p.Sizes(), errors.Join(errs...))
	}
	copy(n.params, scratch.params)
	return nil
}

// newArray is stream.NewArray for values of any Float type, as float64.
func newArray[T layers.Float](name string, data []T, shape ...int) stream.Array {
	if d, ok := any(data).([]float64); ok {
		return stream.NewArray(name, d, shape...)
	}
	d := make([]float64, len(data))
	convert(d, data)
	return stream.Array{Name: name, Shape: shape, Data: d}
}

// take is stream.Take into values of any Float type, rounding float64 to
// T; a value that overflows T is refused as a non-finite one is.
func take[T layers.Float](st map[string]stream.Array, name string, dst []T, shape ...int) error {
	if d, ok := any(dst).([]float64); ok {
		return stream.Take(st, name, d, shape...)
	}
	d := make([]float64, len(dst))
	if err := stream.Take(st, name, d, shape...); err != nil {
		return err
	}
	convert(dst, d)
	for i, v := range dst {
		if math.IsInf(float64(v), 0) {
			return fmt.Errorf("array %q: value %d is %v, beyond float32's range (the network's dtype)", name, i, d[i])
		}
	}
	return nil
}
