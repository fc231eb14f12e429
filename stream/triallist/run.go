package triallist

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
)

// Options says how Run drives the learners.
type Options struct {
	Name string // names the job in errors (default: the list's name)
	// New returns a learner in its initial state for simulated subject s
	// (from 0); src, seed.For(Seed, s), seeds its generators. Run calls
	// it on every Reset trial.
	New  func(s int, src seed.Source) (stream.Stream, error)
	Seed uint64
	// Loss gives the learners that learn by gradient their ∂L/∂z (the
	// loss of their config; catlearn's models ignore it).
	Loss    loss.Func
	Workers int // subjects run in parallel (0: 1); results do not depend on it
}

// Result holds what a learner responded on every trial of a list.
type Result struct {
	List *List
	// P holds trial i's response probabilities, P(category k) at
	// P[i·Classes+k], from the state before the trial's learning.
	P []float64
}

// Prob returns the response probabilities of trial i (a view).
func (r *Result) Prob(i int) []float64 {
	C := r.List.Classes
	return r.P[i*C : i*C+C]
}

// Run drives learners through l: on each Reset trial a fresh learner
// (opt.New); on Learn and Reset trials Forward, the loss of the logits
// against the one-hot target, then Learn; on a Frozen trial Predict when
// the learner is a stream.Predictor, else Forward followed by restoring
// the state the run of frozen trials started from, and never Learn.
// Each trial's response probability is the softmax of its logits. The
// subjects run in parallel on opt.Workers goroutines; each depends only
// on its own trials and seed, so the result does not depend on the
// number of workers. A trial whose logits or loss are not finite stops
// the run with a *run.Diverged error (Run is the subject, Block the
// list's block, Trial the row, from 0).
func Run(ctx context.Context, l *List, opt Options) (*Result, error) {
	if err := l.Check(); err != nil {
		return nil, err
	}
	if opt.Name == "" {
		opt.Name = l.Name
	}
	if opt.Loss == nil {
		opt.Loss = loss.CrossEntropy{}
	}
	starts := make([]int, 0, l.Subjects+1)
	for i := range l.Trials {
		if l.Trials[i].Ctrl == Reset {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(l.Trials))
	res := &Result{List: l, P: make([]float64, len(l.Trials)*l.Classes)}
	workers := min(max(opt.Workers, 1), l.Subjects)
	next := make(chan int)
	errs := make([]error, l.Subjects)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				errs[s] = subject(ctx, l, &opt, starts[s], starts[s+1], res)
			}
		}()
	}
	for s := 0; s < l.Subjects; s++ {
		if ctx.Err() != nil {
			errs[s] = ctx.Err()
			continue
		}
		next <- s
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// subject runs trials lo..hi−1, one simulated subject's.
func subject(ctx context.Context, l *List, opt *Options, lo, hi int, res *Result) error {
	s := l.Trials[lo].Subject
	m, err := opt.New(s, seed.For(opt.Seed, s))
	if err != nil {
		return fmt.Errorf("%s: subject %d: %w", opt.Name, s+1, err)
	}
	pred, _ := m.(stream.Predictor)
	C := l.Classes
	targets := make([]float64, (C+1)*C) // one-hot rows, then a zero row for a trial without a category
	for k := 0; k < C; k++ {
		targets[k*C+k] = 1
	}
	dz := make([]float64, C)
	var saved map[string]stream.Array
	tr := stream.Trial{Run: s}
	block, index := 0, 0
	for i := lo; i < hi; i++ {
		if (i-lo)%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		t := &l.Trials[i]
		if i == lo || t.Block != block {
			block, index = t.Block, 0
		}
		label := t.Label
		if label < 0 {
			label = C
		}
		tr.Block, tr.Index, tr.Item, tr.Signature = max(t.Block-1, 0), index, t.Item, t.Item
		if i == lo {
			tr.Block, tr.Index = 0, 0 // the run's first trial (stream.Trial.First)
		}
		tr.X, tr.Target, tr.Label = t.X, targets[label*C:label*C+C], max(t.Label, 0)
		index++
		var z []float64
		switch {
		case t.Ctrl != Frozen:
			saved = nil
			z = m.Forward(&tr)
		case pred != nil:
			z = pred.Predict(&tr)
		default:
			if saved == nil {
				saved = stream.StateMap(m.State())
			}
			z = m.Forward(&tr)
		}
		if len(z) != C {
			return fmt.Errorf("%s: subject %d: trial %d: the learner has %d outputs, the list %d categories (t1…t%d)", opt.Name, s+1, i+1, len(z), C, C)
		}
		p := res.P[i*C : i*C+C]
		loss.Softmax(z, p)
		if !finiteAll(p) {
			return &run.Diverged{Job: opt.Name, Run: s, Block: t.Block, Trial: i, What: fmt.Sprintf("logits %v", z)}
		}
		if saved != nil {
			if err := m.SetState(saved); err != nil {
				return fmt.Errorf("%s: subject %d: trial %d: restoring the state after a frozen trial: %w", opt.Name, s+1, i+1, err)
			}
		}
		if t.Ctrl == Frozen {
			continue
		}
		if ls := opt.Loss.Eval(z, tr.Target, dz); !finite(ls) || !finiteAll(dz) {
			return &run.Diverged{Job: opt.Name, Run: s, Block: t.Block, Trial: i, What: fmt.Sprintf("logits %v, loss %v", z, ls)}
		}
		m.Learn(&tr, dz)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func finiteAll(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}
