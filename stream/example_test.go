package stream_test

import (
	"fmt"
	"log"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// linear is the smallest learner that satisfies the Stream contract:
// logits z = W·x + b, learned by plain SGD from the ∂L/∂z the trial loop
// hands it. It never recruits.
type linear struct {
	d, c int
	w, b []float64 // w is c×d, row-major
	z    []float64 // the logits of the last Forward, owned by the learner
	lr   float64
}

var _ stream.Stream = (*linear)(nil)

func newLinear(d, c int, lr float64) *linear {
	return &linear{d: d, c: c, w: make([]float64, c*d), b: make([]float64, c), z: make([]float64, c), lr: lr}
}

func (l *linear) Forward(t *stream.Trial) []float64 {
	for k := range l.z {
		s := l.b[k]
		for i, x := range t.X {
			s += l.w[k*l.d+i] * x
		}
		l.z[k] = s
	}
	return l.z
}

func (l *linear) Learn(t *stream.Trial, dz []float64) {
	for k, g := range dz {
		l.b[k] -= l.lr * g
		for i, x := range t.X {
			l.w[k*l.d+i] -= l.lr * g * x
		}
	}
}

func (l *linear) Recruited() bool { return false }
func (l *linear) Active() int     { return 0 }

func (l *linear) State() []stream.Array {
	return []stream.Array{stream.NewArray("weight", l.w, l.c, l.d), stream.NewArray("bias", l.b, l.c)}
}

func (l *linear) SetState(st map[string]stream.Array) error {
	if err := stream.Unknown(st, "weight", "bias"); err != nil {
		return err
	}
	if err := stream.Take(st, "weight", l.w, l.c, l.d); err != nil {
		return err
	}
	return stream.Take(st, "bias", l.b, l.c)
}

// Example drives a learner by hand through the kernel's pieces: a task
// (SHJ type I), a schedule (a fresh shuffle per block, seeded by the
// config's seed and the run index), and a loss that gives ∂L/∂z to Learn.
// It prints the learning curve: the mean probability of error per block.
// The trial loop of stream/run does the same for many runs in parallel.
func Example() {
	t, err := task.SHJ(1)
	if err != nil {
		log.Fatal(err)
	}
	m := newLinear(t.Dims, t.Classes, 0.5)
	lf := loss.BCELogits{}
	src := seed.For(999, 0) // random_seed 999, run 0
	orders := schedule.Shuffled{}.Run(src, len(t.Items))
	order := make([]int, len(t.Items))
	dz := make([]float64, t.Classes)
	p := make([]float64, t.Classes)
	tr := stream.Trial{Run: src.Run}
	for b := range 6 {
		orders.Next(b, order)
		var perr float64
		for i, k := range order {
			it := &t.Items[k]
			tr.Block, tr.Index, tr.Item = b, i, k
			tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
			z := m.Forward(&tr)
			perr += loss.ProbError(z, it.Label, p)
			lf.Eval(z, it.Target, dz)
			m.Learn(&tr, dz)
		}
		fmt.Printf("block %d: %.3f\n", b+1, perr/float64(len(order)))
	}
	// Output:
	// block 1: 0.509
	// block 2: 0.388
	// block 3: 0.317
	// block 4: 0.254
	// block 5: 0.202
	// block 6: 0.166
}
