// Package eval holds the analyses the original runs on the clustering
// model's final states: the number of recruited units per run, the rate of
// runs that end with the canonical number of units of their SHJ type, and
// the mean final attention per task.
package eval

import (
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
	"github.com/fastslow/stream/task"
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

// Summarise analyses the final states of a task's runs (the arrays of
// model.State, or of .npz files written from them). shjType is the SHJ type
// of the task, or 0.
func Summarise(taskName string, shjType int, states []map[string]stream.Array) (*Summary, error) {
	if len(states) == 0 {
		return nil, fmt.Errorf("task %s: no runs to analyse", taskName)
	}
	s := &Summary{Task: taskName, SHJType: shjType, UnitCounts: map[string]int{}}
	units := make([]float64, len(states))
	for r, st := range states {
		mask, ok := st[model.NameMask]
		if !ok {
			return nil, fmt.Errorf("task %s run %d: no %q in the state", taskName, r, model.NameMask)
		}
		a, ok := st[model.NameAttention]
		if !ok {
			return nil, fmt.Errorf("task %s run %d: no %q in the state", taskName, r, model.NameAttention)
		}
		if s.Attention == nil {
			s.Attention = make([]float64, len(a.Data))
			s.NormalisedAttention = make([]float64, len(a.Data))
		}
		if len(a.Data) != len(s.Attention) {
			return nil, fmt.Errorf("task %s run %d: %d attention weights, run 0 has %d", taskName, r, len(a.Data), len(s.Attention))
		}
		n := 0
		for _, v := range mask.Data {
			if v != 0 {
				n++
			}
		}
		s.Units = append(s.Units, n)
		units[r] = float64(n)
		s.UnitCounts[strconv.Itoa(n)]++
		var sum float64
		for _, v := range a.Data {
			sum += max(v, 1e-6)
		}
		for j, v := range a.Data {
			s.Attention[j] += v
			s.NormalisedAttention[j] += max(v, 1e-6) / sum
		}
	}
	for j := range s.Attention {
		s.Attention[j] /= float64(len(states))
		s.NormalisedAttention[j] /= float64(len(states))
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

// Summaries analyses every task of a finished fit, in order.
func Summaries(res []run.Result) ([]*Summary, error) {
	return run.PerTask(res, func(t *task.Task, states []map[string]stream.Array) (*Summary, error) {
		return Summarise(t.Name, t.SHJType, states)
	})
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
