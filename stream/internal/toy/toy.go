// Package toy holds a small linear learner that the kernel's own tests
// drive through the Stream contract, so the trial loop and the command
// line are tested without any real model.
package toy

import (
	"fmt"
	"math"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/sgd"
)

// Linear computes z = W·x and learns W by SGD; it "recruits" on the first
// trial of a run and whenever its argmax is wrong, counting units.
type Linear struct {
	D, C      int
	W, gW     []float64
	z         []float64
	p         *sgd.Param
	recruited bool
	units     int
	// DivergeAt makes the logits NaN from this trial number on (0: never).
	DivergeAt int
	// FailAt makes Err report a failure from this trial number on (0: never).
	FailAt int
	trials int
}

// Err reports a failure of the learning step (see FailAt).
func (l *Linear) Err() error {
	if l.FailAt > 0 && l.trials >= l.FailAt {
		return fmt.Errorf("attention collapsed")
	}
	return nil
}

// New returns a linear learner with weights drawn from src.
func New(d, c int, lr float64, src seed.Source) *Linear {
	l := &Linear{D: d, C: c, W: make([]float64, d*c), gW: make([]float64, d*c), z: make([]float64, c)}
	rng := src.Rand("init")
	for i := range l.W {
		l.W[i] = rng.Float64()*0.2 - 0.1
	}
	l.p = sgd.NewParam("W", l.W, l.gW, lr, 0.5)
	return l
}

// Forward implements stream.Stream.
func (l *Linear) Forward(t *stream.Trial) []float64 {
	l.trials++
	for c := 0; c < l.C; c++ {
		var s float64
		for j, x := range t.X {
			s += l.W[c*l.D+j] * x
		}
		l.z[c] = s
		if l.DivergeAt > 0 && l.trials >= l.DivergeAt {
			l.z[c] = math.NaN()
		}
	}
	best := 0
	for c := range l.z {
		if l.z[c] > l.z[best] {
			best = c
		}
	}
	l.recruited = t.First() || best != t.Label
	if l.recruited {
		l.units++
	}
	return l.z
}

// Learn implements stream.Stream.
func (l *Linear) Learn(t *stream.Trial, dz []float64) {
	for c := 0; c < l.C; c++ {
		for j, x := range t.X {
			l.gW[c*l.D+j] = dz[c] * x
		}
	}
	l.p.Step()
}

// Recruited implements stream.Stream.
func (l *Linear) Recruited() bool { return l.recruited }

// Active implements stream.Stream.
func (l *Linear) Active() int { return l.units }

// State implements stream.Stream.
func (l *Linear) State() []stream.Array {
	return []stream.Array{stream.NewArray("W.weight", l.W, l.C, l.D)}
}

// SetState implements stream.Stream.
func (l *Linear) SetState(st map[string]stream.Array) error {
	if err := stream.Unknown(st, "W.weight"); err != nil {
		return err
	}
	if err := stream.Take(st, "W.weight", l.W, l.C, l.D); err != nil {
		return fmt.Errorf("toy: %w", err)
	}
	return nil
}

// Pair adds two learners' logits, as the dual stream does.
type Pair struct {
	A, B *Linear
	z    []float64
}

// Forward implements stream.Stream.
func (p *Pair) Forward(t *stream.Trial) []float64 {
	a, b := p.A.Forward(t), p.B.Forward(t)
	if p.z == nil {
		p.z = make([]float64, len(a))
	}
	for i := range a {
		p.z[i] = a[i] + b[i]
	}
	return p.z
}

// Learn implements stream.Stream.
func (p *Pair) Learn(t *stream.Trial, dz []float64) { p.A.Learn(t, dz); p.B.Learn(t, dz) }

// Recruited implements stream.Stream.
func (p *Pair) Recruited() bool { return p.A.Recruited() }

// Active implements stream.Stream.
func (p *Pair) Active() int { return p.A.Active() }

// State implements stream.Stream.
func (p *Pair) State() []stream.Array { return p.A.State() }

// SetState implements stream.Stream.
func (p *Pair) SetState(st map[string]stream.Array) error { return p.A.SetState(st) }

// PartNames implements stream.Composite.
func (p *Pair) PartNames() []string { return []string{"fast", "slow"} }

// PartLogits implements stream.Composite.
func (p *Pair) PartLogits() [][]float64 { return [][]float64{p.A.z, p.B.z} }
