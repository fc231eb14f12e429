// Command sweep generates, runs and ranks hyper-parameter sweeps: a grid
// of configs from a template, run on all cores or as a Slurm array,
// resumable, with a ranked report. See -help and docs/cluster.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/fastslow/cmd/internal/sweepspec"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/sweep"
)

const usage = `Usage: sweep <command> [flags]

Commands:
  generate  write one numbered config per combination of a spec's grid
  run       run the configs of a spec or a folder (a range or a shard) on all cores
  slurm     write an sbatch array script whose tasks run the shards of a sweep
  report    rank the finished configs of a results folder, write a CSV and a PNG sheet

A spec is a TOML file: name, model, offset, a template (file or inline
[template]), optional [fixed] key paths, and a [grid] (or several [[grid]])
of key paths → value lists, e.g. fast_config.lr_nn = [0.00075, 0.001].
Run "sweep <command> -help" for the flags of a command.
`

// inBuildCache reports whether the binary at path (absolute) is one that
// the go command built into a temporary or cache folder: a folder named
// go-build… on its path, or GOCACHE (default: the user's cache folder's
// go-build).
func inBuildCache(path string) bool {
	for _, el := range strings.Split(filepath.ToSlash(path), "/") {
		if strings.HasPrefix(el, "go-build") {
			return true
		}
	}
	if c := os.Getenv("GOCACHE"); c != "" && c != "off" {
		if rel, err := filepath.Rel(c, path); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

// defaultOut is a sweep's results folder when -out is not given,
// results/sweeps/<name>, for a name that cannot steer the path elsewhere.
func defaultOut(sw *sweep.Sweep) (string, error) {
	if err := output.CheckName(sw.Name); err != nil {
		return "", fmt.Errorf("%s: sweep name %w: it names the results folder results/sweeps/<name> (or give -out)", sw.Source, err)
	}
	return filepath.Join("results", "sweeps", sw.Name), nil
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// Main runs the command line args; it returns the exit code: 0 done,
// 1 failed or left configs unfinished, 2 bad usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "generate":
		err = generate(args[1:], stdout, stderr)
	case "run":
		err = runCmd(ctx, args[1:], stdout, stderr)
	case "slurm":
		err = slurm(args[1:], stdout, stderr)
	case "report":
		err = report(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "sweep: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(stderr, "sweep %s: %s\n", args[0], ue.msg)
		}
		return 2
	}
	fmt.Fprintf(stderr, "sweep %s: %v\n", args[0], err)
	return 1
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// sets collects repeated -set flags.
type sets []sweep.Value

func (s *sets) String() string { return "" }
func (s *sets) Set(v string) error {
	val, err := sweepspec.ParseSet(v)
	if err != nil {
		return err
	}
	*s = append(*s, val)
	return nil
}

// source is the flags that say which configs a command works on.
type source struct {
	spec, configs, model string
	set                  sets
}

func (s *source) flags(fs *flag.FlagSet) {
	fs.StringVar(&s.spec, "spec", "", "sweep spec `file` (TOML)")
	fs.StringVar(&s.configs, "configs", "", "or a `folder` of configs (*.toml; numbered by their names' trailing integers)")
	fs.StringVar(&s.model, "model", "dualstream", "the configs' model with -configs: "+strings.Join(models.Names(), ", "))
	fs.Var(&s.set, "set", "override `key.path=value` in every config (TOML value; repeatable), e.g. -set num_runs=2")
}

// load reads and checks every config of the source.
func (s *source) load() (*sweep.Sweep, error) {
	switch {
	case (s.spec == "") == (s.configs == ""):
		return nil, usageError{"give either -spec or -configs"}
	case s.spec != "":
		sp, err := sweepspec.ReadSpec(s.spec)
		if err != nil {
			return nil, err
		}
		m, err := models.Get(sp.Model)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.spec, err)
		}
		return sp.Sweep(m, s.set)
	}
	m, err := models.Get(s.model)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return sweepspec.ReadDir(s.configs, m, s.set)
}

// args returns the flags that give the same source to another command.
func (s *source) args() ([]string, error) {
	var out []string
	if s.spec != "" {
		p, err := filepath.Abs(s.spec)
		if err != nil {
			return nil, err
		}
		out = append(out, "-spec", p)
	} else {
		p, err := filepath.Abs(s.configs)
		if err != nil {
			return nil, err
		}
		out = append(out, "-configs", p, "-model", s.model)
	}
	for _, v := range s.set {
		out = append(out, "-set", v.Key+"="+sweepspec.FormatValue(v.Value))
	}
	return out, nil
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (flags only; see -help)", fs.Arg(0))}
	}
	return nil
}

func newFlags(name, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sweep "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sweep %s [flags]\n\n%s\n\nFlags:\n", name, about)
		fs.PrintDefaults()
	}
	return fs
}

func generate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate", "Writes one config per combination of the spec's grid into -dir, named <name>_<n>.toml and numbered\n"+
		"from the spec's offset (or -offset) in the order of the original's config_generator.py: grids in file\n"+
		"order, and within a grid the first key varying slowest. Every config is checked before any is written.", stderr)
	var src source
	fs.StringVar(&src.spec, "spec", "", "sweep spec `file` (TOML)")
	fs.Var(&src.set, "set", "override `key.path=value` in every config (TOML value; repeatable)")
	dir := fs.String("dir", "", "output `folder` (default: configs/<name> beside the results)")
	offset := fs.Int("offset", -1, "number of the first config (default: the spec's offset, else 1)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if src.spec == "" {
		return usageError{"-spec is required"}
	}
	sp, err := sweepspec.ReadSpec(src.spec)
	if err != nil {
		return err
	}
	if *offset >= 0 {
		sp.Offset = *offset
	}
	m, err := models.Get(sp.Model)
	if err != nil {
		return fmt.Errorf("%s: %w", src.spec, err)
	}
	sw, err := sp.Sweep(m, src.set)
	if err != nil {
		return err
	}
	out := *dir
	if out == "" {
		out = filepath.Join("configs", sw.Name)
	}
	n, err := sweepspec.Generate(sw, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d configs (%s..%s) in %s\n", n, sw.Configs[0].Name, sw.Configs[len(sw.Configs)-1].Name, out)
	return nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "Runs the selected configs that are not finished in -out, all their runs on one pool of workers, and\n"+
		"writes each config's folder atomically with a marker (sweep.json) holding the config's checksum: a rerun\n"+
		"skips finished configs and redoes the rest, so a killed sweep loses at most the configs in flight. A config\n"+
		"that diverges is recorded as diverged. Without -shard, inside a Slurm array task the shard is\n"+
		"SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT.", stderr)
	var src source
	src.flags(fs)
	out := fs.String("out", "", "results `folder`: new, empty, or a sweep's results folder to resume (default: results/sweeps/<name>)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel runs")
	begin := fs.Int("begin", 0, "first config `number` (inclusive; 0: the first)")
	end := fs.Int("end", 0, "last config `number` (inclusive; 0: the last)")
	shardFlag := fs.String("shard", "", "run shard `i/n` of the selected configs (the k-th goes to shard k mod n)")
	quiet := fs.Bool("quiet", false, "no progress and no per-config lines")
	memory := fs.String("memory", "", "memory `limit` the configs in flight together may plan to hold, e.g. 64GB (default: $"+budget.EnvVar+", else half the physical memory)")
	if err := parse(fs, args); err != nil {
		return err
	}
	lim, err := budget.FromFlag("-memory", *memory)
	if err != nil {
		return usageError{err.Error()}
	}
	o := sweep.RunOptions{Workers: *workers, Begin: *begin, End: *end, Shards: 1, Limit: &lim}
	if *shardFlag != "" {
		var err error
		if o.Shard, o.Shards, err = sweepspec.ParseShard(*shardFlag); err != nil {
			return usageError{err.Error()}
		}
	} else if i, n, ok, err := sweepspec.ShardFromEnv(); err != nil {
		return err
	} else if ok {
		if n < 1 || i < 0 || i >= n {
			return fmt.Errorf("Slurm array task %d of %d: the shard is outside 0..%d", i, n, n-1)
		}
		o.Shard, o.Shards = i, n
	}
	sw, err := src.load()
	if err != nil {
		return err
	}
	o.Out = *out
	if o.Out == "" {
		if o.Out, err = defaultOut(sw); err != nil {
			return err
		}
	}
	if !*quiet {
		o.Log, o.Progress = stderr, stderr
		o.ClearLine = isTerminal(stderr)
	}
	sum, err := sweep.Run(ctx, sw, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d configs: %d done, %d diverged, %d finished before, %d unfinished, %d left to another sweep; results in %s\n",
		sum.Selected, sum.Done, sum.Diverged, sum.Skipped, len(sum.Failed), len(sum.Claimed), o.Out)
	if len(sum.Claimed) > 0 && len(sum.Failed) == 0 {
		return fmt.Errorf("%d configs are being run by another sweep into %s (%s): left to it; rerun when it ends to check they finished",
			len(sum.Claimed), o.Out, strings.Join(sum.Claimed, ", "))
	}
	if sum.Unfinished() {
		return fmt.Errorf("%d configs unfinished (rerun to resume): %w", len(sum.Failed), errors.Join(sum.Failed...))
	}
	return nil
}

func slurm(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("slurm", "Writes an sbatch script: an array job whose tasks each run one shard of the selected configs with\n"+
		"`sweep run -shard`, on cpus-per-task workers, into one shared results folder (no two tasks write the same\n"+
		"file). Submit it with sbatch; resubmit to finish what a time limit cut short.", stderr)
	var src source
	src.flags(fs)
	out := fs.String("out", "", "shared results `folder`: new, empty, or a sweep's results folder (default: results/sweeps/<name>)")
	begin := fs.Int("begin", 0, "first config `number` (inclusive)")
	end := fs.Int("end", 0, "last config `number` (inclusive)")
	tasks := fs.Int("tasks", 0, "array tasks, i.e. shards (default: one per config)")
	cpus := fs.Int("cpus-per-task", 4, "cpus of each task (its parallel runs)")
	throttle := fs.Int("throttle", 0, "at most this many tasks at once (--array=…%N; 0: no limit)")
	partition := fs.String("partition", "", "partition (default: the cluster's default)")
	timeLimit := fs.String("time", "", "time limit per task, e.g. 1:00:00 (default: the partition's)")
	mem := fs.String("mem", "", "memory per task, e.g. 2G (default: the partition's)")
	bin := fs.String("bin", "", "the sweep `binary` the tasks run (default: this one); not one in the Go build cache (go run's): go build -o first")
	logs := fs.String("logs", "", "`folder` of the tasks' logs (default: <out>/logs)")
	script := fs.String("script", "", "script `file` (default: <out>/<name>.sbatch)")
	if err := parse(fs, args); err != nil {
		return err
	}
	sw, err := src.load()
	if err != nil {
		return err
	}
	sel, err := sw.Select(*begin, *end, 0, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = defaultOut(sw); err != nil {
			return err
		}
	}
	absOut, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	binary := *bin
	if binary == "" {
		if binary, err = os.Executable(); err != nil {
			return err
		}
	}
	if binary, err = filepath.Abs(binary); err != nil {
		return err
	}
	if inBuildCache(binary) {
		what := "-bin " + binary
		if *bin == "" {
			what = "this binary, " + binary + ","
		}
		return usageError{what + " lies in the Go build cache (a `go run` build), which `go clean` deletes and compute nodes do not have: build one first (go build -o sweep ./cmd/sweep) and pass -bin ./sweep"}
	}
	s := sweepspec.Slurm{Name: sw.Name, Tasks: *tasks, Throttle: *throttle, CPUs: *cpus, Time: *timeLimit, Mem: *mem,
		Partition: *partition, Log: *logs, Binary: binary, Configs: len(sel)}
	if s.Tasks <= 0 || s.Tasks > len(sel) {
		s.Tasks = len(sel)
	}
	if s.Log == "" {
		s.Log = filepath.Join(absOut, "logs")
	} else if s.Log, err = filepath.Abs(s.Log); err != nil {
		return err
	}
	if s.Args, err = src.args(); err != nil {
		return err
	}
	s.Args = append(s.Args, "-out", absOut)
	if *begin > 0 {
		s.Args = append(s.Args, "-begin", fmt.Sprint(*begin))
	}
	if *end > 0 {
		s.Args = append(s.Args, "-end", fmt.Sprint(*end))
	}
	text, err := s.Script()
	if err != nil {
		return err
	}
	path := *script
	if path == "" {
		path = filepath.Join(*out, sw.Name+".sbatch")
	}
	if err := output.ReadyRoot(absOut); err != nil {
		return err
	}
	if err := output.Replaceable(path, sweepspec.ScriptMark); err != nil {
		return err
	}
	rec := provenance.New("sweep")
	rec.Model, rec.Config = sw.Model.Name, sw.Source
	if err := sweep.MarkRoot(absOut, rec); err != nil {
		return err
	}
	if err := os.MkdirAll(s.Log, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d configs in %d array tasks; submit with: sbatch %s\n", path, len(sel), s.Tasks, path)
	return nil
}

func report(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "Ranks the finished configs of a results folder by a metric of a learning curve (lower is better),\n"+
		"writes the ranking as CSV with the grid values as columns, prints the top rows and draws the top\n"+
		"configs' curves (fast, slow and total for a dual stream) on one PNG sheet, below the metric against each grid key.", stderr)
	out := fs.String("out", "", "the sweep's results `folder` (as given to sweep run)")
	metric := fs.String("metric", "last:10", "last:N (mean error of the last N blocks), area (area under the curve) or target:file.csv (RMSE to a block,value curve)")
	column := fs.String("curve", "", "the lc.csv curve ranked (default: total for a dual stream, else the only one)")
	top := fs.Int("top", 10, "rows printed")
	sheet := fs.Int("sheet", 9, "configs drawn on the PNG sheet (0: none)")
	csvPath := fs.String("csv", "", "ranking `file` (default: <out>/report_<metric>.csv)")
	pngPath := fs.String("png", "", "sheet `file` (default: <out>/report_<metric>.png)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"-out is required"}
	}
	m, err := sweep.ParseMetric(*metric)
	if err != nil {
		return usageError{err.Error()}
	}
	if *csvPath == "" {
		*csvPath = filepath.Join(*out, "report_"+m.Name+".csv")
	}
	if *pngPath == "" {
		*pngPath = filepath.Join(*out, "report_"+m.Name+".png")
	}
	if err := output.Replaceable(*csvPath, sweep.RankingMark); err != nil {
		return err
	}
	if *sheet > 0 {
		if err := output.Replaceable(*pngPath, output.PNGMagic); err != nil {
			return err
		}
	}
	rk, err := sweep.Report(*out, m, *column)
	if err != nil {
		return err
	}
	if err := rk.WriteCSV(*csvPath); err != nil {
		return err
	}
	rk.Print(stdout, *top)
	fmt.Fprintf(stdout, "ranking in %s\n", *csvPath)
	if *sheet > 0 && len(rk.Rows) > 0 {
		if err := rk.Sheet(*pngPath, *sheet); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the metric against each grid key and the curves of the top %d in %s\n", min(*sheet, len(rk.Rows)), *pngPath)
	}
	if len(rk.Damaged) > 0 {
		return fmt.Errorf("%s: %d damaged folders left out of the ranking (listed above)", *out, len(rk.Damaged))
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
