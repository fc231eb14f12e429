// Package eval holds the analyses of the distribution learners' runs for
// summary.json: how often a recruitment was cut short because densities
// underflowed to 0 (the original's behaviour, kept and counted), and the
// scales the recruited units ended with.
package eval

import (
	"fmt"
	"io"

	"github.com/fastslow/distrlearner/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/run"
)

// Counter is what a learner reports about underflows (*model.Model).
type Counter interface {
	Underflows() model.Underflows
}

// Summary is the analysis of a task's runs.
type Summary struct {
	Task string `json:"task"`
	// UnderflowTrials and UnderflowUnits count, per run, the recruitment
	// trials on which chosen units were not recruited because their
	// density underflowed to 0, and those units; the totals sum the runs.
	UnderflowTrials []int `json:"underflow_trials_per_run"`
	UnderflowUnits  []int `json:"underflow_units_per_run"`
	TotalTrials     int   `json:"underflow_trials"`
	TotalUnits      int   `json:"underflow_units"`
	// MeanScale is, per dimension, the mean over runs of the mean final
	// scale σ of the recruited units (as saved: after the last SGD step,
	// before the next forward pass would clamp it at 1e-6); MinScale is
	// the smallest over runs and units. Both are nil when no run recruited.
	MeanScale []float64 `json:"mean_final_scale,omitempty"`
	MinScale  []float64 `json:"min_final_scale,omitempty"`
}

// Summarise analyses the learners of a task's runs, in run order.
func Summarise(taskName string, learners []stream.Stream) (*Summary, error) {
	if len(learners) == 0 {
		return nil, fmt.Errorf("task %s: no runs to analyse", taskName)
	}
	s := &Summary{Task: taskName, UnderflowTrials: make([]int, len(learners)), UnderflowUnits: make([]int, len(learners))}
	var runsWithUnits int
	for r, l := range learners {
		c, ok := l.(Counter)
		if !ok {
			return nil, fmt.Errorf("task %s run %d: %T is not a distribution learner", taskName, r, l)
		}
		u := c.Underflows()
		s.UnderflowTrials[r], s.UnderflowUnits[r] = u.Trials, u.Units
		s.TotalTrials += u.Trials
		s.TotalUnits += u.Units

		mean, low, err := scales(l.State())
		if err != nil {
			return nil, fmt.Errorf("task %s run %d: %w", taskName, r, err)
		}
		if mean == nil {
			continue
		}
		if s.MeanScale == nil {
			s.MeanScale = make([]float64, len(mean))
			s.MinScale = append([]float64(nil), low...)
		}
		for j := range mean {
			s.MeanScale[j] += mean[j]
			s.MinScale[j] = min(s.MinScale[j], low[j])
		}
		runsWithUnits++
	}
	for j := range s.MeanScale {
		s.MeanScale[j] /= float64(runsWithUnits)
	}
	return s, nil
}

// scales returns, per dimension, the mean and the smallest scale of the
// recruited units of a state, or nil if none is recruited.
func scales(st []stream.Array) (mean, low []float64, err error) {
	m := stream.StateMap(st)
	attn, ok := m[model.AttnName]
	if !ok || len(attn.Shape) != 3 {
		return nil, nil, fmt.Errorf("no %q of shape [N,D,D] in the state", model.AttnName)
	}
	act, ok := m[model.ActiveName]
	if !ok || len(act.Data) != attn.Shape[0] {
		return nil, nil, fmt.Errorf("no %q of %d values in the state", model.ActiveName, attn.Shape[0])
	}
	d := attn.Shape[1]
	var n int
	for k, a := range act.Data {
		if a != 1 {
			continue
		}
		if mean == nil {
			mean, low = make([]float64, d), make([]float64, d)
			for j := range low {
				low[j] = attn.Data[k*d*d+j*d+j]
			}
		}
		for j := 0; j < d; j++ {
			s := attn.Data[k*d*d+j*d+j]
			mean[j] += s
			low[j] = min(low[j], s)
		}
		n++
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean, low, nil
}

// Analyses returns the summaries of every task of a fit, for
// summary.json: {"distribution_learner": [Summary, …]}.
func Analyses(res []run.Result) map[string]any {
	var out []*Summary
	for i := range res {
		r := &res[i]
		learners := make([]stream.Stream, len(r.Runs))
		for k, rr := range r.Runs {
			learners[k] = rr.Model
		}
		s, err := Summarise(r.Job.Task.Name, learners)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		out = append(out, s)
	}
	return map[string]any{"distribution_learner": out}
}

// Report prints, per task, the recruitments cut short by underflowing
// densities (or that there were none) and the mean final scales.
func Report(w io.Writer, res []run.Result) {
	a := Analyses(res)
	ss, ok := a["distribution_learner"].([]*Summary)
	if !ok {
		fmt.Fprintf(w, "analyses failed: %v\n", a["error"])
		return
	}
	for _, s := range ss {
		if s.TotalTrials == 0 {
			fmt.Fprintf(w, "%s: no recruitment was cut short by a density that underflowed to 0", s.Task)
		} else {
			fmt.Fprintf(w, "%s: %d recruitments cut short by densities that underflowed to 0 (%d units not recruited; the original's behaviour)",
				s.Task, s.TotalTrials, s.TotalUnits)
		}
		if s.MeanScale != nil {
			fmt.Fprintf(w, "; mean final scale %.4g", s.MeanScale)
		}
		fmt.Fprintln(w)
	}
}
