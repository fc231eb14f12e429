// Package sgd holds parameter groups stepped by stochastic gradient
// descent with optional momentum, in PyTorch's convention, so that every
// stream takes the same step the original's torch.optim.SGD takes.
package sgd

import "gonum.org/v1/gonum/floats"

// Param is one parameter group: a flat parameter, its gradient, its
// learning rate and momentum. Value and Grad are views into the model's
// own storage.
type Param struct {
	Name     string
	Value    []float64
	Grad     []float64
	LR       float64
	Momentum float64

	vel     []float64
	started bool
}

// NewParam returns a group over value and grad (of equal length).
func NewParam(name string, value, grad []float64, lr, momentum float64) *Param {
	if len(value) != len(grad) {
		panic("sgd: value and gradient lengths differ")
	}
	p := &Param{Name: name, Value: value, Grad: grad, LR: lr, Momentum: momentum}
	if momentum != 0 {
		p.vel = make([]float64, len(value))
	}
	return p
}

// Step applies p -= lr·v with v = m·v + g (v = g on the first step), or
// p -= lr·g without momentum, as torch.optim.SGD does.
func (p *Param) Step() { p.StepN(len(p.Value)) }

// StepN steps only the first n values (and their momentum), for a model
// whose later units are not recruited yet: their gradient is zero and,
// without momentum history, a step would not change them.
func (p *Param) StepN(n int) {
	val, g := p.Value[:n], p.Grad[:n]
	// gonum's AddScaled rounds as the plain loops would (one multiply, one
	// add per element, no fused multiply-add) and is faster.
	if p.Momentum == 0 {
		floats.AddScaled(val, -p.LR, g)
		return
	}
	v := p.vel[:n]
	if !p.started {
		copy(v, g)
		p.started = true
	} else {
		floats.AddScaledTo(v, g, p.Momentum, v)
	}
	floats.AddScaled(val, -p.LR, v)
}

// Reset forgets the momentum buffer, as a fresh optimiser would.
func (p *Param) Reset() {
	p.started = false
	for i := range p.vel {
		p.vel[i] = 0
	}
}

// Step steps every group.
func Step(params ...*Param) {
	for _, p := range params {
		p.Step()
	}
}
