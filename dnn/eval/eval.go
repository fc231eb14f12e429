// Package eval holds the analyses of the slow stream's runs: the spread of
// the learning curves' areas over runs, and the statistical comparison of
// a set of runs with a stored mean curve, which is how runs from random
// initial weights are compared with the original's.
package eval

import (
	"fmt"
	"math"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"

	"github.com/fastslow/dnn/model"
)

// Areas returns the area (curve.Area) of every run's learning curve of
// the given part of a finished job.
func Areas(res *run.Result, part int) []float64 {
	a := make([]float64, len(res.Runs))
	for i, rr := range res.Runs {
		a[i] = curve.Area(rr.PError[part])
	}
	return a
}

// Comparison compares the mean area of a sample of runs with the area of
// a reference mean curve made of RefRuns runs of the same model.
type Comparison struct {
	Area    float64 `json:"area"`     // mean area of the runs
	SD      float64 `json:"sd"`       // sample standard deviation of the runs' areas
	N       int     `json:"n"`        // runs
	RefArea float64 `json:"ref_area"` // area of the reference curve
	RefRuns int     `json:"ref_runs"` // runs the reference curve averages
	// SE is the standard error of the difference Area − RefArea, with the
	// spread of a run's area estimated from the runs: SD·√(1/N + 1/RefRuns).
	SE float64 `json:"se"`
	Z  float64 `json:"z"` // (Area − RefArea) / SE
}

// Compare returns the comparison of areas with ref, the mean curve of
// refRuns runs.
func Compare(areas []float64, ref []float64, refRuns int) (Comparison, error) {
	if len(areas) < 2 || refRuns < 1 {
		return Comparison{}, fmt.Errorf("eval: %d runs against %d reference runs: want at least 2 and 1", len(areas), refRuns)
	}
	s := curve.Summarise(areas)
	c := Comparison{Area: s.Mean, SD: s.SD, N: s.N, RefArea: curve.Area(ref), RefRuns: refRuns}
	c.SE = s.SD * math.Sqrt(1/float64(s.N)+1/float64(refRuns))
	c.Z = (c.Area - c.RefArea) / c.SE
	return c, nil
}

// Summary returns the analyses that summary.json records for a fit: per
// task, the network's layer sizes and the spread of the runs' areas
// (mean, sd, se = sd/√n).
func Summary(res []run.Result) map[string]any {
	out := map[string]any{}
	for i := range res {
		r := &res[i]
		if r.Err != nil || len(r.Runs) == 0 {
			continue
		}
		s := curve.Summarise(Areas(r, r.Total()))
		entry := map[string]any{
			"area_runs": map[string]any{"mean": s.Mean, "sd": s.SD, "se": s.SD / math.Sqrt(float64(s.N)), "n": s.N},
		}
		if net, ok := r.Runs[0].Model.(interface{ Params() model.Params }); ok {
			entry["layer_sizes"] = net.Params().Sizes()
		}
		out[r.Job.Task.Name] = entry
	}
	return out
}
