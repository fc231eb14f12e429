// Package eval holds the analyses the original runs on the clustering
// model's final states: the number of recruited units per run, the rate of
// runs that end with the canonical number of units of their SHJ type, and
// the mean final attention per task.
package eval

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fastslow/clustering/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"
)

// CanonicalUnits returns the number of units of the canonical solution of
// SHJ type typ (1..6): 2, 4, 6, 6, 6, 8, as the original counts them; 0 for
// another type.
func CanonicalUnits(typ int) int {
	if typ < 1 || typ > 6 {
		return 0
	}
	return [6]int{2, 4, 6, 6, 6, 8}[typ-1]
}

// Summary is the analysis of the final states of a task's runs.
type Summary struct {
	Task    string `json:"task"`
	SHJType int    `json:"shj_type,omitempty"`
	// Units is the number of recruited units at the end of each run.
	Units []int `json:"units_per_run"`
	// UnitStats summarises Units; UnitCounts maps a number of units to
	// the number of runs that ended with it.
	UnitStats  curve.Stats    `json:"units"`
	UnitCounts map[string]int `json:"units_histogram"`
	// CanonicalUnits and CanonicalRate: the canonical number of units of
	// the SHJ type and the fraction of runs that end with it (the original
	// rounds the fraction to 0 or 1 when it returns it; this is the full
	// value). Absent for a task that is not an SHJ type.
	CanonicalUnits int      `json:"canonical_units,omitempty"`
	CanonicalRate  *float64 `json:"canonical_rate,omitempty"`
	// Attention is the mean over runs of the saved attention: after the
	// last SGD step, not normalised (as the original saves and averages it).
	Attention []float64 `json:"mean_final_attention"`
	// NormalisedAttention is the mean over runs of the attention the next
	// prediction would use (each run's saved attention clipped at 1e-6 and
	// divided by its sum).
	NormalisedAttention []float64 `json:"mean_final_attention_normalised"`
}

// Run is what the analyses read of one run's final state.
type Run struct {
	Units     int       // recruited units
	Attention []float64 // the saved attention
}

// Digest returns a finished run's Run from its model: the fit command
// keeps it in place of the model (cli.Setup.Digest), so that the next
// run's model is the released one (model.Model.Release), reset.
func Digest(s stream.Stream) (any, error) {
	if m, ok := s.(*model.Model); ok {
		return Run{Units: m.Active(), Attention: slices.Clone(m.Attention())}, nil
	}
	return runOf(stream.StateMap(stream.View(s)))
}

// runOf reads a run's Run from its final state.
func runOf(st map[string]stream.Array) (Run, error) {
	mask, ok := st[model.NameMask]
	if !ok {
		return Run{}, fmt.Errorf("no %q in the state", model.NameMask)
	}
	a, ok := st[model.NameAttention]
	if !ok {
		return Run{}, fmt.Errorf("no %q in the state", model.NameAttention)
	}
	n := 0
	for _, v := range mask.Data {
		if v != 0 {
			n++
		}
	}
	return Run{Units: n, Attention: a.Data}, nil
}

// Summarise analyses the final states of a task's runs (the arrays of
// model.State, or of .npz files written from them). shjType is the SHJ type
// of the task, or 0.
func Summarise(taskName string, shjType int, states []map[string]stream.Array) (*Summary, error) {
	return summarise(taskName, shjType, len(states), func(r int) (Run, error) { return runOf(states[r]) })
}

// summarise analyses the n runs of a task, run r's final state read by
// runAt(r).
func summarise(taskName string, shjType, n int, runAt func(r int) (Run, error)) (*Summary, error) {
	if n == 0 {
		return nil, fmt.Errorf("task %s: no runs to analyse", taskName)
	}
	s := &Summary{Task: taskName, SHJType: shjType, UnitCounts: map[string]int{}}
	units := make([]float64, n)
	for r := range n {
		rn, err := runAt(r)
		if err != nil {
			return nil, fmt.Errorf("task %s run %d: %w", taskName, r, err)
		}
		a := rn.Attention
		if s.Attention == nil {
			s.Attention = make([]float64, len(a))
			s.NormalisedAttention = make([]float64, len(a))
		}
		if len(a) != len(s.Attention) {
			return nil, fmt.Errorf("task %s run %d: %d attention weights, run 0 has %d", taskName, r, len(a), len(s.Attention))
		}
		s.Units = append(s.Units, rn.Units)
		units[r] = float64(rn.Units)
		s.UnitCounts[strconv.Itoa(rn.Units)]++
		var sum float64
		for _, v := range a {
			sum += max(v, 1e-6)
		}
		for j, v := range a {
			s.Attention[j] += v
			s.NormalisedAttention[j] += max(v, 1e-6) / sum
		}
	}
	for j := range s.Attention {
		s.Attention[j] /= float64(n)
		s.NormalisedAttention[j] /= float64(n)
	}
	s.UnitStats = curve.Summarise(units)
	if c := CanonicalUnits(shjType); c > 0 {
		s.CanonicalUnits = c
		hits := 0
		for _, n := range s.Units {
			if n == c {
				hits++
			}
		}
		rate := float64(hits) / float64(len(s.Units))
		s.CanonicalRate = &rate
	}
	return s, nil
}

// Summaries analyses every task of a finished fit, in order, from each
// run's Digest, or from its model when it has none.
func Summaries(res []run.Result) ([]*Summary, error) {
	out := make([]*Summary, 0, len(res))
	for i := range res {
		t, runs := res[i].Job.Task, res[i].Runs
		s, err := summarise(t.Name, t.SHJType, len(runs), func(r int) (Run, error) {
			switch d, ok := runs[r].Digest.(Run); {
			case ok:
				return d, nil
			case runs[r].Model == nil:
				return Run{}, errors.New("no model")
			}
			return runOf(stream.StateMap(stream.View(runs[r].Model)))
		})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Evaluate returns the analyses of a finished fit for summary.json:
// "clustering" holds one Summary per task.
func Evaluate(res []run.Result) map[string]any {
	s, err := Summaries(res)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"clustering": s}
}

// Report prints, per task, the recruited units, the canonical-solution
// rate and the mean final attention.
func Report(w io.Writer, res []run.Result) {
	ss, err := Summaries(res)
	if err != nil {
		fmt.Fprintf(w, "clustering analyses: %v\n", err)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "task\tunits mean (min–max)\tcanonical\tmean final attention (saved)\t")
	for _, s := range ss {
		canon := "–"
		if s.CanonicalRate != nil {
			canon = fmt.Sprintf("%d units: %.0f%%", s.CanonicalUnits, 100**s.CanonicalRate)
		}
		att := make([]string, len(s.Attention))
		for j, v := range s.Attention {
			att[j] = strconv.FormatFloat(v, 'f', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%.2f (%d–%d)\t%s\t%s\t\n", s.Task, s.UnitStats.Mean,
			slices.Min(s.Units), slices.Max(s.Units), canon, strings.Join(att, " "))
	}
	tw.Flush()
}
