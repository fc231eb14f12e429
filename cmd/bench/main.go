// Command bench times every model's default config on this machine and
// compares it with the original PyTorch code's per-trial times measured
// here (from the issues of the port), so that speed claims are a command
// away:
//
//	go run ./cmd/bench [-workers 1] [-runs N] [-models dualstream,clustering,…]
//	go run ./cmd/bench -machine   # the yardsticks of the floors in docs/performance.md
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
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
	list := fs.String("models", strings.Join(models.Names(), ","), "comma-separated models to time")
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
	if *mach {
		printMachine(stdout)
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\ttrials\twall\tCPU\tCPU per trial\treplaces\tits time per trial\tspeed-up (CPU)\t")
	for _, name := range strings.Split(*list, ",") {
		m, err := models.Get(strings.TrimSpace(name))
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		p, err := cli.Prepare(m, cli.Options{Runs: *runs, Quiet: true})
		if err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", name, err)
			return 1
		}
		var trials int64
		for _, j := range p.Jobs {
			trials += int64(j.Runs) * int64(j.Blocks) * int64(len(j.Task.Items))
		}
		cpu0, t0 := cpuTime(), time.Now()
		for _, r := range run.Do(context.Background(), p.Jobs, run.Options{Workers: *workers, Release: true}) {
			if r.Err != nil {
				fmt.Fprintf(stderr, "bench: %s: %v\n", name, r.Err)
				return 1
			}
		}
		wall, cpu := time.Since(t0), cpuTime()-cpu0
		per := cpu / time.Duration(trials)
		ref := reference[name]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%.0f×\t\n", name, trials, wall.Round(time.Millisecond),
			cpu.Round(time.Millisecond), fmtDur(float64(cpu)/float64(trials)), ref.name, ref.per, float64(ref.per)/float64(per))
	}
	tw.Flush()
	return 0
}

func fmtDur(ns float64) string {
	if ns < 1000 {
		return fmt.Sprintf("%.0f ns", ns)
	}
	return fmt.Sprintf("%.2f µs", ns/1000)
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
