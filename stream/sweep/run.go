package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/run"
)

// RunOptions say which configs of a sweep run, where and how.
type RunOptions struct {
	Out           string // results folder: Out/<config>/ per config, Out/configs/<config>.toml
	Workers       int    // parallel runs; 0 means all cores
	Begin, End    int    // config numbers, inclusive; 0 means no bound
	Shard, Shards int    // run shard Shard of Shards (0 ≤ Shard < Shards; Shards 0 means 1)
	// Limit bounds the memory that the configs in flight together may
	// plan to hold (each config alone is refused beyond it); nil: the
	// default (budget.Default).
	Limit *budget.Limit
	// Log receives one line per config written and a last summary line;
	// nil is silent.
	Log io.Writer
	// ClearLine starts each Log line by clearing the terminal line that
	// a Progress on the same terminal redraws.
	ClearLine bool
	// Progress receives the runs and trials done, the rate and the time
	// left (redrawn on a terminal, periodic lines otherwise); nil is silent.
	Progress io.Writer
}

// Summary counts what happened to the selected configs.
type Summary struct {
	Selected int     // configs in the range and shard
	Skipped  int     // finished before this call (done or diverged)
	Done     int     // written by this call
	Diverged int     // found diverging by this call (recorded as such)
	Failed   []error // configs left unfinished: interrupted, or an error
	// Claimed lists the configs that another sweep into the same folder
	// was running: this call left them to it.
	Claimed []string
	Trials  int64 // trials this call ran
	// InFlight is the most configs whose runs held memory at once, at
	// most what the memory limit holds together (see budget.Gate).
	InFlight int
}

// Unfinished reports whether some selected config is left to do (by
// this call or by another sweep that holds it).
func (s *Summary) Unfinished() bool { return len(s.Failed) > 0 || len(s.Claimed) > 0 }

// pending is a config being run: its plan, the results of its jobs and
// how many jobs are still running.
type pending struct {
	claim *claim
	cfg   *Config
	plan  *cli.Plan
	first int // index of its first job in the sweep's job list
	k     int // its index among the configs to run, its unit at the memory gate
	mu    sync.Mutex
	res   []run.Result
	left  int
}

// Run runs the configs of the sweep that o selects and are not finished
// in o.Out, all their runs on one pool of workers, and writes each config
// as soon as its last run ends. Every selected config is checked and
// prepared before any runs; a finished config (a folder whose marker holds
// the config's checksum) is skipped. A config that diverges is recorded as
// diverged, never as a result, and the others go on. A cancelled ctx
// stops the runs at the next block; configs in flight are then left
// unfinished, to be redone by the next call.
func Run(ctx context.Context, sw *Sweep, o RunOptions) (*Summary, error) {
	if o.Shards == 0 {
		o.Shards = 1
	}
	if err := sw.check(); err != nil {
		return nil, err
	}
	sel, err := sw.Select(o.Begin, o.End, o.Shard, o.Shards)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Selected: len(sel)}
	lim, err := budget.OrDefault(o.Limit)
	if err != nil {
		return nil, err
	}
	model := sw.Model.Name
	if err := output.ReadyRoot(o.Out); err != nil {
		return nil, err
	}
	root := provenance.New("sweep")
	root.Model = model
	root.Config = sw.Source
	if err := MarkRoot(o.Out, root); err != nil {
		return nil, err
	}
	all, err := sw.Select(o.Begin, o.End, 0, 1)
	if err != nil {
		return nil, err
	}
	if err := writePlan(o.Out, Plan{Total: len(all)}); err != nil {
		return nil, err
	}
	cfgDir := filepath.Join(o.Out, "configs")
	var (
		todo []*pending
		jobs []run.Job
		redo []string                // finished configs whose files are missing or differ
		made = map[string][]string{} // revision → finished configs it made
	)
	var claims []*claim
	defer func() {
		for _, cl := range claims {
			cl.release()
		}
	}()
	for i := range sel {
		c := &sel[i]
		if _, err := c.text(); err != nil {
			return nil, fmt.Errorf("%s: %w", sw.Source, err)
		}
		final := filepath.Join(o.Out, c.Name)
		cl, pid, err := claimConfig(o.Out, c.Name)
		if err != nil {
			return nil, err
		}
		if cl == nil {
			holder := "another sweep"
			if pid > 0 {
				holder += fmt.Sprintf(" (process %d)", pid)
			}
			sum.Claimed = append(sum.Claimed, c.Name)
			redo = append(redo, fmt.Sprintf("%s: left to %s running it into %s", c.Name, holder, o.Out))
			continue
		}
		claims = append(claims, cl)
		if err := removeStale(o.Out, cfgDir, c.Name); err != nil {
			return nil, err
		}
		done, damaged := finished(final, c.Checksum(model))
		if done {
			sum.Skipped++
			cl.release()
			if rec, err := provenance.Read(final); err == nil {
				made[rec.Revision] = append(made[rec.Revision], c.Name)
			}
			continue
		}
		if damaged != nil {
			redo = append(redo, fmt.Sprintf("%s: redone: %v", c.Name, damaged))
		}
		if err := output.Ready(final); err != nil {
			return nil, err
		}
		path := filepath.Join(cfgDir, c.Name+".toml")
		if err := WriteFile(path, c.Data); err != nil {
			return nil, err
		}
		plan, err := cli.Prepare(sw.Model, cli.Options{Config: path, Out: final, Workers: o.Workers, Quiet: true, Limit: &lim})
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", sw.Source, c.Name, err)
		}
		p := &pending{claim: cl, cfg: c, plan: plan, first: len(jobs), k: len(todo), res: make([]run.Result, len(plan.Jobs)), left: len(plan.Jobs)}
		todo = append(todo, p)
		jobs = append(jobs, plan.Jobs...)
	}
	owner := make([]*pending, len(jobs))
	need := make([]budget.Bytes, len(todo))
	for _, p := range todo {
		need[p.k] = cli.Estimate(p.plan.Setup, p.plan.Options, p.plan.Tasks)
	}
	gate := budget.NewGate(lim.Bytes, need)
	for _, p := range todo {
		for j := range p.plan.Jobs {
			owner[p.first+j] = p
			jobs[p.first+j].New = gate.Guard(ctx, p.k, jobs[p.first+j].New)
		}
		for _, jb := range p.plan.Jobs {
			sum.Trials += int64(jb.Runs) * int64(jb.Blocks) * int64(len(jb.Task.Items))
		}
	}
	lg := &logger{w: o.Log, clear: o.ClearLine, total: len(sel), done: sum.Skipped}
	for _, s := range redo {
		lg.printf("%s", s)
	}
	if len(todo) > 0 {
		warn, err := mixedRevisions(root.Revision, made, o.Out)
		if err != nil {
			return nil, err
		}
		if warn != "" {
			lg.printf("%s: %s", sw.Name, warn)
		}
	}
	lg.printf("%s: %d configs selected (%s), %d finished before, %d to run (%d trials)",
		sw.Name, len(sel), describe(sw, o), sum.Skipped, len(todo), sum.Trials)
	if len(todo) == 0 {
		return sum, nil
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if n, largest := budget.Fewest(lim.Bytes, need); n < min(workers, len(todo)) {
		lg.printf("%s: the memory limit of %v (%s) holds as few as %d of these configs at once (the largest plans about %v): a config's runs wait until the configs before it leave room, so fewer configs run at once than the %d workers could take",
			sw.Name, lim.Bytes, lim.Source, n, largest, workers)
	}
	var mu sync.Mutex // guards sum
	finish := func(p *pending) {
		status, div, err := p.outcome(ctx)
		if err == nil && status != "" {
			err = p.write(model, status, div)
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			sum.Failed = append(sum.Failed, fmt.Errorf("%s: %w", p.cfg.Name, err))
			lg.line(fmt.Sprintf("%s: not finished: %v", p.cfg.Name, err), false)
		case status == Diverged:
			sum.Diverged++
			lg.line(fmt.Sprintf("%s: diverged at %s", p.cfg.Name, div), true)
		default:
			sum.Done++
			tot := p.res[0].PError[p.res[0].Total()]
			lg.line(fmt.Sprintf("%s: done, area %.4g, final error %.4g", p.cfg.Name, curve.Area(tot), tot[len(tot)-1]), true)
		}
		p.res = nil // the runs' models and curves are no longer needed
		gate.Leave(p.k)
		p.claim.release()
	}
	var prog *run.Progress
	if o.Progress != nil {
		prog = run.NewProgress(o.Progress, sw.Name)
	}
	run.Do(ctx, jobs, run.Options{Workers: o.Workers, Progress: prog, Release: true,
		Done: func(j int, res *run.Result) {
			p := owner[j]
			p.mu.Lock()
			p.res[j-p.first] = *res // keeps the runs that Release drops from run.Do's copy
			p.left--
			last := p.left == 0
			p.mu.Unlock()
			if last {
				finish(p)
			}
		}})
	sum.InFlight = gate.Peak()
	lg.printf("%s: %d configs done, %d diverged, %d finished before, %d unfinished, %d left to another sweep", sw.Name,
		sum.Done, sum.Diverged, sum.Skipped, len(sum.Failed), len(sum.Claimed))
	return sum, nil
}

// outcome decides what a config whose jobs all ended is: Done, Diverged
// (with where), or unfinished ("" with the error, or with a nil error
// when ctx was cancelled).
func (p *pending) outcome(ctx context.Context) (string, *Divergence, error) {
	var firstErr error
	for j := range p.res {
		r := &p.res[j]
		var d *run.Diverged
		if errors.As(r.Err, &d) {
			return p.lowest(ctx, j, d)
		}
		if r.Err != nil && firstErr == nil {
			firstErr = r.Err
		}
	}
	if firstErr != nil {
		if ctx.Err() != nil {
			return "", nil, fmt.Errorf("interrupted: %w", ctx.Err())
		}
		return "", nil, firstErr
	}
	return Done, nil, nil
}

// lowest returns the divergence of the lowest diverging run of job j. The
// pool stops a job's other runs when one diverges, so runs below the one
// reported may have been stopped before they could diverge: they are
// rerun here, alone, to make the record independent of the workers.
func (p *pending) lowest(ctx context.Context, j int, d *run.Diverged) (string, *Divergence, error) {
	jb := p.res[j].Job
	for r := 0; r < d.Run; r++ {
		_, err := run.One(ctx, jb, r, nil, nil)
		var dr *run.Diverged
		if errors.As(err, &dr) {
			d = dr
			break
		}
		if err != nil {
			return "", nil, err
		}
	}
	return Diverged, &Divergence{Task: jb.Task.Name, Run: d.Run, Block: d.Block, Trial: d.Trial, What: d.What}, nil
}

// write writes the config's folder atomically: the fit's files (for a
// done config), the config and the marker, renamed into place together.
func (p *pending) write(model, status string, div *Divergence) error {
	rec := *p.plan.Record
	rec.Tool = "sweep"
	d, err := output.Begin(p.plan.Out, &rec)
	if err != nil {
		return err
	}
	err = func() error {
		if status == Done {
			if err := cli.WriteTo(d, p.plan, p.res); err != nil {
				return err
			}
		}
		if err := os.WriteFile(d.Path("config.toml"), p.cfg.Data, 0o644); err != nil {
			return err
		}
		files, err := hashFiles(d.Path(""))
		if err != nil {
			return err
		}
		return writeMarker(d.Path(MarkerName), &Marker{Config: p.cfg.Name, Number: p.cfg.Number, Model: model,
			Checksum: p.cfg.Checksum(model), Status: status, Grid: p.cfg.Grid, Diverged: div,
			Blocks: p.plan.Setup.Loop.NumBlocks, Files: files})
	}()
	if err != nil {
		d.Abort()
		return err
	}
	return d.Commit()
}

// removeStale removes what a killed run left of config name: hidden
// temporary folders (output.Begin's, recognised by their provenance.json;
// the results an interrupted replace set aside are put back) and temporary
// config files. Only the shard that owns a config touches them.
func removeStale(out, cfgDir, name string) error {
	if err := output.Tidy(filepath.Join(out, name), true); err != nil {
		return err
	}
	for _, pat := range []string{filepath.Join(cfgDir, "."+name+".toml.tmp-*")} {
		stale, err := filepath.Glob(pat)
		if err != nil {
			return err
		}
		for _, s := range stale {
			if err := os.RemoveAll(s); err != nil {
				return fmt.Errorf("removing what a killed run left: %w", err)
			}
		}
	}
	return nil
}

// WriteFile writes data to path atomically (a temporary file renamed into
// place), unless path holds it already.
func WriteFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := output.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// MarkRoot makes the sweep's results folder out recognisably ours: it
// writes rec as its provenance.json unless it has one (the first run's,
// or the Slurm script's, is kept).
func MarkRoot(out string, rec *provenance.Record) error {
	if _, err := provenance.Read(out); err == nil {
		return nil
	}
	if err := os.MkdirAll(out, 0o777); err != nil {
		return fmt.Errorf("results folder %s: %w", out, err)
	}
	return rec.Write(out)
}

// PlanFile, in a sweep's results folder, holds how many configs the sweep
// was asked to run over all its shards, so that a live page can count what
// is left before every shard has written its configs.
const PlanFile = "plan.json"

// Plan is what PlanFile holds.
type Plan struct {
	Total int `json:"total"` // configs selected by -begin and -end, all shards together
}

// writePlan writes out's PlanFile atomically (shards of one sweep write
// the same plan at once).
func writePlan(out string, p Plan) error {
	path := filepath.Join(out, PlanFile)
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f, err := output.CreateTemp(out, "."+PlanFile+".")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadPlan reads the PlanFile of a sweep's results folder dir.
func ReadPlan(dir string) (Plan, error) {
	var p Plan
	path := filepath.Join(dir, PlanFile)
	data, err := budget.ReadFile(path, 1<<16)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("%s: %w", path, err)
	}
	if p.Total < 0 {
		return p, fmt.Errorf("%s: total = %d: want a count of configs", path, p.Total)
	}
	return p, nil
}

// mixedRevisions decides what a resume does with finished configs that
// another revision made (made maps a revision to its configs): when both
// revisions are known and clean, running more configs would mix results of
// two versions of the code in one sweep, so it is an error saying what to
// do; when either is unknown or dirty nobody can tell, and the returned
// line says so.
func mixedRevisions(cur string, made map[string][]string, out string) (string, error) {
	rev, refuse := provenance.Mixed(cur, made)
	if rev == "" {
		return "", nil
	}
	cfgs := made[rev]
	if refuse {
		return "", fmt.Errorf("%s: %d finished configs (%s…) were made by revision %s and this binary is revision %s: finishing the sweep would mix results of two versions of the code; finish it with a build of %s, or write to a new -out (nothing was run)",
			out, len(cfgs), cfgs[0], rev, cur, rev)
	}
	return fmt.Sprintf("note: %d finished configs (%s…) were made by revision %s and this binary is revision %s; they are kept as they are (remove their folders to redo them)",
		len(cfgs), cfgs[0], rev, cur), nil
}

// logger prints a sweep's lines with the count of finished configs.
type logger struct {
	w     io.Writer
	clear bool
	mu    sync.Mutex
	total int
	done  int
}

func (l *logger) printf(format string, args ...any) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.write(fmt.Sprintf(format, args...))
}

// line prints s, counting a config as finished when finished is set.
func (l *logger) line(s string, finished bool) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if finished {
		l.done++
	}
	l.write(fmt.Sprintf("%s [%d/%d configs finished]", s, l.done, l.total))
}

func (l *logger) write(s string) {
	if l.clear {
		s = "\r\033[K" + s
	}
	fmt.Fprintln(l.w, s)
}
