package fitspec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
)

// Problem is a fit spec made ready to evaluate: the model, the fixed
// config, the data matched to the model's tasks, and how model blocks
// aggregate into data blocks. Everything that can be wrong with a spec is
// found by New, before anything runs.
type Problem struct {
	Spec  *Spec
	Model cli.Model
	Data  *Data
	// Start is the default first start: the params' start values, else
	// the config's values when inside the bounds, else mid-range.
	Start []float64
	// Runs and Seed are the simulated subjects per condition and the
	// random_seed of every evaluation of the search.
	Runs int
	Seed int64
	// Group is the number of model blocks averaged into one data block,
	// and Blocks the model blocks simulated.
	Group, Blocks int
	Tasks         []string // the tasks, in the order of the jobs
	SHJ           bool     // the tasks are the six SHJ problems
	// Checksum identifies what an evaluation computes (model, config,
	// data, loss, tasks, free keys) so that a trace is reused only by the
	// same problem; bounds and search settings do not change a value.
	Checksum string

	ints      []bool           // the free keys that are integers (discrete, set as TOML integers)
	base      map[string]any   // the config
	cond      []int            // the data condition of every job
	trialsEv  int64            // trials of one evaluation at Runs
	phen      *cirp.Phenomenon // the benchmark phenomenon fitted (Spec.Phenomenon), else nil
	orderText string           // the order tables' contents, for the checksum
}

// New checks the spec against its model and data and returns the problem.
func New(s *Spec, m cli.Model) (*Problem, error) {
	if s.Model != m.Name {
		return nil, fmt.Errorf("%s: model = %q, not %q", s.Path, s.Model, m.Name)
	}
	if s.Config == "" {
		return nil, fmt.Errorf("%s: missing key \"config\": the config file that holds the fixed parameters (relative to the spec), e.g. \"../clustering/config1.toml\"", s.Path)
	}
	cpath := s.resolve(s.Config)
	cdata, err := config.ReadFile(cpath)
	if err != nil {
		return nil, fmt.Errorf("%s: config: %w", s.Path, err)
	}
	base, err := keypath.Decode(cpath, cdata)
	if err != nil {
		return nil, fmt.Errorf("%s: config: %w", s.Path, err)
	}
	setup, _, err := keypath.Load(m, cpath, base)
	if err != nil {
		return nil, fmt.Errorf("%s: config: %w", s.Path, err)
	}
	p := &Problem{Spec: s, Model: m, base: base, Runs: s.Runs, Seed: setup.Loop.RandomSeed}
	if p.Runs == 0 {
		p.Runs = setup.Loop.NumRuns
	}
	if s.Seed != nil {
		p.Seed = *s.Seed
	}
	for i := range s.Params {
		pr := &s.Params[i]
		var x float64
		var isInt bool
		if pr.Values != nil {
			x, isInt, err = p.checkDiscrete(pr, cpath)
		} else {
			x, err = p.checkParam(pr, cpath)
		}
		if err != nil {
			return nil, err
		}
		p.Start = append(p.Start, x)
		p.ints = append(p.ints, isInt)
	}
	if s.Phenomenon != "" {
		return p.newPhenomenon()
	}
	if p.Data, err = ReadData(s.resolve(s.Data)); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	// A one-block plan names the tasks and their trials per block.
	plan, _, err := p.plan(p.Start, p.Seed, 1, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: at the start %s: %w", s.Path, p.Format(p.Start), err)
	}
	var tasks []*task.Task
	for _, jb := range plan.Jobs {
		tasks = append(tasks, jb.Task)
		p.Tasks = append(p.Tasks, jb.Task.Name)
	}
	if p.cond, err = p.Data.match(tasks); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	per := len(tasks[0].Items)
	for _, t := range tasks[1:] {
		if len(t.Items) != per {
			return nil, fmt.Errorf("%s: the tasks have blocks of %d and %d trials: a data block cannot match both", s.Path, per, len(t.Items))
		}
	}
	if s.BlockTrials%per != 0 {
		return nil, fmt.Errorf("%s: block_trials = %d is not a multiple of the model's %d trials per block (%d items × %d passes): set passes so that whole model blocks make a data block",
			s.Path, s.BlockTrials, per, len(tasks[0].Items)/max(plan.Setup.Loop.Passes, 1), max(plan.Setup.Loop.Passes, 1))
	}
	p.Group = s.BlockTrials / per
	p.Blocks = p.Data.MaxBlocks() * p.Group
	p.SHJ = isSHJ(tasks)
	if s.Ordinal != OrdinalReport && !p.SHJ {
		return nil, fmt.Errorf("%s: ordinal = %q needs the six SHJ problems (task \"shj\"), not %s", s.Path, s.Ordinal, strings.Join(p.Tasks, ", "))
	}
	p.trialsEv = int64(p.Runs) * int64(p.Blocks) * int64(per) * int64(len(tasks))
	// The full plan at the start checks the run and block counts.
	if _, _, err := p.plan(p.Start, p.Seed, p.Runs, p.Blocks); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	if s.Order != "" {
		// The order table decides the subjects: its content is part of
		// what an evaluation computes.
		if p.orderText, err = orderFiles(s.resolve(s.Order), tasks); err != nil {
			return nil, fmt.Errorf("%s: order: %w", s.Path, err)
		}
	}
	p.Checksum = p.checksum()
	return p, nil
}

// checkParam checks that the config's key is a real-valued parameter the
// model reads and accepts at both bounds and at the start; it returns the
// default start.
func (p *Problem) checkParam(pr *Param, cpath string) (float64, error) {
	s := p.Spec
	old, ok := keypath.Get(p.base, pr.Key)
	if !ok {
		// The TOML decoder matches keys to a model's fields regardless of
		// case, so "phi" beside the config's "Phi" would set the same field
		// twice, and which one wins is not defined.
		if other, found := keypath.Fold(p.base, pr.Key); found {
			return 0, fmt.Errorf("%s: param %q: the config has %q (keys are case-sensitive)", s.Path, pr.Key, other)
		}
	}
	start := math.NaN()
	if ok {
		switch v := old.(type) {
		case float64:
			start = v
		case int64:
			start = float64(v) // a real-valued key written without a decimal point; an integer key fails below
		default:
			return 0, fmt.Errorf("%s: param %q: %s sets it to %s, not a number", s.Path, pr.Key, cpath, keypath.Show(old))
		}
	}
	try := func(what string, v float64) error {
		c := keypath.Clone(p.base)
		if err := keypath.Set(c, pr.Key, v); err != nil {
			return fmt.Errorf("%s: param %q: %w", s.Path, pr.Key, err)
		}
		setup, _, err := keypath.Load(p.Model, cpath+" with "+pr.Key+" = "+strconv.FormatFloat(v, 'g', -1, 64), c)
		if err != nil {
			if !ok {
				return fmt.Errorf("%s: param %q: unknown parameter (the %s config has no such key, and the model refuses it: %v)", s.Path, pr.Key, p.Model.Name, err)
			}
			return fmt.Errorf("%s: param %q at its %s %v: the model refuses it: %w", s.Path, pr.Key, what, v, err)
		}
		if slices.Contains(setup.Ignored, pr.Key) {
			return fmt.Errorf("%s: param %q: the %s model ignores this key (as the original does), so fitting it would change nothing", s.Path, pr.Key, p.Model.Name)
		}
		return nil
	}
	if err := try("min", pr.Lo()); err != nil {
		return 0, err
	}
	if err := try("max", pr.Hi()); err != nil {
		return 0, err
	}
	switch {
	case pr.Start != nil:
		start = *pr.Start
	case !(start > pr.Lo() && start < pr.Hi()):
		ep := pr.engine()
		start = ep.At(0.5)
	}
	return start, nil
}

// checkDiscrete checks that the config's key takes every one of the
// param's values: an integer key only integers, each accepted by the
// model, which must read the key. It returns the default start (the
// config's value when listed, else the first value) and whether the key
// is an integer.
func (p *Problem) checkDiscrete(pr *Param, cpath string) (float64, bool, error) {
	s := p.Spec
	old, ok := keypath.Get(p.base, pr.Key)
	if !ok {
		if other, found := keypath.Fold(p.base, pr.Key); found {
			return 0, false, fmt.Errorf("%s: param %q: the config has %q (keys are case-sensitive)", s.Path, pr.Key, other)
		}
	}
	// The values are set as TOML integers when all are integers and the
	// config has an integer (or nothing) there; otherwise as floats, which
	// the model's Load refuses for an integer key.
	isInt := true
	for _, v := range pr.Values {
		if _, ok := v.(int64); !ok {
			isInt = false
		}
	}
	_, oldInt := old.(int64)
	if ok {
		switch old.(type) {
		case int64:
		case float64:
			isInt = false
		default:
			return 0, false, fmt.Errorf("%s: param %q: %s sets it to %s, not a number", s.Path, pr.Key, cpath, keypath.Show(old))
		}
	}
	for k, val := range pr.Values {
		// Each value as written, so that the one that is not an integer is
		// the one named.
		c := keypath.Clone(p.base)
		if err := keypath.Set(c, pr.Key, val); err != nil {
			return 0, false, fmt.Errorf("%s: param %q: %w", s.Path, pr.Key, err)
		}
		setup, _, err := keypath.Load(p.Model, cpath+" with "+pr.Key+" = "+keypath.Show(val), c)
		if err != nil {
			if !ok {
				return 0, false, fmt.Errorf("%s: param %q: unknown parameter (the %s config has no such key, and the model refuses it: %v)", s.Path, pr.Key, p.Model.Name, err)
			}
			if _, isFloat := pr.Values[k].(float64); isFloat && oldInt {
				return 0, false, fmt.Errorf("%s: param %q: value %s is not an integer, and %s sets this key to the integer %s (the model refuses it: %v): want a list of integers",
					s.Path, pr.Key, keypath.Show(pr.Values[k]), cpath, keypath.Show(old), err)
			}
			return 0, false, fmt.Errorf("%s: param %q at its value %s: the model refuses it: %w", s.Path, pr.Key, keypath.Show(val), err)
		}
		if slices.Contains(setup.Ignored, pr.Key) {
			return 0, false, fmt.Errorf("%s: param %q: the %s model ignores this key (as the original does), so fitting it would change nothing", s.Path, pr.Key, p.Model.Name)
		}
	}
	start := pr.values()[0]
	switch v := old.(type) {
	case int64:
		if slices.Contains(pr.values(), float64(v)) {
			start = float64(v)
		}
	case float64:
		if slices.Contains(pr.values(), v) {
			start = v
		}
	}
	return start, isInt, nil
}

// Config returns the config text with the free parameters set to x (and
// the loop keys to what an evaluation at seed and runs runs), and its
// setup checked by the model's Load.
func (p *Problem) Config(x []float64, seed int64, runs int) ([]byte, *cli.Setup, error) {
	c := keypath.Clone(p.base)
	if err := p.setParams(c, x); err != nil {
		return nil, nil, err
	}
	loop := map[string]any{"random_seed": seed, "num_runs": int64(runs), "num_blocks": int64(max(p.Blocks, 1))}
	if p.Spec.Passes > 0 {
		loop["passes"] = int64(p.Spec.Passes)
	}
	if p.Spec.Task != "" {
		loop["task"] = p.Spec.Task
	}
	for k, v := range loop {
		c[k] = v
	}
	setup, data, err := keypath.Load(p.Model, p.Spec.Name+" at "+p.Format(x), c)
	if err != nil {
		return nil, nil, err
	}
	return data, setup, nil
}

// plan returns the jobs of an evaluation at x.
func (p *Problem) plan(x []float64, seed int64, runs, blocks int) (*cli.Plan, []byte, error) {
	data, setup, err := p.Config(x, seed, runs)
	if err != nil {
		return nil, nil, err
	}
	m := p.Model
	m.Default = func() (*cli.Setup, error) { return setup, nil }
	plan, err := cli.Prepare(m, cli.Options{Task: p.Spec.Task, Runs: runs, Blocks: blocks, Passes: p.Spec.Passes,
		Order: p.Spec.resolve(p.Spec.Order), Seed: &seed, Quiet: true, Out: os.DevNull, Origin: "the fit spec", Limit: p.Spec.Limit})
	if err != nil {
		return nil, nil, err
	}
	return plan, data, nil
}

// orderFiles returns the contents of the order tables of the tasks (the
// path's {t} expanded as the fit command does).
func orderFiles(path string, tasks []*task.Task) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, t := range tasks {
		name := t.Name
		if t.SHJType > 0 {
			name = strconv.Itoa(t.SHJType)
		}
		f := strings.ReplaceAll(path, "{t}", name)
		if seen[f] {
			continue
		}
		seen[f] = true
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s\n", hex.EncodeToString(sum[:]))
	}
	return b.String(), nil
}

// Format prints parameter values as key=value pairs.
func (p *Problem) Format(x []float64) string { return estimate.FormatPoint(p.Spec.Keys(), x) }

// TrialsPerEvaluation returns the trials one evaluation simulates.
func (p *Problem) TrialsPerEvaluation() int64 { return p.trialsEv }

func (p *Problem) checksum() string {
	h := sha256.New()
	text, _ := keypath.Encode(p.base)
	fmt.Fprintf(h, "model %s\nconfig\n%s\ndata\n%s\nblock_trials %d passes %d task %q blocks %d\nloss %s ordinal %s %v\nkeys %q\n",
		p.Model.Name, text, p.Data.checksumText(), p.Spec.BlockTrials, p.Spec.Passes, p.Spec.Task, p.Blocks,
		p.Spec.Loss, p.Spec.Ordinal, p.Spec.OrdinalWeight, p.Spec.Keys())
	if p.orderText != "" {
		fmt.Fprintf(h, "order\n%s", p.orderText)
	}
	if p.phen != nil {
		fmt.Fprintf(h, "phenomenon %s\n", p.phen.Name)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Evaluate runs every point, all their runs on one pool of workers (0:
// all cores), and scores them. A point whose config the model refuses or
// whose runs diverge gets an infinite loss and its error.
func (p *Problem) Evaluate(ctx context.Context, pts []estimate.Point, workers int) []estimate.Eval {
	return p.evaluate(ctx, pts, estimate.EvalOptions{Workers: workers})
}

// InFlight returns how many of the fit's points the memory limit lets it
// evaluate together (at least 1), judged by the start point's estimate,
// and that estimate. A phenomenon fit evaluates its points one after
// another whatever the limit (its count is then math.MaxInt).
func (p *Problem) InFlight() (int, budget.Bytes, budget.Limit, error) {
	lim, err := budget.OrDefault(p.Spec.Limit)
	if err != nil {
		return 1, 0, lim, err
	}
	if p.phen != nil {
		return math.MaxInt, 0, lim, nil
	}
	plan, _, err := p.plan(p.Start, p.Seed, p.Runs, p.Blocks)
	if err != nil {
		return 1, 0, lim, err
	}
	need := cli.Estimate(plan.Setup, plan.Options, plan.Tasks)
	return max(int(lim.Bytes/max(need, 1)), 1), need, lim, nil
}

// evaluate is the problem's objective: Evaluate with the options of the
// search (workers, progress, per-run curves).
func (p *Problem) evaluate(ctx context.Context, pts []estimate.Point, o estimate.EvalOptions) []estimate.Eval {
	if p.phen != nil {
		return p.evaluatePhenomenon(ctx, pts, o.Workers)
	}
	out := make([]estimate.Eval, len(pts))
	var jobs []run.Job
	first := make([]int, len(pts))
	need := make([]budget.Bytes, len(pts)) // what each point's runs hold
	point := []int{}                       // per job, its point
	left := make([]atomic.Int32, len(pts)) // per point, its jobs not done
	for i, pt := range pts {
		out[i] = estimate.Failed(pt, nil)
		first[i] = -1
		plan, _, err := p.plan(pt.X, pt.Seed, pt.Runs, p.Blocks)
		if err != nil {
			out[i].Err = err
			continue
		}
		first[i] = len(jobs)
		jobs = append(jobs, plan.Jobs...)
		need[i] = cli.Estimate(plan.Setup, plan.Options, plan.Tasks)
		left[i].Store(int32(len(plan.Jobs)))
		for range plan.Jobs {
			point = append(point, i)
		}
	}
	// The points evaluated together are bounded by the memory limit
	// together, as a sweep's configs are (budget.Gate): each was checked
	// alone by cli.Prepare.
	lim, err := budget.OrDefault(p.Spec.Limit)
	if err != nil {
		return out // cli.Prepare refused every point with it
	}
	gate := budget.NewGate(lim.Bytes, need)
	for i := range pts {
		if first[i] < 0 {
			gate.Leave(i)
		}
	}
	for j := range jobs {
		jobs[j].New = gate.Guard(ctx, point[j], jobs[j].New)
	}
	ro := run.Options{Workers: o.Workers, Progress: o.Progress, Release: true}
	// The scores read only the curves: every run's model but each job's
	// first (which names its parts) goes back to its package for the next
	// run to reuse (stream.Releaser), as the model commands do.
	ro.Finished = func(_ int, rr *run.RunResult) error {
		if rr.Run == 0 {
			return nil
		}
		if r, ok := rr.Model.(stream.Releaser); ok {
			r.Release()
		}
		rr.Model = nil
		return nil
	}
	var runCurves [][][]float64 // per job, per run, in data blocks
	if o.PerRun {
		runCurves = make([][][]float64, len(jobs))
	}
	ro.Done = func(j int, r *run.Result) {
		if o.PerRun {
			// Every run's curve, taken before Release drops the runs.
			c := make([][]float64, len(r.Runs))
			for k := range r.Runs {
				c[k] = curve.Coarsen(r.Runs[k].PError[r.Total()], p.Group)
			}
			runCurves[j] = c
		}
		if left[point[j]].Add(-1) == 0 {
			gate.Leave(point[j])
		}
	}
	res := run.Do(ctx, jobs, ro)
	for i := range pts {
		if first[i] < 0 {
			continue
		}
		p.score(&out[i], res[first[i]:first[i]+len(p.cond)])
		if o.PerRun && out[i].Err == nil {
			out[i].RunCurves = make([][][]float64, len(p.Data.Conditions))
			for j := range p.cond {
				c := p.cond[j]
				n := len(p.Data.Conditions[c].PError)
				rc := runCurves[first[i]+j]
				for k := range rc {
					rc[k] = rc[k][:n]
				}
				out[i].RunCurves[c] = rc
			}
		}
	}
	return out
}

// score fills e from the finished jobs of its point.
func (p *Problem) score(e *estimate.Eval, res []run.Result) {
	var errs []error
	for j := range res {
		if res[j].Err != nil {
			errs = append(errs, res[j].Err)
		}
	}
	if len(errs) > 0 {
		e.Err = errors.Join(errs...)
		return
	}
	curves := make([][]float64, len(p.Data.Conditions))
	for j := range res {
		c := p.cond[j]
		curves[c] = curve.Coarsen(res[j].PError[res[j].Total()], p.Group)[:len(p.Data.Conditions[c].PError)]
	}
	p.scoreCurves(e, curves)
}

// scoreCurves fills e from the model's curves of every data condition, in
// data blocks: the SSE over every cell (catlearn's ssecl), the RMSE, the
// ordinal adequacy for SHJ, and the loss the search minimises.
func (p *Problem) scoreCurves(e *estimate.Eval, curves [][]float64) {
	e.Curves = curves
	var sse float64
	for c, cond := range p.Data.Conditions {
		for b, h := range cond.PError {
			d := curves[c][b] - h
			sse += d * d
		}
	}
	e.SSE = sse
	e.RMSE = math.Sqrt(sse / float64(p.Data.Cells()))
	e.Loss = sse
	if p.Spec.Loss == LossRMSE {
		e.Loss = e.RMSE
	}
	if p.SHJ {
		e.OAT = p.oat(curves)
		switch p.Spec.Ordinal {
		case OrdinalPenalty:
			e.Loss += p.Spec.OrdinalWeight * e.OAT.Violation
		case OrdinalFilter:
			if !e.OAT.Pass {
				e.Loss = math.Inf(1)
			}
		}
	}
}

// oat returns the ordinal adequacy of the SHJ curves (by data condition).
func (p *Problem) oat(curves [][]float64) *estimate.OAT {
	var means [6]float64
	for c, cond := range p.Data.Conditions {
		typ, _ := strconv.Atoi(strings.TrimPrefix(cond.Name, "shj"))
		var s float64
		for _, v := range curves[c] {
			s += v
		}
		means[typ-1] = s / float64(len(curves[c]))
	}
	return estimate.SHJOAT(means)
}

// setParams sets the free keys of config c to the values x (an integer
// key as a TOML integer).
func (p *Problem) setParams(c map[string]any, x []float64) error {
	for i, pr := range p.Spec.Params {
		var v any = x[i]
		if p.ints[i] {
			v = int64(x[i])
		}
		if err := keypath.Set(c, pr.Key, v); err != nil {
			return fmt.Errorf("%s: %w", pr.Key, err)
		}
	}
	return nil
}

// Estimate returns the problem for the search engine: its parameters,
// search settings, seed and runs, with Evaluate as the objective.
func (p *Problem) Estimate() *estimate.Problem {
	sp := p.Spec
	ep := &estimate.Problem{Name: sp.Name, Start: p.Start, Search: sp.Search, Seed: p.Seed, Runs: p.Runs,
		NoiseSeeds: sp.NoiseSeeds, Objective: p.evaluate, Trials: p.trialsEv}
	for _, pr := range sp.Params {
		ep.Params = append(ep.Params, pr.engine())
	}
	return ep
}

// OpenTrace opens the trace at path of problem p (see estimate.OpenTrace).
func OpenTrace(path string, p *Problem) (*estimate.Trace, error) {
	return estimate.OpenTrace(path, p.Spec.Keys(), p.Checksum)
}

// Fit searches the problem (see estimate.Fit).
func Fit(ctx context.Context, p *Problem, tr *estimate.Trace, o estimate.Options) (*estimate.Result, error) {
	return estimate.Fit(ctx, p.Estimate(), tr, o)
}
