package cli

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
)

// traceRow bounds the bytes of one trace row (run.TraceHeader's columns,
// each a number of at most 24 characters, for up to three parts).
const traceRow = 320

// Estimate returns what a fit of tasks with these loop settings holds
// at its peak: per task, every run's curves, final model and trace (the
// results are written after the last run; with a Setup.Digest only the
// first task's run 0's model and the workers' are held), the repeated
// items and orders of a block, and an order table.
func Estimate(s *Setup, o Options, tasks []*task.Task) budget.Bytes {
	lp := s.Loop
	passes := max(lp.Passes, 1)
	var total budget.Bytes
	for ti, t := range tasks {
		trials := budget.Mul(len(t.Items), passes)
		model := budget.Bytes(0)
		if s.Memory != nil {
			model = s.Memory(t).Bytes
		}
		curves := budget.Floats(lp.NumBlocks, 3*2) // [part][block] error and loss, up to three parts
		perRun := budget.Sum(budget.Bytes(unsafe.Sizeof(run.RunResult{})), curves)
		held := model.Times(lp.NumRuns)
		if s.Digest != nil {
			// Only those the workers train and the first task's run 0's
			// are held; a digest is counted as small beside them.
			kept := 0
			if ti == 0 {
				kept = 1
			}
			held = model.Times(min(max(o.Workers, 1), lp.NumRuns) + kept)
		}
		if o.Trace {
			perRun = perRun.Plus(trials.Times(lp.NumBlocks).Times(traceRow))
		}
		perTask := budget.Sum(perRun.Times(lp.NumRuns), held,
			trials.Times(int(unsafe.Sizeof(task.Item{}))+8*min(max(o.Workers, 1), lp.NumRuns)), // the repeated items, every worker's order (run.Do starts no more workers than runs)
			budget.Floats(lp.NumBlocks, 3*2)) // the mean curves
		if o.Order != "" {
			perTask = perTask.Plus(trials.Times(lp.NumBlocks).Times(lp.NumRuns).Times(8))
		}
		total = total.Plus(perTask)
	}
	return total
}

// checkMemory refuses a fit whose estimate is beyond the limit, naming the
// settings that make it (as keys, or as the flags that set them) and the
// model's keys.
func checkMemory(s *Setup, o Options, tasks []*task.Task, lim budget.Limit) error {
	est := Estimate(s, o, tasks)
	if est <= lim.Bytes {
		return nil
	}
	lp := s.Loop
	key := func(flag string, set bool, name string, v int) string {
		switch {
		case set && o.Origin != "":
			return fmt.Sprintf("%s = %d (%s)", flag, v, o.Origin)
		case set:
			return fmt.Sprintf("-%s %d", flag, v)
		}
		return fmt.Sprintf("%s = %d", name, v)
	}
	parts := []string{
		key("runs", o.Runs > 0, "num_runs", lp.NumRuns),
		key("blocks", o.Blocks > 0, "num_blocks", lp.NumBlocks),
	}
	if lp.Passes > 1 {
		parts = append(parts, key("passes", o.Passes > 0, "passes", lp.Passes))
	}
	items := 0
	for _, t := range tasks {
		items = max(items, len(t.Items))
	}
	parts = append(parts, fmt.Sprintf("%d items per block", items))
	if o.Trace {
		parts = append(parts, "-trace")
	}
	if s.Memory != nil {
		var big budget.Estimate
		for _, t := range tasks {
			if e := s.Memory(t); e.Bytes >= big.Bytes {
				big = e
			}
		}
		if big.Keys != "" {
			parts = append(parts, fmt.Sprintf("%v per model (%s)", big.Bytes, big.Keys))
		}
	}
	err := lim.Check(strings.Join(parts, ", "), est)
	switch {
	case o.Config != "":
		return fmt.Errorf("%s: %w", o.Config, err)
	case o.Origin != "":
		return err // the caller's setup: it names its file
	}
	return fmt.Errorf("built-in config: %w", err)
}
