// Package eval holds analyses of the multi-unit clustering model's final
// states: how many units each run recruited, how many clusters they form
// (units recruited together at a stimulus move together, so a run's
// active units sit at a few distinct positions), and the attention the
// runs end with. (The original itself only reports the areas under the
// learning curves, which the fit command computes for every model, with
// the statistics of active units and recruiting trials.)
package eval

import (
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"
)

// Summary is the analysis of a task's runs.
type Summary struct {
	Task    string `json:"task"`
	SHJType int    `json:"shj_type,omitempty"`
	// Units is the number of active (recruited) units at the end of each
	// run.
	Units []int `json:"units_per_run"`
	// Clusters is the number of distinct positions of the active units at
	// the end of each run, ClusterStats its statistics. On the SHJ
	// problems it can be set beside the clustering model's canonical
	// solutions (2, 4, 6, 6, 6 and 8 clusters for types I–VI).
	Clusters     []int       `json:"clusters_per_run"`
	ClusterStats curve.Stats `json:"clusters"`
	// Attention is the mean over runs of the final attention (normalised:
	// the original normalises it after every step).
	Attention []float64 `json:"mean_final_attention"`
}

// Run is what the analyses read of one run's final state.
type Run struct {
	Units     int       // active units
	Clusters  int       // distinct positions of the active units
	Attention []float64 // the final attention
}

// Digest returns a finished run's Run from its model: the fit command
// keeps it in place of the model (cli.Setup.Digest), so that the next
// run's model reuses the memory.
func Digest(s stream.Stream) (any, error) { return runOfStream(s) }

// runOfStream analyses a finished run's model: a multi-unit model from
// its active units and their groups directly (its state's masks cover
// every unit), any other from its state.
func runOfStream(s stream.Stream) (Run, error) {
	m, ok := s.(*model.Model)
	if !ok {
		return runOf(stream.StateMap(stream.View(s)))
	}
	att := m.Attention()
	// The active units' distinct positions are their groups' (a few
	// hundred units, a few dozen groups).
	_, clusters := count(m.Positions(), len(att), func(yield func(int) bool) {
		for _, k := range m.Representatives() {
			if !yield(int(k)) {
				return
			}
		}
	})
	return Run{Units: len(m.ActiveUnits()), Clusters: clusters, Attention: slices.Clone(att)}, nil
}

// runOf analyses one run's final state.
func runOf(st map[string]stream.Array) (Run, error) {
	var arr [3]stream.Array
	for i, name := range []string{model.NameActive, model.NameAttention, model.NamePositions} {
		a, ok := st[name]
		if !ok {
			return Run{}, fmt.Errorf("no %q in the state", name)
		}
		arr[i] = a
	}
	mask, a, pos := arr[0], arr[1], arr[2]
	n := len(mask.Data)
	if n == 0 || len(pos.Data)%n != 0 || len(pos.Data)/n != len(a.Data) {
		return Run{}, fmt.Errorf("%d positions for %d units of %d dimensions", len(pos.Data), n, len(a.Data))
	}
	units, clusters := count(pos.Data, len(a.Data), func(yield func(int) bool) {
		for k, v := range mask.Data {
			if v != 0 && !yield(k) {
				return
			}
		}
	})
	return Run{Units: units, Clusters: clusters, Attention: slices.Clone(a.Data)}, nil
}

// count returns the number of the given units and of their distinct
// positions (bit for bit) in pos, n × d row-major.
func count(pos []float64, d int, units iter.Seq[int]) (n, clusters int) {
	distinct := map[string]bool{}
	key := make([]byte, 0, 8*d)
	for k := range units {
		n++
		key = key[:0]
		for _, x := range pos[k*d : k*d+d] {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(x))
		}
		if !distinct[string(key)] { // a lookup by a converted key copies nothing
			distinct[string(key)] = true
		}
	}
	return n, len(distinct)
}

// Summarise analyses a task's runs from their final states (the arrays
// of model.State, or of .npz files written from them). shjType is the SHJ
// type of the task, or 0.
func Summarise(taskName string, shjType int, states []map[string]stream.Array) (*Summary, error) {
	runs := make([]Run, len(states))
	for r, st := range states {
		var err error
		if runs[r], err = runOf(st); err != nil {
			return nil, fmt.Errorf("task %s run %d: %w", taskName, r, err)
		}
	}
	return summary(taskName, shjType, runs)
}

// summary gathers a task's runs, summing the attention in run order.
func summary(taskName string, shjType int, runs []Run) (*Summary, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("task %s: no runs to analyse", taskName)
	}
	s := &Summary{Task: taskName, SHJType: shjType, Attention: make([]float64, len(runs[0].Attention))}
	clusters := make([]float64, len(runs))
	for r, rn := range runs {
		if len(rn.Attention) != len(s.Attention) {
			return nil, fmt.Errorf("task %s run %d: %d attention weights, run 0 has %d", taskName, r, len(rn.Attention), len(s.Attention))
		}
		s.Units = append(s.Units, rn.Units)
		s.Clusters = append(s.Clusters, rn.Clusters)
		clusters[r] = float64(rn.Clusters)
		for j, v := range rn.Attention {
			s.Attention[j] += v
		}
	}
	for j := range s.Attention {
		s.Attention[j] /= float64(len(runs))
	}
	s.ClusterStats = curve.Summarise(clusters)
	return s, nil
}

// Summaries analyses every task of a finished fit, in order, from each
// run's Digest, or from its model when it has none.
func Summaries(res []run.Result) ([]*Summary, error) {
	out := make([]*Summary, 0, len(res))
	for i := range res {
		t := res[i].Job.Task
		runs := make([]Run, len(res[i].Runs))
		for k := range res[i].Runs {
			rr := &res[i].Runs[k]
			var err error
			switch d, ok := rr.Digest.(Run); {
			case ok:
				runs[k] = d
			case rr.Model == nil:
				return nil, fmt.Errorf("task %s: run %d has no model", t.Name, k)
			default:
				if runs[k], err = runOfStream(rr.Model); err != nil {
					return nil, fmt.Errorf("task %s run %d: %w", t.Name, k, err)
				}
			}
		}
		s, err := summary(t.Name, t.SHJType, runs)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Evaluate returns the analyses of a finished fit for summary.json:
// "multiunit" holds one Summary per task.
func Evaluate(res []run.Result) map[string]any {
	s, err := Summaries(res)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"multiunit": s}
}

// Report prints, per task, the clusters the active units form and the
// mean final attention.
func Report(w io.Writer, res []run.Result) {
	ss, err := Summaries(res)
	if err != nil {
		fmt.Fprintf(w, "multi-unit analyses: %v\n", err)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "task\tclusters of units mean (min–max)\tmean final attention\t")
	for _, s := range ss {
		att := make([]string, len(s.Attention))
		for j, v := range s.Attention {
			att[j] = strconv.FormatFloat(v, 'f', 3, 64)
		}
		fmt.Fprintf(tw, "%s\t%.2f (%.0f–%.0f)\t%s\t\n", s.Task,
			s.ClusterStats.Mean, s.ClusterStats.Min, s.ClusterStats.Max, strings.Join(att, " "))
	}
	tw.Flush()
}
