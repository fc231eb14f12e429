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
	"github.com/fastslow/stream/seed"

	"github.com/fastslow/dnn/layers"
)

// Config is what the network is built from: the original's NeuralNetwork
// keys, as a plain struct that the single-stream config and the dual
// stream's slow_config both fill.
type Config struct {
	InputSize  int     // input_size: features per stimulus
	OutputSize int     // output_size: logits, one per class
	NUnits     int     // n_units: units of every hidden layer
	Depth      int     // networks_depth: hidden layers (the original supports only 3)
	ActFunc    string  // act_func: "relu", the only activation the original builds
	LR         float64 // lr_dnn: the SGD learning rate of every parameter
	Momentum   float64 // mom: SGD momentum in PyTorch's convention
	Dropout    float64 // dropout: rate before the ReLU of hidden layers 2..Depth
}

// Validate reports the first value the network cannot be built with.
func (c Config) Validate() error {
	switch {
	case c.InputSize < 1:
		return fmt.Errorf("input_size = %d: want at least 1", c.InputSize)
	case c.OutputSize < 1:
		return fmt.Errorf("output_size = %d: want at least 1", c.OutputSize)
	case c.Depth < 0:
		return fmt.Errorf("networks_depth = %d: want 0 or more hidden layers", c.Depth)
	case c.Depth > 0 && c.NUnits < 1:
		return fmt.Errorf("n_units = %d: want at least 1", c.NUnits)
	case c.ActFunc != "relu":
		return fmt.Errorf("act_func = %q: want \"relu\" (the only activation the original builds)", c.ActFunc)
	case !(c.LR >= 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("lr_dnn = %v: want a finite value ≥ 0", c.LR)
	case !(c.Momentum >= 0) || math.IsInf(c.Momentum, 0):
		return fmt.Errorf("mom = %v: want a finite value ≥ 0", c.Momentum)
	case !(c.Dropout >= 0 && c.Dropout <= 1):
		return fmt.Errorf("dropout = %v: want a rate in [0, 1]", c.Dropout)
	}
	return nil
}

// Sizes returns the widths of the network's layers, input first:
// [input_size, n_units × networks_depth, output_size].
func (c Config) Sizes() []int {
	s := []int{c.InputSize}
	for range c.Depth {
		s = append(s, c.NUnits)
	}
	return append(s, c.OutputSize)
}

// Net is the network of one run. It satisfies stream.Stream; it is not
// safe for concurrent use.
type Net struct {
	cfg    Config
	layers []layers.Linear
	drop   []layers.Dropout // drop[i] acts on hidden layer i's output; used for i ≥ 1 when Dropout > 0
	rng    *rand.Rand       // the dropout generator; nil without dropout

	// Every weight and bias, layer by layer (weight then bias), in one
	// slice that the layers view, and its gradient and momentum buffer in
	// the same layout. The original steps them as one parameter group.
	params, grads, vel []float64
	velW, velB         [][]float64 // the layers' views of vel
	started            bool        // whether vel holds a step (PyTorch's first step sets v = ∇)

	// The cache of the last Forward, read by Learn.
	x   []float64   // the input
	act [][]float64 // act[i]: layer i's output (after dropout and ReLU for hidden layers; logits last)
	// Scratch for the backward pass, one per layer width.
	g [][]float64

	frozen bool // test hook: keep the dropout masks of the last draw
}

var _ stream.Stream = (*Net)(nil)

// New returns a network with PyTorch's default initial weights drawn from
// src.Rand("init"): W and b of a layer with fan_in inputs uniform on
// (−1/√fan_in, 1/√fan_in), layer by layer, weight (row-major [out, in])
// before bias. With dropout, the masks come from src.Rand("dropout").
func New(cfg Config, src seed.Source) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("dnn: %w", err)
	}
	n := build(cfg)
	rng := src.Rand("init")
	for _, l := range n.layers {
		bound := 1 / math.Sqrt(float64(l.In))
		for i := range l.W {
			l.W[i] = bound * (2*rng.Float64() - 1)
		}
		for i := range l.B {
			l.B[i] = bound * (2*rng.Float64() - 1)
		}
	}
	if cfg.Dropout > 0 {
		n.rng = src.Rand("dropout")
	}
	return n, nil
}

// build allocates the network of a valid config, every parameter 0.
func build(cfg Config) *Net {
	sizes := cfg.Sizes()
	nl := len(sizes) - 1
	total := 0
	for i := range nl {
		total += sizes[i]*sizes[i+1] + sizes[i+1]
	}
	n := &Net{
		cfg:    cfg,
		params: make([]float64, total),
		grads:  make([]float64, total),
		vel:    make([]float64, total),
		x:      make([]float64, cfg.InputSize),
	}
	off := 0
	for i := range nl {
		in, out := sizes[i], sizes[i+1]
		w := n.params[off : off+in*out : off+in*out]
		dw := n.grads[off : off+in*out : off+in*out]
		off += in * out
		b := n.params[off : off+out : off+out]
		db := n.grads[off : off+out : off+out]
		off += out
		n.layers = append(n.layers, layers.NewLinear(in, out, w, b, dw, db))
		n.velW = append(n.velW, n.vel[off-out-in*out:off-out:off-out])
		n.velB = append(n.velB, n.vel[off-out:off:off])
		n.drop = append(n.drop, layers.NewDropout(cfg.Dropout, out))
		n.act = append(n.act, make([]float64, out))
		n.g = append(n.g, make([]float64, out))
	}
	return n
}

// Config returns the config the network was built with.
func (n *Net) Config() Config { return n.cfg }

// dropping reports whether hidden layer i applies dropout: layers 2..depth
// (i ≥ 1, never the output layer), when the rate is positive.
func (n *Net) dropping(i int) bool {
	return n.rng != nil && i >= 1 && i < len(n.layers)-1
}

// Forward implements stream.Stream: it computes the logits of t.X,
// drawing fresh dropout masks first (the original trains in train mode),
// and caches every layer's output for Learn.
func (n *Net) Forward(t *stream.Trial) []float64 {
	if len(t.X) != len(n.x) {
		panic(fmt.Sprintf("dnn: a stimulus of %d features for a network of input_size %d", len(t.X), len(n.x)))
	}
	copy(n.x, t.X)
	h := n.x
	last := len(n.layers) - 1
	for i := range n.layers {
		a := n.act[i]
		n.layers[i].Forward(h, a)
		if i < last {
			if n.dropping(i) {
				if !n.frozen {
					n.drop[i].Draw(n.rng)
				}
				n.drop[i].Forward(a, a)
			}
			layers.ReLU(a, a)
		}
		h = a
	}
	return n.act[last]
}

// Learn implements stream.Stream: it back-propagates dLogits through the
// network cached by the last Forward and takes one SGD step on every
// weight and bias, in PyTorch's convention: v = m·v + ∇ (v = ∇ on the
// first step), p −= lr·v (one fused multiply-add, as torch's), with
// lr = lr_dnn and m = mom. Each layer is stepped on the way down, in one
// pass over its weights and momentum buffer (propagateStep).
func (n *Net) Learn(t *stream.Trial, dLogits []float64) {
	if n.cfg.Momentum != 0 && !n.started {
		clear(n.vel) // PyTorch's first step sets v = ∇, which 0·m + ∇ rounds as
		n.started = true
	}
	n.propagateStep(dLogits)
}

// input returns what layer i read in the last Forward.
func (n *Net) input(i int) []float64 {
	if i == 0 {
		return n.x
	}
	return n.act[i-1]
}

// propagateStep back-propagates dLogits and steps every layer on the way
// down (Linear.BackwardStep, or BackwardStepMomentum with momentum): each
// layer's ∂L/∂x is taken with its weights before they change, so the
// result is that of propagate followed by the step, with one pass over
// each weight matrix.
func (n *Net) propagateStep(dLogits []float64) {
	last := len(n.layers) - 1
	copy(n.g[last], dLogits)
	for i := last; i >= 0; i-- {
		var dIn []float64 // nil for the first layer: nothing below needs it
		if i > 0 {
			dIn = n.g[i-1]
		}
		if m := n.cfg.Momentum; m != 0 {
			n.layers[i].BackwardStepMomentum(n.input(i), n.g[i], dIn, n.cfg.LR, m, n.velW[i], n.velB[i])
		} else {
			n.layers[i].BackwardStep(n.input(i), n.g[i], dIn, n.cfg.LR)
		}
		if i == 0 {
			break
		}
		layers.ReLUBackward(n.act[i-1], dIn, dIn)
		if n.dropping(i - 1) {
			n.drop[i-1].Backward(dIn, dIn)
		}
	}
}

// propagate writes n.g[i], the gradient of the loss with respect to layer
// i's pre-activation output, from the gradient of the logits, with the
// weights of the last Forward.
func (n *Net) propagate(dLogits []float64) {
	last := len(n.layers) - 1
	copy(n.g[last], dLogits)
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
func (n *Net) backward(dLogits []float64) {
	n.propagate(dLogits)
	for i := range n.layers {
		n.layers[i].Backward(n.input(i), n.g[i], nil)
	}
}

// Recruited implements stream.Stream: a network recruits nothing.
func (n *Net) Recruited() bool { return false }

// Active implements stream.Stream: a network has no recruited units, and
// reports 0 as the original's traces do.
func (n *Net) Active() int { return 0 }

// Names returns the state_dict names of the network's arrays, in
// PyTorch's order: layers.{i}.weight, layers.{i}.bias.
func (n *Net) Names() []string {
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
func (n *Net) State() []stream.Array {
	var st []stream.Array
	for i, l := range n.layers {
		st = append(st,
			stream.NewArray(weightName(i), l.W, l.Out, l.In),
			stream.NewArray(biasName(i), l.B, l.Out))
	}
	return st
}

// SetState implements stream.Stream: it loads every layer's weight and
// bias from st, which must hold exactly this network's arrays with its
// shapes and finite values; on error the network is left unchanged. The
// momentum buffer is kept, as PyTorch's load_state_dict keeps the
// optimiser's.
func (n *Net) SetState(st map[string]stream.Array) error {
	if err := stream.Unknown(st, n.Names()...); err != nil {
		return fmt.Errorf("dnn state: %w", err)
	}
	scratch := build(n.cfg) // the same layout over fresh storage
	var errs []error
	for i, l := range scratch.layers {
		if err := stream.Take(st, weightName(i), l.W, l.Out, l.In); err != nil {
			errs = append(errs, err)
		}
		if err := stream.Take(st, biasName(i), l.B, l.Out); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("dnn state for a %v network: %w", n.cfg.Sizes(), errors.Join(errs...))
	}
	copy(n.params, scratch.params)
	return nil
}
