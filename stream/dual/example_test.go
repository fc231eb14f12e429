package dual_test

import (
	"context"
	"fmt"
	"log"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/dual"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// memory is a learner that keeps one logit vector per item of the task
// and moves it down the gradient: with a high learning rate a fast,
// item-by-item memory, with a low one a slow learner.
type memory struct {
	c     int
	table []float64 // items × classes, row-major
	lr    float64
}

func (m *memory) Forward(t *stream.Trial) []float64 { return m.table[t.Item*m.c : (t.Item+1)*m.c] }

func (m *memory) Learn(t *stream.Trial, dz []float64) {
	z := m.table[t.Item*m.c : (t.Item+1)*m.c]
	for k, g := range dz {
		z[k] -= m.lr * g
	}
}

func (m *memory) Recruited() bool { return false }
func (m *memory) Active() int     { return 0 }

func (m *memory) State() []stream.Array {
	return []stream.Array{stream.NewArray("table", m.table, len(m.table)/m.c, m.c)}
}

func (m *memory) SetState(st map[string]stream.Array) error {
	if err := stream.Unknown(st, "table"); err != nil {
		return err
	}
	return stream.Take(st, "table", m.table, len(m.table)/m.c, m.c)
}

// Example composes a fast and a slow stream into a dual stream whose
// logits add up, trains it with the kernel's trial loop on SHJ type VI,
// and prints the curves the loop records for each part and for the total
// (the probability of error in the first and the last block), and the
// names of the dual stream's state.
func Example() {
	t, err := task.SHJ(6)
	if err != nil {
		log.Fatal(err)
	}
	newMemory := func(lr float64) *memory {
		return &memory{c: t.Classes, table: make([]float64, len(t.Items)*t.Classes), lr: lr}
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 3, Blocks: 5, Seed: 999, Loss: loss.BCELogits{},
		New: func(r int, src seed.Source) (stream.Stream, error) {
			return dual.New(newMemory(0.5), newMemory(0.05)), nil
		}}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{Workers: 1})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	for p, name := range res.Parts {
		pe := res.PError[p]
		fmt.Printf("%s: %.3f → %.3f\n", name, pe[0], pe[len(pe)-1])
	}
	for _, a := range res.Runs[0].Model.State() {
		fmt.Println(a.Name, a.Shape)
	}
	// Output:
	// fast: 0.500 → 0.289
	// slow: 0.500 → 0.477
	// total: 0.500 → 0.270
	// FastModel.table [8 2]
	// SlowModel.table [8 2]
}
