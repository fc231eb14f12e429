package estimate

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/run"
)

// Options set how a fit runs.
type Options struct {
	Workers int       // parallel runs; 0 means all cores
	Log     io.Writer // one line per evaluation and per search; nil is silent
	// Progress receives the progress of batches of evaluations (the grid,
	// the initial simplexes): runs and trials done, time left; nil is
	// silent.
	Progress io.Writer
}

// Result is a finished fit.
type Result struct {
	Best   Eval          // the lowest loss of the trace at the fit's seed and runs, re-run for its curves
	Starts []StartResult // the Nelder–Mead searches
	// Evaluations counts the trace's evaluations; New those this call
	// ran, and Trials the trials they simulated.
	Evaluations, New int
	Trials           int64
	Elapsed          time.Duration
	Noise            *Noise // the loss of the best parameters at other seeds (nil without noise_seeds)
	// Discrete holds, when some parameters are discrete, the search at
	// every combination of their values (in the order of the values, the
	// first parameter's varying slowest).
	Discrete []DiscreteResult
}

// DiscreteResult is the continuous search at one combination of the
// values of the discrete parameters.
type DiscreteResult struct {
	At     []float64     // the discrete parameters' values, in the order of the parameters
	Best   Eval          // its lowest loss at the fit's seed and runs (no curves)
	Starts []StartResult // its Nelder–Mead searches
}

// StartResult is one Nelder–Mead search.
type StartResult struct {
	From        []float64 `json:"from"`
	FromLoss    float64   `json:"from_loss"`
	To          []float64 `json:"to"`
	Loss        float64   `json:"loss"`
	Evaluations int       `json:"evaluations"` // including the initial simplex, cached ones too
	Status      string    `json:"status"`      // how it stopped (gonum's status), or why it did not run
}

// Noise is the spread of the loss of one parameter set over seeds: how
// much the loss moves when other simulated subjects are drawn.
type Noise struct {
	Seeds []int64     `json:"seeds"`
	SSE   curve.Stats `json:"sse"`
	Loss  curve.Stats `json:"loss"`
}

// searcher evaluates points through the trace and keeps the counts.
type searcher struct {
	ctx  context.Context
	p    *Problem
	sp   *space // the continuous parameters, the discrete ones held
	tr   *Trace
	o    Options
	res  *Result
	best float64
	err  error // the first error that stops the fit
}

// eval returns the evaluations of pts, running those the trace lacks as
// one batch and recording them.
func (s *searcher) eval(pts []Point, phase string, start int) []Eval {
	out := make([]Eval, len(pts))
	var todo []Point
	var at []int
	for i, pt := range pts {
		if e, ok := s.tr.Lookup(pt); ok {
			out[i] = e
			continue
		}
		todo = append(todo, pt)
		at = append(at, i)
	}
	if len(todo) == 0 {
		return out
	}
	t0 := time.Now()
	eo := EvalOptions{Workers: s.o.Workers}
	if s.o.Progress != nil && len(todo) > 1 {
		eo.Progress = run.NewProgress(s.o.Progress, fmt.Sprintf("%s %s (%d evaluations)", s.p.Name, phase, len(todo)))
	}
	evs := s.p.Objective(s.ctx, todo, eo)
	dt := time.Since(t0)
	for k, e := range evs {
		out[at[k]] = e
		if s.ctx.Err() != nil {
			// Interrupted runs are not results: leave them out of the trace.
			s.fail(fmt.Errorf("interrupted: %w", s.ctx.Err()))
			continue
		}
		if err := s.tr.Append(e, phase, start); err != nil {
			s.fail(err)
			continue
		}
		s.res.New++
		s.res.Trials += int64(e.Runs) * s.p.Trials / int64(s.p.Runs)
		if e.Seed == s.p.Seed && e.Runs == s.p.Runs {
			s.best = math.Min(s.best, e.Loss)
		}
		s.logf("eval %d %s%s: loss %s  %s%s  (best %.6g; %s)", s.tr.Len(), phase, startName(start), fmtLoss(e),
			s.p.Format(e.X), oatNote(e), s.best, (dt / time.Duration(len(evs))).Round(time.Millisecond))
	}
	return out
}

func (s *searcher) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *searcher) logf(format string, args ...any) {
	if s.o.Log != nil {
		fmt.Fprintf(s.o.Log, format+"\n", args...)
	}
}

func startName(i int) string {
	if i < 0 {
		return ""
	}
	return fmt.Sprintf(" #%d", i+1)
}

func fmtLoss(e Eval) string {
	if e.Err != nil {
		return "+Inf (" + e.Err.Error() + ")"
	}
	return fmt.Sprintf("%.6g", e.Loss)
}

func oatNote(e Eval) string {
	switch {
	case e.OAT == nil:
		return ""
	case e.OAT.Pass:
		return "  OAT pass"
	}
	return "  OAT fail"
}

// Fit searches the problem's parameter space: the coarse grid (if any),
// then a Nelder–Mead search from each start (the whole search once per
// combination of the values of the discrete parameters), then the noise
// of the best point's loss over further seeds. Evaluations found in tr
// are reused, new ones are appended to it; a nil tr keeps them in memory.
func Fit(ctx context.Context, p *Problem, tr *Trace, o Options) (*Result, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if tr == nil {
		tr = NewTrace(p.Keys())
	}
	t0 := time.Now()
	s := &searcher{ctx: ctx, p: p, tr: tr, o: o, res: &Result{}, best: math.Inf(1)}
	for _, e := range tr.Evals(p.Seed, p.Runs) {
		s.best = math.Min(s.best, e.Loss)
	}
	s.logf("%s: %d free parameters, %d simulated subjects per condition per evaluation (%d trials), seed %d; %d evaluations in the trace",
		p.Name, len(p.Params), p.Runs, p.Trials, p.Seed, tr.Len())
	combos := p.combinations()
	for _, at := range combos {
		s.sp = &space{params: p.Params, cont: p.continuous(), at: at}
		var starts []StartResult
		if len(combos) > 1 {
			s.logf("search at %s", p.FormatDiscrete(p.discreteValues(at)))
		}
		for i, st := range s.starts() {
			if s.err != nil {
				break
			}
			r := s.nelderMead(i, st)
			starts = append(starts, r)
			if s.err != nil {
				break
			}
			s.logf("search #%d: %s after %d evaluations: loss %.6g at %s", i+1, r.Status, r.Evaluations, r.Loss, p.Format(r.To))
		}
		if s.err != nil {
			return nil, s.err
		}
		s.res.Starts = append(s.res.Starts, starts...)
		if len(combos) > 1 {
			dr := DiscreteResult{At: p.discreteValues(at), Starts: starts, Best: Failed(Point{X: at}, nil)}
			if best, ok := s.bestOf(func(x []float64) bool { return p.sameDiscrete(x, at) }); ok {
				dr.Best = best
			}
			s.res.Discrete = append(s.res.Discrete, dr)
		}
	}
	// The best point of the whole trace at the fit's seed and runs, within
	// the bounds (an earlier call may have had wider ones).
	best, ok := s.bestOf(func([]float64) bool { return true })
	if !ok {
		return nil, fmt.Errorf("%s: no evaluation has a finite loss (every point diverged, or was refused)", p.Name)
	}
	again := p.Objective(ctx, []Point{best.Point}, EvalOptions{Workers: o.Workers, PerRun: true})[0]
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if again.Loss != best.Loss {
		return nil, fmt.Errorf("%s: the best point %s gave loss %v in the trace and %v when run again: evaluations are not reproducible (a changed model build?); start afresh", p.Name, p.Format(best.X), best.Loss, again.Loss)
	}
	s.res.Best = again
	if p.NoiseSeeds > 0 {
		var pts []Point
		n := &Noise{}
		for k := 1; k <= p.NoiseSeeds; k++ {
			seed := p.Seed + int64(k)
			n.Seeds = append(n.Seeds, seed)
			pts = append(pts, Point{X: best.X, Seed: seed, Runs: p.Runs})
		}
		evs := s.eval(pts, "noise", -1)
		if s.err != nil {
			return nil, s.err
		}
		var sse, loss []float64
		for _, e := range append(evs, again) {
			sse = append(sse, e.SSE)
			loss = append(loss, e.Loss)
		}
		n.Seeds = append(n.Seeds, p.Seed)
		n.SSE, n.Loss = curve.Summarise(sse), curve.Summarise(loss)
		s.res.Noise = n
	}
	s.res.Evaluations = tr.Len()
	s.res.Elapsed = time.Since(t0)
	return s.res, nil
}

// bestOf returns the evaluation of lowest loss of the trace at the fit's
// seed and runs, within the bounds, among the points keep accepts; false
// when none has a finite loss.
func (s *searcher) bestOf(keep func(x []float64) bool) (Eval, bool) {
	var all []Eval
	for _, e := range s.tr.Evals(s.p.Seed, s.p.Runs) {
		if s.p.inside(e.X) && keep(e.X) {
			all = append(all, e)
		}
	}
	sort.Slice(all, func(a, b int) bool { return less(all[a], all[b]) })
	if len(all) == 0 || math.IsInf(all[0].Loss, 1) {
		return Eval{}, false
	}
	return all[0], true
}

// combinations returns a point for every combination of the discrete
// parameters' values (the first parameter varying slowest), the
// continuous parameters at 0; one point when none is discrete.
func (p *Problem) combinations() [][]float64 {
	out := [][]float64{make([]float64, len(p.Params))}
	for i, pr := range p.Params {
		if !pr.Discrete() {
			continue
		}
		var next [][]float64
		for _, x := range out {
			for _, v := range pr.Values {
				y := append([]float64(nil), x...)
				y[i] = v
				next = append(next, y)
			}
		}
		out = next
	}
	return out
}

// discreteValues returns the values of the discrete parameters in x.
func (p *Problem) discreteValues(x []float64) []float64 {
	var out []float64
	for i, pr := range p.Params {
		if pr.Discrete() {
			out = append(out, x[i])
		}
	}
	return out
}

// sameDiscrete reports whether x and y have the same discrete values.
func (p *Problem) sameDiscrete(x, y []float64) bool {
	for i, pr := range p.Params {
		if pr.Discrete() && x[i] != y[i] {
			return false
		}
	}
	return true
}

// FormatDiscrete prints the values of the discrete parameters (in the
// order of the parameters, as DiscreteResult.At holds them) as
// key=value pairs.
func (p *Problem) FormatDiscrete(at []float64) string {
	var parts []string
	k := 0
	for _, pr := range p.Params {
		if pr.Discrete() {
			parts = append(parts, pr.Key+"="+strconv.FormatFloat(at[k], 'g', -1, 64))
			k++
		}
	}
	return strings.Join(parts, " ")
}

// less orders evaluations by loss, then by parameters (so that ties are
// broken the same way whatever the order of the trace).
func less(a, b Eval) bool {
	if a.Loss != b.Loss {
		return a.Loss < b.Loss
	}
	for i := range a.X {
		if a.X[i] != b.X[i] {
			return a.X[i] < b.X[i]
		}
	}
	return false
}

// starts returns the starting points of the searches, in the unit cube:
// the best points of the grid (with the default start among the
// candidates), or the default start and random points.
func (s *searcher) starts() [][]float64 {
	p := s.p
	d := len(s.sp.cont)
	home := make([]float64, d)
	for k, i := range s.sp.cont {
		home[k] = 0.5
		if p.Start != nil {
			home[k] = p.Params[i].toUnit(p.Start[i])
		}
	}
	var cands [][]float64
	phase := "start"
	if g := p.Search.Grid; g > 0 {
		phase = "grid"
		idx := make([]int, d)
		for {
			t := make([]float64, d)
			for i := range t {
				t[i] = (float64(idx[i]) + 0.5) / float64(g)
			}
			cands = append(cands, t)
			i := d - 1
			for ; i >= 0; i-- {
				if idx[i]++; idx[i] < g {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				break
			}
		}
		cands = append(cands, home)
	} else {
		cands = append(cands, home)
		rng := rand.New(rand.NewPCG(uint64(p.Seed), 0x5eed5))
		for len(cands) < p.Search.Starts {
			t := make([]float64, d)
			for i := range t {
				t[i] = 0.05 + 0.9*rng.Float64()
			}
			cands = append(cands, t)
		}
	}
	pts := make([]Point, len(cands))
	for i, t := range cands {
		pts[i] = Point{X: s.sp.fromUnitCube(t), Seed: p.Seed, Runs: p.Runs}
	}
	evs := s.eval(pts, phase, -1)
	if s.err != nil {
		return nil
	}
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	if p.Search.Grid > 0 {
		sort.SliceStable(order, func(a, b int) bool { return evs[order[a]].Loss < evs[order[b]].Loss })
	}
	var out [][]float64
	seen := map[string]bool{}
	for _, i := range order[:min(len(order), max(p.Search.Starts, 1)+1)] {
		k := pointKey(pts[i])
		if seen[k] || len(out) == p.Search.Starts {
			continue
		}
		seen[k] = true
		out = append(out, cands[i])
	}
	return out
}

// nelderMead runs search number i from the unit-cube point t0: a
// Nelder–Mead search, restarted from a fresh simplex around its best
// point while it converges to a better point (at most search.restarts
// times), within search.max_evals evaluations in all.
func (s *searcher) nelderMead(i int, t0 []float64) StartResult {
	sp := &s.p.Search
	if len(t0) == 0 {
		// Every parameter is discrete: the start is the only point.
		pt := Point{X: s.sp.fromUnitCube(t0), Seed: s.p.Seed, Runs: s.p.Runs}
		e := s.eval([]Point{pt}, "start", i)[0]
		return StartResult{From: pt.X, FromLoss: e.Loss, To: pt.X, Loss: e.Loss, Evaluations: 1, Status: "no search: every parameter is discrete"}
	}
	r := StartResult{}
	budget := sp.MaxEvals
	t := t0
	for round := 0; ; round++ {
		status, x, f, used := s.nmRound(i, t, budget, round)
		if r.Evaluations == 0 {
			r.From, r.FromLoss = x.from, x.fromLoss
			r.To, r.Loss = x.from, x.fromLoss
		}
		r.Evaluations += used
		budget -= used
		improved := f < r.Loss-sp.Tolerance
		if f < r.Loss {
			r.To, r.Loss = x.to, f
		}
		r.Status = status
		if round > 0 {
			r.Status = fmt.Sprintf("%s (%d restarts)", status, round)
		}
		if s.err != nil || status != optimize.FunctionConvergence.String() || round == sp.Restarts ||
			budget <= len(t0) || (round > 0 && !improved) {
			return r
		}
		t = s.sp.toUnitCube(r.To)
	}
}

// nmEnds are where a round of Nelder–Mead began and ended.
type nmEnds struct {
	from, to []float64
	fromLoss float64
}

// nmRound runs one Nelder–Mead search from t0 (unit cube) with at most
// budget evaluations, its initial simplex included; it returns how it
// stopped, where, the loss there and the evaluations it made.
func (s *searcher) nmRound(i int, t0 []float64, budget, round int) (string, nmEnds, float64, int) {
	p := s.p
	sp := s.sp
	d := len(t0)
	// The initial simplex: the start and one step of search.simplex of
	// the range along each axis, upwards (downwards on odd restarts, so
	// that a restart from where a search stopped does not retrace it),
	// turned inwards at a bound; evaluated as one batch.
	step := p.Search.Simplex
	if round%2 == 1 {
		step = -step
	}
	ts := [][]float64{t0}
	for k := range d {
		t := append([]float64(nil), t0...)
		if v := t[k] + step; v > 0.01 && v < 0.99 {
			t[k] = v
		} else {
			t[k] -= step
		}
		ts = append(ts, t)
	}
	pts := make([]Point, len(ts))
	us := make([][]float64, len(ts))
	for k, t := range ts {
		pts[k] = Point{X: sp.fromUnitCube(t), Seed: p.Seed, Runs: p.Runs}
		// Search coordinates of the values actually evaluated, so that the
		// search's vertices map back to exactly these points.
		us[k] = sp.toSearch(pts[k].X)
	}
	phase := "simplex"
	if round > 0 {
		phase = "restart"
	}
	evs := s.eval(pts, phase, i)
	ends := nmEnds{from: pts[0].X, to: pts[0].X, fromLoss: evs[0].Loss}
	used := len(evs)
	if s.err != nil {
		return "interrupted", ends, evs[0].Loss, used
	}
	if math.IsInf(evs[0].Loss, 1) {
		return "not run: the start has no finite loss", ends, evs[0].Loss, used
	}
	vals := make([]float64, len(evs))
	best := evs[0].Loss
	for k, e := range evs {
		vals[k] = e.Loss
		if e.Loss < best {
			best, ends.to = e.Loss, pts[k].X
		}
	}
	nm := &optimize.NelderMead{InitialVertices: us, InitialValues: vals}
	prob := optimize.Problem{
		Func: func(u []float64) float64 {
			used++
			x := sp.fromSearch(u)
			return s.eval([]Point{{X: x, Seed: p.Seed, Runs: p.Runs}}, "nm", i)[0].Loss
		},
		Status: func() (optimize.Status, error) {
			if s.err != nil {
				return optimize.Failure, s.err
			}
			return optimize.NotTerminated, nil
		},
	}
	set := &optimize.Settings{
		InitValues:      &optimize.Location{F: vals[0]},
		FuncEvaluations: max(budget-len(evs), 1),
		Converger:       &optimize.FunctionConverge{Absolute: p.Search.Tolerance, Iterations: p.Search.Stall},
	}
	res, err := optimize.Minimize(prob, us[0], set, nm)
	if err != nil && s.err == nil {
		s.fail(fmt.Errorf("search #%d: %w", i+1, err))
	}
	status := "interrupted"
	if res != nil && s.err == nil {
		status = res.Status.String()
		if res.F < best {
			best, ends.to = res.F, sp.fromSearch(res.X)
		}
	}
	return status, ends, best, used
}
