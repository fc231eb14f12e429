package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"
)

// Problem is what a fit searches: the parameters, how to search them, the
// simulated subjects of every evaluation and the objective that scores a
// batch of points.
type Problem struct {
	Name   string  // names the fit in log lines and progress
	Params []Param // the free parameters, in the order of every point's X
	// Start is the default first start, one value per parameter (those
	// of discrete parameters are not used); nil: mid-range.
	Start  []float64
	Search Search
	// Seed and Runs are the seed and the simulated subjects per condition
	// of every evaluation of the search (common random numbers).
	Seed int64
	Runs int
	// NoiseSeeds is how many further seeds (Seed+1, Seed+2, …) the best
	// point is evaluated at after the search, to measure the noise of
	// its loss (0: none).
	NoiseSeeds int
	Objective  Objective
	// Trials is the number of trials one evaluation at Runs simulates,
	// for the counts reported (0: not counted).
	Trials int64
}

// Param is a free parameter: a continuous one searched within bounds,
// or a discrete one (Values) over whose values the whole continuous
// search is repeated, the best of them reported.
type Param struct {
	Key      string  // names it in the trace, log lines and results
	Min, Max float64 // bounds of a continuous parameter, finite, Min < Max
	Log      bool    // search on a log scale (needs Min > 0)
	// Values makes the parameter discrete (an integer key such as a
	// number of units, say); Min, Max and Log are then not used.
	Values []float64
}

// Discrete reports whether the parameter takes a list of values.
func (p *Param) Discrete() bool { return p.Values != nil }

// Objective evaluates a batch of points (all their simulated subjects on
// one pool of workers, ideally) and returns their evaluations in order.
// A point that cannot be evaluated gets an infinite Loss and its Err.
type Objective func(ctx context.Context, pts []Point, o EvalOptions) []Eval

// EvalOptions say how an Objective runs a batch.
type EvalOptions struct {
	Workers  int           // parallel runs; 0 means all cores
	Progress *run.Progress // nil is silent
	// PerRun asks for each run's curves too (Eval.RunCurves), for the
	// best point's results.
	PerRun bool
}

// Point is where to evaluate: parameter values, a seed and a number of
// simulated subjects per condition.
type Point struct {
	X    []float64
	Seed int64
	Runs int
}

// Eval is an evaluated point. An Objective sets Loss (and Err); the
// other values are for objectives that compare learning curves to data,
// which the trace and the results record when set.
type Eval struct {
	Point
	Loss   float64     // what the search minimises (+Inf: no value)
	SSE    float64     // sum over conditions and blocks of (model − data)²
	RMSE   float64     // √(SSE / cells)
	OAT    *OAT        // the SHJ ordinal adequacy (nil for other tasks)
	Curves [][]float64 // the model's mean curve of every data condition, in data blocks
	// RunCurves holds, with EvalOptions.PerRun, every run's curve of
	// every data condition: [condition][run][block].
	RunCurves [][][]float64
	Err       error // the point could not be evaluated: Loss is +Inf
}

// Failed returns the evaluation of pt that failed with err.
func Failed(pt Point, err error) Eval {
	return Eval{Point: pt, Loss: math.Inf(1), SSE: math.Inf(1), RMSE: math.Inf(1), Err: err}
}

// OAT is the SHJ ordinal adequacy test of a set of curves.
type OAT struct {
	Pass      bool       `json:"pass"`
	Means     [6]float64 `json:"mean_error"` // types I..VI, over the data blocks
	Violation float64    `json:"violation"`  // the summed violations of the ordering (0 when it holds)
}

// SHJOAT returns the ordinal adequacy of the mean errors of SHJ types
// I..VI.
func SHJOAT(means [6]float64) *OAT {
	return &OAT{Pass: curve.SHJOrdinal(means), Means: means, Violation: Violation(means)}
}

// Violation returns by how much mean errors of SHJ types I..VI break the
// ordering I < II < {III, IV, V} < VI: the sum of the positive parts of
// m_I − m_II, m_II − m_j and m_j − m_VI for j in III, IV, V (0 when the
// ordering holds, or ties).
func Violation(m [6]float64) float64 {
	v := math.Max(0, m[0]-m[1])
	for _, mj := range m[2:5] {
		v += math.Max(0, m[1]-mj) + math.Max(0, mj-m[5])
	}
	return v
}

// Keys returns the parameters' keys.
func (p *Problem) Keys() []string {
	out := make([]string, len(p.Params))
	for i, pr := range p.Params {
		out[i] = pr.Key
	}
	return out
}

// Format prints parameter values as key=value pairs.
func (p *Problem) Format(x []float64) string { return FormatPoint(p.Keys(), x) }

// FormatPoint prints the values x of the parameters keys as key=value
// pairs, six significant digits each.
func FormatPoint(keys []string, x []float64) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = keys[i] + "=" + strconv.FormatFloat(v, 'g', 6, 64)
	}
	return strings.Join(parts, " ")
}

// Check reports a problem that cannot be searched: no parameters, bad
// bounds or values, a start outside the bounds, bad search settings.
func (p *Problem) Check() error {
	if len(p.Params) == 0 {
		return fmt.Errorf("%s: no free parameters", p.Name)
	}
	if p.Objective == nil {
		return fmt.Errorf("%s: no objective", p.Name)
	}
	if p.Runs < 1 {
		return fmt.Errorf("%s: runs = %d: want the simulated subjects of every evaluation", p.Name, p.Runs)
	}
	if p.Start != nil && len(p.Start) != len(p.Params) {
		return fmt.Errorf("%s: %d start values for %d parameters", p.Name, len(p.Start), len(p.Params))
	}
	seen := map[string]bool{}
	for i := range p.Params {
		pr := &p.Params[i]
		if seen[pr.Key] {
			return fmt.Errorf("%s: parameter %q appears twice", p.Name, pr.Key)
		}
		seen[pr.Key] = true
		if pr.Discrete() {
			if len(pr.Values) == 0 {
				return fmt.Errorf("%s: parameter %q: empty list of values", p.Name, pr.Key)
			}
			for k, v := range pr.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%s: parameter %q: value %v: want finite numbers", p.Name, pr.Key, v)
				}
				if slices.Contains(pr.Values[:k], v) {
					return fmt.Errorf("%s: parameter %q: value %v is listed twice", p.Name, pr.Key, v)
				}
			}
			continue
		}
		lo, hi := pr.Min, pr.Max
		switch {
		case math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0):
			return fmt.Errorf("%s: parameter %q: bounds [%v, %v]: want finite numbers", p.Name, pr.Key, lo, hi)
		case !(lo < hi):
			return fmt.Errorf("%s: parameter %q: bounds [%v, %v]: want min < max", p.Name, pr.Key, lo, hi)
		case pr.Log && lo <= 0:
			return fmt.Errorf("%s: parameter %q: a log scale needs min > 0 (got %v)", p.Name, pr.Key, lo)
		}
		if p.Start != nil && !(p.Start[i] > lo && p.Start[i] < hi) {
			return fmt.Errorf("%s: parameter %q: start %v is not strictly inside the bounds [%v, %v]", p.Name, pr.Key, p.Start[i], lo, hi)
		}
	}
	return p.Search.Check(len(p.continuous()))
}

// continuous returns the indices of the continuous parameters.
func (p *Problem) continuous() []int {
	var out []int
	for i := range p.Params {
		if !p.Params[i].Discrete() {
			out = append(out, i)
		}
	}
	return out
}

// inside reports whether x lies within the bounds (and a discrete
// parameter's value is one of its values).
func (p *Problem) inside(x []float64) bool {
	for i, pr := range p.Params {
		if pr.Discrete() {
			if !slices.Contains(pr.Values, x[i]) {
				return false
			}
			continue
		}
		if x[i] < pr.Min || x[i] > pr.Max {
			return false
		}
	}
	return true
}

// Search sets how the parameter space is searched.
type Search struct {
	// Grid is the number of points per parameter of a coarse grid
	// evaluated first (0: none); its best points are the starts.
	Grid int `toml:"grid"`
	// Starts is the number of Nelder–Mead searches, from the best grid
	// points (or the default start and random points without a grid).
	Starts int `toml:"starts"`
	// MaxEvals bounds the evaluations of each Nelder–Mead search.
	MaxEvals int `toml:"max_evals"`
	// A search stops when its best loss has improved by less than
	// Tolerance in Stall iterations.
	Tolerance float64 `toml:"tolerance"`
	Stall     int     `toml:"stall"`
	// Restarts is the number of times a converged search starts again
	// from a fresh simplex around its best point (Nelder–Mead's simplex
	// can collapse in a long valley); a restart that improves by less
	// than Tolerance ends the search.
	Restarts int `toml:"restarts"`
	// Simplex is the size of the initial simplex, a fraction of each
	// parameter's range (in its scale).
	Simplex float64 `toml:"simplex"`
}

// Defaults sets the settings left at zero to their defaults: one start,
// 200 evaluations, tolerance 1e-6 over 10 iterations, a simplex of 0.1.
func (s *Search) Defaults() {
	if s.Starts == 0 {
		s.Starts = 1
	}
	if s.MaxEvals == 0 {
		s.MaxEvals = 200
	}
	if s.Tolerance == 0 {
		s.Tolerance = 1e-6
	}
	if s.Stall == 0 {
		s.Stall = 10
	}
	if s.Simplex == 0 {
		s.Simplex = 0.1
	}
}

// Check reports settings that cannot search d continuous parameters.
func (s *Search) Check(d int) error {
	switch {
	case s.Grid < 0 || s.Grid == 1:
		return fmt.Errorf("search.grid = %d: want 0 (no grid) or at least 2 points per parameter", s.Grid)
	case s.Starts < 1:
		return fmt.Errorf("search.starts = %d: want at least 1", s.Starts)
	case s.MaxEvals < 1:
		return fmt.Errorf("search.max_evals = %d: want at least 1", s.MaxEvals)
	case !(s.Tolerance > 0):
		return fmt.Errorf("search.tolerance = %v: want a positive number", s.Tolerance)
	case s.Restarts < 0:
		return fmt.Errorf("search.restarts = %d: want 0 or more", s.Restarts)
	case s.Stall < 1:
		return fmt.Errorf("search.stall = %d: want at least 1 iteration", s.Stall)
	case !(s.Simplex > 0 && s.Simplex <= 0.5):
		return fmt.Errorf("search.simplex = %v: want a fraction of the range in (0, 0.5]", s.Simplex)
	}
	if s.Grid > 0 {
		n := math.Pow(float64(s.Grid), float64(d))
		if n > 100000 {
			return fmt.Errorf("search.grid = %d with %d parameters makes %.0f grid points: want at most 100000", s.Grid, d, n)
		}
		if float64(s.Starts) > n {
			return fmt.Errorf("search.starts = %d: the grid has only %.0f points", s.Starts, n)
		}
	}
	return nil
}
