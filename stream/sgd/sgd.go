// Package sgd holds parameter groups stepped by stochastic gradient
// descent with optional momentum, exactly as PyTorch's torch.optim.SGD
// steps them on the CPU, so that every stream rounds as the original does.
package sgd

import "github.com/fastslow/stream/affine"

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

// Step applies p += (−lr)·v with v = m·v + g (v = g on the first step),
// or p += (−lr)·g without momentum, as torch.optim.SGD does: the momentum
// update rounds twice (v.mul_(m).add_(g)) and the step once (a fused
// multiply-add: torch's p.add_(v, alpha=−lr)). The dual stream amplifies
// the difference a separately rounded product would make.
func (p *Param) Step() { p.StepN(len(p.Value)) }

// StepN steps only the first n values (and their momentum), for a model
// whose later units are not recruited yet: their gradient is zero and,
// without momentum history, a step would not change them.
func (p *Param) StepN(n int) {
	val, g := p.Value[:n], p.Grad[:n]
	if p.Momentum == 0 {
		FusedStep(val, -p.LR, g)
		return
	}
	v := p.vel[:n]
	if !p.started {
		copy(v, g)
		p.started = true
		FusedStep(val, -p.LR, v)
		return
	}
	affine.StepMomentum(val, v, g, -p.LR, p.Momentum)
}

// Reset forgets the momentum buffer, as a fresh optimiser would.
func (p *Param) Reset() {
	p.started = false
	clear(p.vel)
}

// Step steps every group.
func Step(params ...*Param) {
	for _, p := range params {
		p.Step()
	}
}

// FusedStep sets val[i] = val[i] + a·d[i] with one rounding each (a fused
// multiply-add): affine.Step, vectorised where the CPU allows.
func FusedStep(val []float64, a float64, d []float64) { affine.Step(val, a, d) }
