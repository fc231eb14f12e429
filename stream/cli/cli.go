// Package cli is the command line that every model's fit command and the
// dual stream's main command share: it reads a config, runs every run of
// every task on all cores and writes the results folder.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Model describes a model to the command line; learner.Single makes it
// for a single-stream model from its config type.
type Model struct {
	Name        string // e.g. "clustering"; names the model in messages and summary.json
	Command     string // how it is run, e.g. "go run ./clustering/cmd/fit", for -help
	About       string // one paragraph for -help: what the default run does
	DefaultTask string // the task when neither -task nor the config's task key gives one
	// Default returns the setup of the built-in default config.
	Default func() (*Setup, error)
	// Load returns the setup of the config file at path holding data.
	Load func(path string, data []byte) (*Setup, error)
}

// Setup is a config made ready to run.
type Setup struct {
	Loop    config.Loop // blocks, runs, seed, loss and task
	Config  any         // the parsed config, echoed in summary.json
	Ignored []string    // keys the original ignores that the config has
	// New returns a fresh model for run r of task t.
	New func(t *task.Task, r int, src seed.Source) (stream.Stream, error)
	// Evaluate returns model-specific analyses for summary.json (optional).
	Evaluate func(res []run.Result) map[string]any
	// Report prints model-specific lines after the table of areas (optional).
	Report func(w io.Writer, res []run.Result)
	// Digest returns what Evaluate and Report read of a finished run's
	// model (optional): with it, the command keeps the digest in
	// run.RunResult.Digest and drops the model of every run but the first
	// task's first (which names what the models observe and trace) as soon
	// as its checkpoint is written, so that later runs reuse its memory
	// instead of the fit holding every run's model to the end.
	Digest func(s stream.Stream) (any, error)
	// Memory estimates what one model of task t holds (its state and
	// working arrays), naming the keys that make it large; nil counts
	// no model memory.
	Memory func(t *task.Task) budget.Estimate
}

// Sizer is a model's config that estimates its model's memory on a task:
// every model's keys implement it (it is part of learner.Keys), so that a
// command refuses a size no machine holds before building anything.
type Sizer interface {
	Memory(t *task.Task) budget.Estimate
}

// Options are the command-line settings of one fit run.
type Options struct {
	Config  string // config file; "" for the built-in default
	Task    string
	Order   string // order table CSV ({t} expands to the SHJ type or task name)
	Init    string // initial state .npz ({t}: type or task name, {r}: run)
	Runs    int    // 0: the config's
	Blocks  int    // 0: the config's
	Passes  int    // 0: the config's passes (presentations of every item per block)
	Seed    *int64 // nil: the config's random_seed
	Out     string // "": DefaultOut
	Workers int
	Trace   bool
	NoState bool // write no per-run .npz checkpoints
	Quiet   bool
	// Limit bounds the memory the fit may plan to hold; nil: the default
	// (budget.Default: FASTSLOW_MEMORY, else half the physical memory).
	Limit *budget.Limit
	// Origin names, in messages, what set Runs, Blocks and Passes when
	// not the -runs, -blocks and -passes flags (e.g. "the fit spec"); a
	// caller that sets it with no Config names the file itself.
	Origin string
}

// Main runs the command with os.Args and exits.
func Main(m Model) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Run(ctx, m, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// Run parses args, runs and writes the results; it returns the exit code:
// 0 done, 1 failed (nothing written), 2 bad usage.
func Run(ctx context.Context, m Model, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(m.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Config, "config", "", "config `file` (TOML, the original's YAML keys); default: the built-in config")
	fs.StringVar(&o.Task, "task", "", "task: "+task.Names+" (default: the config's task key, else "+m.DefaultTask+")")
	fs.StringVar(&o.Order, "order", "", "trial order table `csv` (run,block,i0,i1,…); {t} expands to the SHJ type or task name (default: a fresh shuffle per block, seeded by random_seed and the run)")
	fs.StringVar(&o.Init, "init", "", "initial state `npz` of every run (the original's state_dict names); {t} expands to the SHJ type or task name, {r} to the run, e.g. 'dir/type{t}_run{r}_init.npz'")
	fs.IntVar(&o.Runs, "runs", 0, "runs per task (default: the config's num_runs)")
	fs.IntVar(&o.Blocks, "blocks", 0, "blocks per run (default: the config's num_blocks)")
	fs.IntVar(&o.Passes, "passes", 0, "presentations of every item per block, in as many shuffled passes (default: the config's passes, else 1; 2 gives catlearn's 16-trial SHJ blocks)")
	seedFlag := fs.Int64("seed", -1, "random seed, ≥ 0; -1 (the default) is the config's random_seed, other negative seeds are refused")
	fs.StringVar(&o.Out, "out", "", "results `dir`: a new or empty folder, or a results folder of this toolkit to replace (default: results/"+m.Name+"/<config_version>)")
	fs.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "parallel runs")
	fs.BoolVar(&o.Trace, "trace", false, "also write every trial to trace_<task>.csv")
	fs.BoolVar(&o.NoState, "nostate", false, "write no per-run .npz checkpoints (they can be large: 0.5 MB per run for the multi-unit model)")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress lines")
	profile := fs.String("cpuprofile", "", "write the process's CPU profile to a new `file` (for go tool pprof)")
	memory := fs.String("memory", "", "memory `limit` the run may plan to hold, e.g. 64GB (default: $"+budget.EnvVar+", else half the physical memory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\n%s\n\nFlags:\n", m.Command, m.About)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case *seedFlag >= 0:
		o.Seed = seedFlag
	case *seedFlag != -1:
		fmt.Fprintf(stderr, "%s: -seed %d: want a seed ≥ 0, or -1 for the config's random_seed\n", m.Name, *seedFlag)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q (flags only; see -help)\n", m.Name, fs.Arg(0))
		return 2
	}
	lim, err := budget.FromFlag("-memory", *memory)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", m.Name, err)
		return 2
	}
	o.Limit = &lim
	if *profile != "" {
		stop, err := StartProfile(*profile)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", m.Name, err)
			return 1
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", m.Name, err)
			}
		}()
	}
	if err := Execute(ctx, m, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", m.Name, err)
		return 1
	}
	return 0
}

// Plan is a fit made ready to run: the setup with the options applied
// and one job per task.
type Plan struct {
	Model   Model
	Setup   *Setup
	Options Options
	Tasks   []*task.Task
	Jobs    []run.Job
	Out     string
	// Record is what the results folder's provenance.json records; its
	// start time is when Prepare began.
	Record *provenance.Record
}

// Prepare reads the config and every input the options name, so that bad
// input is reported before anything runs.
func Prepare(m Model, o Options) (*Plan, error) {
	rec := provenance.New(m.Name)
	rec.Model = m.Name
	var (
		s    *Setup
		data []byte
		err  error
	)
	if o.Config == "" {
		s, err = m.Default()
		if err == nil {
			data, err = encodeConfig(s.Config)
		}
	} else {
		data, err = config.ReadFile(o.Config)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		s, err = m.Load(o.Config, data)
	}
	if err != nil {
		return nil, err
	}
	rec.SetConfig(o.Config, data)
	lp := &s.Loop
	if o.Runs < 0 || o.Blocks < 0 || o.Workers < 0 || o.Passes < 0 {
		return nil, fmt.Errorf("-runs, -blocks, -passes and -workers must not be negative")
	}
	if o.Passes > 0 {
		lp.Passes = o.Passes
	}
	if o.Runs > 0 {
		lp.NumRuns = o.Runs
	}
	if o.Blocks > 0 {
		lp.NumBlocks = o.Blocks
	}
	if o.Seed != nil {
		lp.RandomSeed = *o.Seed
	}
	if o.Task != "" {
		lp.Task = o.Task
	}
	if lp.Task == "" {
		lp.Task = m.DefaultTask
	}
	name := o.Config
	if name == "" {
		name = "built-in config"
	}
	if err := lp.Check(name); err != nil {
		return nil, err
	}
	// A config_version that cannot name the results folder is refused
	// before the task's files are read.
	version := lp.ConfigVersion
	if version == "" {
		version = m.Name
	}
	if o.Out == "" {
		if err := output.CheckName(version); err != nil {
			return nil, fmt.Errorf("%s: config_version = %w: it names the results folder results/%s/<config_version> (or give -out)", name, err, m.Name)
		}
	}
	lf, err := loss.ByName(lp.LossFn)
	if err != nil {
		return nil, err
	}
	tasks, err := task.Parse(lp.Task)
	if err != nil {
		return nil, err
	}
	lim, err := budget.OrDefault(o.Limit)
	if err != nil {
		return nil, err
	}
	if err := checkMemory(s, o, tasks, lim); err != nil {
		return nil, err
	}
	rec.SetSeed(lp.RandomSeed)
	p := &Plan{Model: m, Setup: s, Options: o, Tasks: tasks, Out: o.Out, Record: rec}
	if p.Out == "" {
		p.Out = DefaultOut(m.Name, version)
	}
	inits := &initCache{files: map[string]map[string]stream.Array{}}
	for _, t := range tasks {
		t := task.Repeat(t, lp.Passes)
		jb := run.Job{Name: t.Name, Task: t, Runs: lp.NumRuns, Blocks: lp.NumBlocks,
			Seed: uint64(lp.RandomSeed), Loss: lf, Trace: o.Trace}
		if lp.Passes > 1 {
			jb.Schedule = schedule.Passes{K: lp.Passes}
		}
		if o.Order != "" {
			tab, err := schedule.ReadTable(expand(o.Order, t, -1))
			if err != nil {
				return nil, err
			}
			if err := tab.Check(lp.NumRuns, lp.NumBlocks, len(t.Items)); err != nil {
				return nil, err
			}
			jb.Schedule = tab
		}
		initPath := o.Init
		if initPath != "" {
			for r := 0; r < lp.NumRuns; r++ {
				path := expand(initPath, t, r)
				if _, err := os.Stat(path); err != nil {
					return nil, fmt.Errorf("-init: %w", err)
				}
				if !strings.Contains(initPath, "{r}") {
					break
				}
			}
		}
		jb.New = func(r int, src seed.Source) (stream.Stream, error) {
			s, err := s.New(t, r, src)
			if err != nil {
				return nil, err
			}
			if initPath != "" {
				path := expand(initPath, t, r)
				st, err := inits.get(path)
				if err != nil {
					return nil, err
				}
				if err := s.SetState(st); err != nil {
					return nil, fmt.Errorf("-init %s: %w", path, err)
				}
			}
			return s, nil
		}
		// Build run 0's model now, so that a config that does not fit the
		// task (or an -init file that does not fit the model) is reported
		// before anything runs; its memory goes to the runs' models.
		m0, err := jb.New(0, seed.For(jb.Seed, 0))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		if r, ok := m0.(stream.Releaser); ok {
			r.Release()
		}
		p.Jobs = append(p.Jobs, jb)
	}
	return p, nil
}

// Execute prepares, runs and writes the results of one config.
func Execute(ctx context.Context, m Model, o Options, stdout, stderr io.Writer) error {
	p, err := Prepare(m, o)
	if err != nil {
		return err
	}
	if err := output.Ready(p.Out); err != nil {
		return err
	}
	if len(p.Setup.Ignored) > 0 {
		fmt.Fprintf(stderr, "%s: ignoring keys the original ignores too: %s\n", m.Name, strings.Join(p.Setup.Ignored, ", "))
	}
	var prog *run.Progress
	if !o.Quiet {
		prog = run.NewProgress(stderr, m.Name)
	}
	// The results folder is begun before the runs, so that each run's
	// checkpoint is written as the run ends; it is committed only when
	// every run succeeded and every file is written.
	d, err := output.Begin(p.Out, p.Record)
	if err != nil {
		return err
	}
	res := run.Do(ctx, p.Jobs, run.Options{Workers: o.Workers, Progress: prog, Finished: p.Finished(d)})
	var errs []error
	for _, r := range res {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	if len(errs) > 0 {
		d.Abort()
		return fmt.Errorf("nothing written: %w", errors.Join(errs...))
	}
	if err := writeTo(d, p, res, false); err != nil {
		d.Abort()
		return err
	}
	if err := d.Commit(); err != nil {
		return err
	}
	PrintTable(stdout, res)
	if p.Setup.Report != nil {
		p.Setup.Report(stdout, res)
	}
	fmt.Fprintf(stdout, "results in %s\n", p.Out)
	return nil
}

// DefaultOut is the results folder of a model's config when -out is not
// given, one rule for every model: results/<model>/<config_version>.
func DefaultOut(model, configVersion string) string {
	return filepath.Join("results", model, configVersion)
}

// encodeConfig is a built-in config as TOML, what its checksum is of.
func encodeConfig(cfg any) ([]byte, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return nil, fmt.Errorf("built-in config: %w", err)
	}
	return buf.Bytes(), nil
}

// expand replaces {t} by the SHJ type (or the task name) and {r} by run.
func expand(path string, t *task.Task, r int) string {
	name := t.Name
	if t.SHJType > 0 {
		name = strconv.Itoa(t.SHJType)
	}
	path = strings.ReplaceAll(path, "{t}", name)
	if r >= 0 {
		path = strings.ReplaceAll(path, "{r}", strconv.Itoa(r))
	}
	return path
}

type initCache struct {
	mu    sync.Mutex
	files map[string]map[string]stream.Array
}

func (c *initCache) get(path string) (map[string]stream.Array, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.files[path]; ok {
		return st, nil
	}
	st, err := npz.Read(path)
	if err != nil {
		return nil, fmt.Errorf("-init: %w", err)
	}
	c.files[path] = st
	return st, nil
}
