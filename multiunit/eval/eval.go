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
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fastslow/multiunit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
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

// Summarise analyses a task's runs from their final states (the arrays
// of model.State, or of .npz files written from them). shjType is the SHJ
// type of the task, or 0.
func Summarise(taskName string, shjType int, states []map[string]stream.Array) (*Summary, error) {
	if len(states) == 0 {
		return nil, fmt.Errorf("task %s: no runs to analyse", taskName)
	}
	s := &Summary{Task: taskName, SHJType: shjType}
	clusters := make([]float64, len(states))
	for r, st := range states {
		var arr [3]stream.Array
		for i, name := range []string{model.NameActive, model.NameAttention, model.NamePositions} {
			a, ok := st[name]
			if !ok {
				return nil, fmt.Errorf("task %s run %d: no %q in the state", taskName, r, name)
			}
			arr[i] = a
		}
		mask, a, pos := arr[0], arr[1], arr[2]
		n := len(mask.Data)
		if n == 0 || len(pos.Data)%n != 0 || len(pos.Data)/n != len(a.Data) {
			return nil, fmt.Errorf("task %s run %d: %d positions for %d units of %d dimensions", taskName, r, len(pos.Data), n, len(a.Data))
		}
		if s.Attention == nil {
			s.Attention = make([]float64, len(a.Data))
		}
		if len(a.Data) != len(s.Attention) {
			return nil, fmt.Errorf("task %s run %d: %d attention weights, run 0 has %d", taskName, r, len(a.Data), len(s.Attention))
		}
		d := len(a.Data)
		units := 0
		distinct := map[string]bool{}
		key := make([]byte, 0, 8*d)
		for k, v := range mask.Data {
			if v == 0 {
				continue
			}
			units++
			key = key[:0]
			for _, x := range pos.Data[k*d : k*d+d] {
				key = binary.LittleEndian.AppendUint64(key, math.Float64bits(x))
			}
			distinct[string(key)] = true
		}
		s.Units = append(s.Units, units)
		s.Clusters = append(s.Clusters, len(distinct))
		clusters[r] = float64(len(distinct))
		for j, v := range a.Data {
			s.Attention[j] += v
		}
	}
	for j := range s.Attention {
		s.Attention[j] /= float64(len(states))
	}
	s.ClusterStats = curve.Summarise(clusters)
	return s, nil
}

// Summaries analyses every task of a finished fit, in order.
func Summaries(res []run.Result) ([]*Summary, error) {
	return run.PerTask(res, func(t *task.Task, states []map[string]stream.Array) (*Summary, error) {
		return Summarise(t.Name, t.SHJType, states)
	})
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
