// Command bench times every model's default config on this machine and
// compares it with the code it replaces, so that speed claims are a
// command away:
//
//	go run ./cmd/bench [-workers 1] [-runs N | -min-cpu 2s] [-models dualstream,clustering,…]
//	go run ./cmd/bench -original DIR [-python python3] [-rounds 3] [-original-trials 500]
//	go run ./cmd/bench -machine   # the yardsticks of the floors in docs/performance.md
//
// Without -original, the time per trial of the code replaced is a constant
// measured earlier on this machine kind (reference). With -original, a
// checkout of the original PyTorch code (don-tpanic/thinking_fast_and_slow),
// each model the original has is timed beside ours in the same run: a
// Python process runs original.py, which imports the original's own modules
// and calls them trial by trial, and the rounds alternate, ours, then a
// slice of the original's trials with autograd's anomaly detection (as its
// scripts run), then without it, so that both see the same load. The
// toolkit never needs Python otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// reference holds, per model, the time per trial of the implementation it
// replaces, measured on this kind of machine (one thread): the original
// PyTorch code for its models, catlearn for SUSTAIN (plain R, called per
// simulated subject), ALCOVE and EXIT (C++ through Rcpp). EXIT's is
// catlearn's whole krus96exit simulation, 1.47 s elapsed for its 7,728
// trials (the training list the default config runs, plus 18 test trials
// per subject), so it includes R's handling of the list.
var reference = map[string]struct {
	per  time.Duration
	name string
}{
	"clustering":   {4560 * time.Microsecond, "original"},
	"dnn":          {1790 * time.Microsecond, "original"},
	"multiunit":    {3540 * time.Microsecond, "original"},
	"distrlearner": {3200 * time.Microsecond, "original"},
	"dualstream":   {4900 * time.Microsecond, "original"},
	"sustain":      {420 * time.Microsecond, "catlearn (R)"},
	"alcove":       {11 * time.Microsecond, "catlearn (C++)"},
	"exit":         {190 * time.Microsecond, "catlearn (C++)"},
}

func main() { os.Exit(command(os.Args[1:], os.Stdout, os.Stderr)) }

func command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workers := fs.Int("workers", 1, "parallel runs (1 times one core)")
	runs := fs.Int("runs", 0, "runs per task (default: each config's)")
	minCPU := fs.Duration("min-cpu", 0, "run each model's whole config again until it has spent at least this much CPU time (e.g. 2s), so that a small config is timed with its own runs; 0 runs it once")
	list := fs.String("models", strings.Join(models.Names(), ","), "comma-separated models to time")
	orig := fs.String("original", "", "a checkout of the original (don-tpanic/thinking_fast_and_slow): time its models beside ours, interleaved, in this run")
	python := fs.String("python", "python3", "with -original: the Python 3 that has PyTorch, numpy and PyYAML")
	rounds := fs.Int("rounds", 3, "with -original: rounds of ours, then the original with and without anomaly detection")
	origTrials := fs.Int("original-trials", 500, "with -original: the original's trials per round (whole blocks, its config's blocks per run at most)")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole command to this new file (for go tool pprof; an existing file is refused, not replaced)")
	mach := fs.Bool("machine", false, "measure this machine's yardsticks instead (scalar FMA rate, in-cache vector step, 16 MB read and update bandwidth), on CPU time")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./cmd/bench [flags]\n\nTimes the default config of each model (nothing is written) and prints\nthe time per trial beside the original's.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *prof != "" {
		stop, err := cli.StartProfile(*prof)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintln(stderr, "bench:", err)
			}
		}()
	}
	if *minCPU < 0 {
		fmt.Fprintf(stderr, "bench: -min-cpu %v: want 0 or more\n", *minCPU)
		return 2
	}
	if *mach {
		printMachine(stdout)
		return 0
	}
	var root, script string
	if *orig != "" {
		if *rounds < 1 || *origTrials < 1 {
			fmt.Fprintf(stderr, "bench: -rounds %d, -original-trials %d: want both ≥ 1\n", *rounds, *origTrials)
			return 2
		}
		var err error
		if root, err = filepath.Abs(*orig); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		for _, name := range strings.Split(*list, ",") {
			if o, ok := originals[strings.TrimSpace(name)]; ok {
				if err := o.check(root); err != nil {
					fmt.Fprintln(stderr, "bench:", err)
					return 2
				}
			}
		}
		dir, err := os.MkdirTemp("", "bench-original-")
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		script = filepath.Join(dir, "original.py")
		if err := os.WriteFile(script, driver, 0o644); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
	}
	load0 := loadAverage()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\ttrials\twall\tCPU\tCPU per trial\treplaces\tits time per trial\tspeed-up (CPU)\t")
	var side []sideBySide
	for _, name := range strings.Split(*list, ",") {
		name = strings.TrimSpace(name)
		m, err := models.Get(name)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		p, err := cli.Prepare(m, cli.Options{Runs: *runs, Quiet: true, NoState: true})
		if err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", name, err)
			return 1
		}
		o, ok := originals[name]
		if root == "" || !ok {
			t, err := timeOurs(p, *workers, *minCPU)
			if err != nil {
				fmt.Fprintf(stderr, "bench: %s: %v\n", name, err)
				return 1
			}
			ref := reference[name]
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.0f×\t\n", name, t.trials, t.wall.Round(time.Millisecond),
				t.cpu.Round(time.Millisecond), fmtDur(float64(t.cpu)/float64(t.trials)), ref.name, ref.per, float64(ref.per)/float64(t.per()))
			continue
		}
		sb, err := interleave(p, *workers, *python, script, root, o, *rounds, *origTrials)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", name, err)
			return 1
		}
		sb.name = name
		side = append(side, sb)
		var t timing
		for _, r := range sb.ours {
			t.trials, t.wall, t.cpu = t.trials+r.trials, t.wall+r.wall, t.cpu+r.cpu
		}
		ratio, _, _ := ratios(sb.ours, sb.asRun)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.0f×\t\n", name, t.trials, t.wall.Round(time.Millisecond),
			t.cpu.Round(time.Millisecond), fmtDur(float64(sb.oursPer())), "original (this run)",
			fmtDur(float64(median(sb.asRun, round.perTrial))), ratio)
	}
	tw.Flush()
	if len(side) > 0 {
		printSideBySide(stdout, side, root, load0, loadAverage())
	}
	return 0
}

// timing is the time one model's default config took.
type timing struct {
	trials    int64
	wall, cpu time.Duration
}

// per returns the CPU time per trial.
func (t timing) per() time.Duration { return t.cpu / time.Duration(t.trials) }

// timeOurs runs p's jobs on workers as the model command does with
// -nostate -quiet (each finished run handed to the command's own hook:
// the model's digest taken, the model released), as many times as it
// takes to spend at least minCPU of CPU time, and returns the time they
// took.
func timeOurs(p *cli.Plan, workers int, minCPU time.Duration) (timing, error) {
	var per int64
	for _, j := range p.Jobs {
		per += int64(j.Runs) * int64(j.Blocks) * int64(len(j.Task.Items))
	}
	var t timing
	cpu0, t0 := cpuTime(), time.Now()
	for t.trials == 0 || cpuTime()-cpu0 < minCPU {
		for _, r := range run.Do(context.Background(), p.Jobs, run.Options{Workers: workers, Release: true, Finished: p.Finished(nil)}) {
			if r.Err != nil {
				return t, r.Err
			}
		}
		t.trials += per
	}
	t.wall, t.cpu = time.Since(t0), cpuTime()-cpu0
	return t, nil
}

func fmtDur(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.2f ms", ns/1e6)
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
