// Package run holds the trial loop of the toolkit: runs × blocks × items of
// a task, every run with a fresh model and its own generators, the runs of
// many jobs spread over a pool of workers. Results are bit-identical
// whatever the number of workers: a run depends only on its job and index,
// and curves are averaged over runs in run order.
package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Job is one config on one task: Runs fresh models trained for Blocks
// blocks each.
type Job struct {
	Name     string // names the job in progress lines and errors (e.g. "shj4")
	Task     *task.Task
	Schedule schedule.Schedule // nil means schedule.Shuffled{}
	Runs     int
	Blocks   int
	Seed     uint64 // the config's random_seed
	Loss     loss.Func
	// New returns a fresh model for run r; src seeds its generators.
	New func(r int, src seed.Source) (stream.Stream, error)
	// Trace records every trial as a CSV row (see TraceHeader).
	Trace bool
}

// RunResult is one run of a job.
type RunResult struct {
	Run      int
	PError   [][]float64 // [part][block]: mean probability of error over the block's trials
	Loss     [][]float64 // [part][block]: mean loss over the block's trials
	Recruits int         // trials on which the recruitment step ran
	Units    []float64   // [block]: the model's recruited units (Active) at the block's end
	// Observed holds, for a model that is a stream.Observer, each of its
	// Observables at every block's end: [quantity][block·size+i].
	Observed [][]float64
	// Model is the trained model; nil once an Options.Finished hook has
	// released it (it then keeps only what the analyses read, in Digest).
	Model stream.Stream
	// Digest is what an Options.Finished hook kept of the model for the
	// analyses of the finished fit (a model's own summary of one run).
	Digest any
	Trace  []byte // CSV rows without header, when Job.Trace
}

// Result is a finished job.
type Result struct {
	Job    *Job
	Parts  []string    // the curves' names: {"total"}, or the parts then "total"
	PError [][]float64 // [part][block], mean over runs
	Loss   [][]float64 // [part][block], mean over runs
	Runs   []RunResult
	Err    error // the first error of any run (a *Diverged, say); the curves are then nil
}

// Total returns the index of the total curve in Parts.
func (r *Result) Total() int { return len(r.Parts) - 1 }

// States returns every run's final state, its arrays by name
// (stream.StateMap), in run order, for the analyses of a finished fit (as
// stream.View shows them: read them, do not modify them); a run without a
// model is an error naming the task and the run.
func (r *Result) States() ([]map[string]stream.Array, error) {
	states := make([]map[string]stream.Array, len(r.Runs))
	for k, rr := range r.Runs {
		if rr.Model == nil {
			return nil, fmt.Errorf("task %s: run %d has no model", r.Job.Task.Name, k)
		}
		states[k] = stream.StateMap(stream.View(rr.Model))
	}
	return states, nil
}

// PerTask applies f to the final states of every run of each result, in
// order: a model's analyses of a finished fit (units recruited, final
// attention, …) are one call of f per task.
func PerTask[S any](res []Result, f func(t *task.Task, states []map[string]stream.Array) (S, error)) ([]S, error) {
	out := make([]S, 0, len(res))
	for i := range res {
		states, err := res[i].States()
		if err != nil {
			return nil, err
		}
		s, err := f(res[i].Job.Task, states)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Diverged reports a run whose logits, loss or gradient stopped being
// finite, or whose model reported a failure of its own learning step
// (a stream.Failer, checked after every Learn).
type Diverged struct {
	Job               string
	Run, Block, Trial int
	What              string
}

func (d *Diverged) Error() string {
	return fmt.Sprintf("%s: run %d diverged at block %d trial %d: %s", d.Job, d.Run, d.Block, d.Trial, d.What)
}

// Options set how Do runs its jobs.
type Options struct {
	Workers  int       // parallel runs; 0 means all cores
	Progress *Progress // nil: silent
	// Done, if set, is called once per job as soon as its last run ends,
	// with the job's finished Result (curves averaged, or Err set), from
	// the worker that ended it: a sweep writes each config as it
	// completes. Calls may come from several goroutines at once.
	Done func(job int, res *Result)
	// Release drops a job's runs (models and traces) after Done returns,
	// so that a long sweep keeps only curves in memory.
	Release bool
	// Finished, if set, is called with every run that ended without error,
	// from the worker that ran it, as soon as it ends: a command writes the
	// run's checkpoint there and may keep a digest of the model and drop
	// it, so that the next run's model reuses its memory (run 0's model
	// must stay: it names the job's parts). An error fails the run's job
	// as a failing run does. Calls may come from several goroutines at
	// once.
	Finished func(job int, rr *RunResult) error
}

// Do runs every run of every job on a pool of workers and returns one
// Result per job, in order. A failing run (an error from New, or a
// divergence) fails its job only; other jobs go on. A cancelled ctx stops
// the runs at the next block and fails the unfinished jobs.
func Do(ctx context.Context, jobs []Job, opt Options) []Result {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type item struct{ job, run int }
	var items []item
	results := make([]Result, len(jobs))
	failed := make([]atomic.Bool, len(jobs))
	errs := make([]error, len(jobs))
	var errMu sync.Mutex
	var totalTrials int64
	for j := range jobs {
		jb := &jobs[j]
		results[j] = Result{Job: jb, Runs: make([]RunResult, jb.Runs)}
		if err := check(jb); err != nil {
			errs[j] = err
			failed[j].Store(true)
			continue
		}
		for r := 0; r < jb.Runs; r++ {
			items = append(items, item{j, r})
		}
		totalTrials += int64(jb.Runs) * int64(jb.Blocks) * int64(len(jb.Task.Items))
	}
	if opt.Progress != nil {
		opt.Progress.start(int64(len(items)), totalTrials)
		defer opt.Progress.stop()
	}
	left := make([]atomic.Int64, len(jobs))
	for j := range jobs {
		left[j].Store(int64(jobs[j].Runs))
	}
	finish := func(j int) {
		if errs[j] != nil {
			results[j].Err = errs[j]
			results[j].Runs = nil
		} else {
			aggregate(&results[j])
		}
		if opt.Done != nil {
			opt.Done(j, &results[j])
		}
		if opt.Release {
			results[j].Runs = nil
		}
	}
	for j := range jobs {
		if errs[j] != nil { // failed its checks: it has no runs to wait for
			finish(j)
		}
	}
	var next atomic.Int64
	work := func() {
		var sc scratch
		for {
			k := int(next.Add(1) - 1)
			if k >= len(items) {
				return
			}
			it := items[k]
			jb := &jobs[it.job]
			if failed[it.job].Load() {
				opt.Progress.skip(int64(jb.Blocks) * int64(len(jb.Task.Items)))
			} else if rr, err := sc.run(ctx, jb, it.job, it.run, opt, &failed[it.job]); err != nil {
				errMu.Lock()
				if errs[it.job] == nil || betterErr(err, errs[it.job]) {
					errs[it.job] = err
				}
				errMu.Unlock()
				failed[it.job].Store(true)
			} else {
				results[it.job].Runs[it.run] = rr
			}
			// The last run of a job finishes it; the atomic counter orders
			// every other run's writes before this point.
			if left[it.job].Add(-1) == 0 {
				finish(it.job)
			}
		}
	}
	// No more workers than runs: -workers 1000000000 must not start a
	// billion goroutines. One worker is the caller itself, without a
	// goroutine to start and wait for (a thread woken and one parked).
	if min(workers, len(items)) <= 1 {
		work()
		return results
	}
	var wg sync.WaitGroup
	for w := 0; w < min(workers, len(items)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	wg.Wait()
	return results
}

// run runs run r of job j and hands it to opt.Finished.
func (sc *scratch) run(ctx context.Context, jb *Job, j, r int, opt Options, stop *atomic.Bool) (RunResult, error) {
	rr, err := sc.one(ctx, jb, r, stop, opt.Progress)
	if err != nil || opt.Finished == nil {
		return rr, err
	}
	if err := opt.Finished(j, &rr); err != nil {
		return RunResult{}, fmt.Errorf("%s: run %d: %w", jb.Name, r, err)
	}
	return rr, nil
}

// betterErr prefers a real failure to the cancellation it caused in
// sibling runs, and among divergences the lowest run.
func betterErr(a, b error) bool {
	if errors.Is(b, errStopped) {
		return true
	}
	var da, db *Diverged
	if errors.As(a, &da) && errors.As(b, &db) {
		return da.Run < db.Run
	}
	return false
}

var errStopped = errors.New("stopped because another run of the job failed")

func check(jb *Job) error {
	switch {
	case jb.Task == nil || len(jb.Task.Items) == 0:
		return fmt.Errorf("%s: no task items", jb.Name)
	case jb.Runs < 1 || jb.Blocks < 1:
		return fmt.Errorf("%s: %d runs × %d blocks: want at least one of each", jb.Name, jb.Runs, jb.Blocks)
	case jb.Loss == nil || jb.New == nil:
		return fmt.Errorf("%s: job without a loss or a model", jb.Name)
	}
	if jb.Schedule != nil {
		if err := jb.Schedule.Check(jb.Runs, jb.Blocks, len(jb.Task.Items)); err != nil {
			return err
		}
	}
	return nil
}

// aggregate averages the runs' curves in run order.
func aggregate(res *Result) {
	first := res.Runs[0]
	nParts := len(first.PError)
	res.Parts = partNames(first.Model)
	res.PError = make([][]float64, nParts)
	res.Loss = make([][]float64, nParts)
	n := float64(len(res.Runs))
	for p := 0; p < nParts; p++ {
		res.PError[p] = make([]float64, len(first.PError[p]))
		res.Loss[p] = make([]float64, len(first.Loss[p]))
		for _, rr := range res.Runs {
			for b := range res.PError[p] {
				res.PError[p][b] += rr.PError[p][b]
				res.Loss[p][b] += rr.Loss[p][b]
			}
		}
		for b := range res.PError[p] {
			res.PError[p][b] /= n
			res.Loss[p][b] /= n
		}
	}
}

func partNames(s stream.Stream) []string {
	if c, ok := s.(stream.Composite); ok {
		return append(append([]string(nil), c.PartNames()...), "total")
	}
	return []string{"total"}
}

// TraceHeader returns the CSV header of a trace of s on a task with the
// given number of classes: for a single stream
// run,block,trial,signature,label,proberror,loss,p0,p1,…,recruited,n_active;
// for a composite, the probability of error and the loss of every part and
// of the total (proberror_fast,proberror_slow,proberror_total,loss_fast,…).
func TraceHeader(s stream.Stream, classes int) string {
	h := "run,block,trial,signature,label"
	parts := partNames(s)
	if len(parts) == 1 {
		h += ",proberror,loss"
		for c := 0; c < classes; c++ {
			h += ",p" + strconv.Itoa(c)
		}
	} else {
		for _, p := range parts {
			h += ",proberror_" + p
		}
		for _, p := range parts {
			h += ",loss_" + p
		}
	}
	return h + ",recruited,n_active"
}

// One trains a fresh model for run r of jb and returns its curves. It
// stops early when stop is set (another run of the job failed) or ctx ends.
func One(ctx context.Context, jb *Job, r int, stop *atomic.Bool, prog *Progress) (RunResult, error) {
	return new(scratch).one(ctx, jb, r, stop, prog)
}

// scratch holds a worker's per-trial buffers, which every run it trains
// reuses: a run's own allocations are its model and its results.
type scratch struct {
	order            []int
	dz, prob, pe, ls []float64
	win              *loss.Window // with a loss.Separable loss
	views            [][]float64
}

// grow returns v with length n, reusing its array when it is long enough.
func grow[T any](v []T, n int) []T {
	if cap(v) < n {
		return make([]T, n)
	}
	return v[:n]
}

// one is One with the buffers of sc.
func (sc *scratch) one(ctx context.Context, jb *Job, r int, stop *atomic.Bool, prog *Progress) (RunResult, error) {
	src := seed.For(jb.Seed, r)
	model, err := jb.New(r, src)
	if err != nil {
		return RunResult{}, fmt.Errorf("%s: run %d: %w", jb.Name, r, err)
	}
	sched := jb.Schedule
	if sched == nil {
		sched = schedule.Shuffled{}
	}
	items := jb.Task.Items
	n := len(items)
	orders := sched.Run(src, n)

	comp, _ := model.(stream.Composite)
	failing, _ := model.(stream.Failer)
	nParts := 1
	if comp != nil {
		nParts = len(comp.PartNames()) + 1
	}
	rr := RunResult{Run: r, Model: model}
	// The curves share one array: a run's results are two allocations
	// whatever its parts.
	curves := make([][]float64, 2*nParts)
	rr.PError, rr.Loss = curves[:nParts:nParts], curves[nParts:]
	blocks := jb.Blocks
	all := make([]float64, (2*nParts+1)*blocks)
	for p := range curves {
		curves[p] = all[p*blocks : (p+1)*blocks : (p+1)*blocks]
	}
	rr.Units = all[2*nParts*blocks:]
	classes := jb.Task.Classes
	order := grow(sc.order, n)
	dz := grow(sc.dz, classes)
	prob := grow(sc.prob, classes)
	pe := grow(sc.pe, nParts)
	ls := grow(sc.ls, nParts)
	sc.order, sc.dz, sc.prob, sc.pe, sc.ls = order, dz, prob, pe, ls
	obs, views := observer(model, &rr, blocks, sc.views)
	sc.views = views
	var trace []byte
	if jb.Trace {
		trace = make([]byte, 0, blocks*n*96)
	}
	// With a loss whose gradient is cheaper alone (loss.Separable), a
	// single stream's trial takes only the gradient, and the loss and the
	// probability of error of every window of trials are taken together
	// when it is full or the run ends (settle), in order, with the same bits
	// and sums: the loss's logarithms are then off the chain each trial
	// waits on. A trial whose logits or gradient are not finite settles at
	// once, the trials before it first, so a divergence is reported at the
	// same trial with the same values as without the window; so do a
	// model's own failure and a halt (cancellation, another run's failure).
	late := loss.Separable(jb.Loss) && comp == nil && !jb.Trace
	settled := 0 // the run's trials whose values are in the curves: b·n + i for trial i of block b
	if late {
		if sc.win == nil {
			sc.win = loss.NewWindow(jb.Loss, classes, window)
		}
		sc.win.Reset(jb.Loss, classes)
	}
	tr := stream.Trial{Run: r}
	for b := 0; b < blocks; b++ {
		halt := ctx.Err()
		if stop != nil && stop.Load() {
			halt = errStopped
		}
		if halt != nil {
			// A divergence among the trials not yet settled came before
			// the halt: the trial loop would have returned it at its trial.
			if late {
				if err := sc.settle(jb, &rr, r, settled); err != nil {
					return RunResult{}, err
				}
			}
			return RunResult{}, halt
		}
		orders.Next(b, order)
		for i, k := range order {
			it := &items[k]
			tr.Block, tr.Index, tr.Item = b, i, k
			tr.Signature, tr.X, tr.Target, tr.Label = it.Signature, it.X, it.Target, it.Label
			z := model.Forward(&tr)
			if late {
				loss.Gradient(jb.Loss, z, it.Target, dz)
				var bad float64
				for c, v := range z {
					bad += v - v + dz[c] - dz[c]
				}
				t := b*n + i
				if bad == 0 {
					if sc.win.Keep(z, it.Target, it.Label) {
						if err := sc.settle(jb, &rr, r, settled); err != nil {
							return RunResult{}, err
						}
						settled = t + 1
					}
					if model.Recruited() {
						rr.Recruits++
					}
					model.Learn(&tr, dz)
					if failing != nil {
						if err := failing.Err(); err != nil {
							if err := sc.settle(jb, &rr, r, settled); err != nil {
								return RunResult{}, err
							}
							return RunResult{}, &Diverged{Job: jb.Name, Run: r, Block: b, Trial: i, What: err.Error()}
						}
					}
					continue
				}
				// Not finite: the trials before settle, and this one takes
				// the loop's own path, which names its values.
				if err := sc.settle(jb, &rr, r, settled); err != nil {
					return RunResult{}, err
				}
				settled = t + 1
			}
			if comp != nil {
				for p, zp := range comp.PartLogits() {
					ls[p], pe[p] = loss.EvalProbError(jb.Loss, zp, it.Target, nil, it.Label, prob)
				}
			}
			t := nParts - 1
			ls[t], pe[t] = loss.EvalProbError(jb.Loss, z, it.Target, dz, it.Label, prob)
			// v − v is 0 for a finite v and NaN otherwise, so the sum of
			// them is NaN exactly when a value is not finite: one test a
			// trial, and the values named once one fails.
			var bad float64
			for p := 0; p < nParts; p++ {
				bad += pe[p] - pe[p] + ls[p] - ls[p]
				rr.PError[p][b] += pe[p]
				rr.Loss[p][b] += ls[p]
			}
			for _, v := range dz {
				bad += v - v
			}
			if bad != 0 {
				return RunResult{}, diverged(jb.Name, r, b, i, z, pe, ls, dz)
			}
			recruited := model.Recruited()
			if recruited {
				rr.Recruits++
			}
			if jb.Trace {
				// prob holds the total's softmax (computed last).
				trace = appendRow(trace, &tr, pe, ls, prob, comp == nil, recruited, model.Active())
			}
			model.Learn(&tr, dz)
			if failing != nil {
				if err := failing.Err(); err != nil {
					return RunResult{}, &Diverged{Job: jb.Name, Run: r, Block: b, Trial: i, What: err.Error()}
				}
			}
		}
		if !late {
			for p := 0; p < nParts; p++ {
				rr.PError[p][b] /= float64(n)
				rr.Loss[p][b] /= float64(n)
			}
		}
		rr.Units[b] = float64(model.Active())
		if obs != nil {
			for q, o := range rr.Observed {
				size := len(o) / blocks
				views[q] = o[b*size : (b+1)*size : (b+1)*size]
			}
			obs.Observe(views)
		}
		prog.add(int64(n))
	}
	if late {
		if err := sc.settle(jb, &rr, r, settled); err != nil {
			return RunResult{}, err
		}
		for b := range blocks {
			rr.PError[0][b] /= float64(n)
			rr.Loss[0][b] /= float64(n)
		}
	}
	prog.runDone()
	if f, ok := model.(stream.Finisher); ok {
		f.Finish()
	}
	rr.Trace = trace
	return rr, nil
}

// window is the number of trials whose losses settle takes together.
const window = 64

// settle adds the losses and the probabilities of error of the trials in
// sc.win, the run's trials from from on (b·n + i for trial i of block b),
// taken together, to the curves of a single stream, in order; it returns
// the divergence of the first whose values are not finite, with its
// gradient, as the trial loop does.
func (sc *scratch) settle(jb *Job, rr *RunResult, r, from int) error {
	n := len(jb.Task.Items)
	ls, pe := sc.win.Settle()
	for i := range ls {
		t := from + i
		if pe[i]-pe[i]+ls[i]-ls[i] != 0 {
			z := sc.win.Logits(i)
			loss.Gradient(jb.Loss, z, sc.win.Target(i), sc.dz)
			return diverged(jb.Name, r, t/n, t%n, z, pe[i:i+1], ls[i:i+1], sc.dz)
		}
		rr.PError[0][t/n] += pe[i]
		rr.Loss[0][t/n] += ls[i]
	}
	return nil
}

// diverged returns the divergence of a trial whose probabilities of
// error, losses or loss gradient are not all finite: the first part whose
// values are not, then the gradient.
func diverged(job string, r, b, i int, z, pe, ls, dz []float64) *Diverged {
	d := &Diverged{Job: job, Run: r, Block: b, Trial: i}
	for p := range pe {
		if !finite(pe[p]) || !finite(ls[p]) {
			d.What = fmt.Sprintf("logits %v, loss %v", z, ls[len(ls)-1])
			return d
		}
	}
	d.What = fmt.Sprintf("loss gradient %v", dz)
	return d
}

// observer returns model as a stream.Observer with quantities to record,
// and allocates rr.Observed for blocks blocks (one array for every
// quantity) and the views that Observe fills at each block's end, in
// views' array when it is long enough; nil if the model observes nothing.
func observer(model stream.Stream, rr *RunResult, blocks int, views [][]float64) (stream.Observer, [][]float64) {
	obs, ok := model.(stream.Observer)
	if !ok {
		return nil, views
	}
	qs := obs.Observables()
	if len(qs) == 0 {
		return nil, views
	}
	size := 0
	for _, o := range qs {
		size += blocks * o.Size
	}
	all := make([]float64, size)
	rr.Observed = make([][]float64, len(qs))
	for q, o := range qs {
		rr.Observed[q], all = all[:blocks*o.Size:blocks*o.Size], all[blocks*o.Size:]
	}
	return obs, grow(views, len(qs))
}

func appendRow(buf []byte, t *stream.Trial, pe, ls, prob []float64, single, recruited bool, active int) []byte {
	buf = strconv.AppendInt(buf, int64(t.Run), 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(t.Block), 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(t.Index), 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(t.Signature), 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(t.Label), 10)
	for _, v := range pe {
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	for _, v := range ls {
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	if single {
		for _, v := range prob {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		}
	}
	rec := byte('0')
	if recruited {
		rec = '1'
	}
	buf = append(buf, ',', rec, ',')
	buf = strconv.AppendInt(buf, int64(active), 10)
	return append(buf, '\n')
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
