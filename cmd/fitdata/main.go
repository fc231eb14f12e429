// Command fitdata fits a model's parameters to human learning curves: a
// fit spec (TOML) names the model, the config holding the fixed
// parameters, the free parameters with their bounds, the data
// (condition,block,p_error) and the loss; the command searches with a
// coarse grid and multi-start Nelder–Mead, every evaluation on all cores,
// records every evaluation in a trace it resumes from, and writes the best
// parameters, the fitted curves against the data and the ordinal adequacy.
// (It is not the models' own cmd/fit, which runs one config.)
//
//	go run ./cmd/fitdata -spec configs/fits/clustering_nosof94.toml
//	go run ./cmd/fitdata -spec configs/fits/clustering_nosof94.toml -check
//	go run ./cmd/fitdata -spec configs/fits/alcove_nosof94.toml -at c=5.8219,phi=1.9539 -seeds 10
//	go run ./cmd/fitdata -plot fits.png results/fits/clustering_nosof94 results/fits/sustain_nosof94
//
// See docs/fitting.md.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fastslow/cmd/internal/fitspec"
	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	code := command(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

const usage = `Usage: go run ./cmd/fitdata -spec fit.toml [flags]

Fits a model's free parameters to human learning curves (see docs/fitting.md).
With no mode flag it searches, appending every evaluation to <out>.trace.csv
(an interrupted fit resumes from it: rerun the same command), and writes
<out>/ with fit.json, best.toml, curves.csv, fit.png and trace.csv.

-check only checks the spec, its config and its data and prints the plan.
-at key=value,… evaluates the loss there (unnamed keys: the start values),
at -seeds seeds and for every -runs count: the noise of the loss; with
-vs key=value,… also the paired differences of the loss between two points
on the same simulated subjects; with -simulate file.csv it writes the model's
curves as data (a parameter recovery study).

-plot out.png dir… draws finished fits (results folders) side by side.

Flags:
`

// command runs the command; it returns the exit code: 0 done, 1 failed,
// 2 bad usage.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fitdata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "fit spec `file` (TOML; see configs/fits/)")
	out := fs.String("out", "", "results `dir`: a new or empty folder, or a results folder of this toolkit to replace (default: results/fits/<name>)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel runs")
	fresh := fs.Bool("fresh", false, "ignore and replace an earlier trace instead of resuming from it")
	check := fs.Bool("check", false, "check the spec, config and data, print the plan, run nothing")
	at := fs.String("at", "", "evaluate at `key=value,…` instead of searching")
	seeds := fs.Int("seeds", 1, "with -at: seeds to evaluate (the spec's seed and the next ones)")
	runsList := fs.String("runs", "", "with -at: comma-separated simulated subjects per condition (default: the spec's runs)")
	seed := fs.Int64("seed", -1, "with -at: the first seed, ≥ 0; -1 (the default) is the spec's, other negative seeds are refused")
	vs := fs.String("vs", "", "with -at: also evaluate at `key=value,…` on the same seeds and print the differences of the loss (common random numbers)")
	simulate := fs.String("simulate", "", "with -at: write the model's curves (the first -runs count, -seed) as a data `csv` for a recovery study")
	quiet := fs.Bool("quiet", false, "no line per evaluation")
	memory := fs.String("memory", "", "memory `limit` the evaluations in flight together may plan to hold, e.g. 64GB (default: $"+budget.EnvVar+", else half the physical memory)")
	plotPath := fs.String("plot", "", "draw the fits of the results `png` folders given as arguments side by side (no -spec)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *plotPath != "" {
		if fs.NArg() == 0 || *specPath != "" {
			fmt.Fprintln(stderr, "fitdata: -plot out.png takes results folders as arguments, and no -spec")
			return 2
		}
		if err := output.Replaceable(*plotPath, output.PNGMagic); err != nil {
			fmt.Fprintf(stderr, "fitdata: -plot: %v\n", err)
			return 1
		}
		if err := plotFits(*plotPath, fs.Args()); err != nil {
			fmt.Fprintf(stderr, "fitdata: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "plot in %s\n", *plotPath)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fitdata: unexpected argument %q (flags only; see -help)\n", fs.Arg(0))
		return 2
	}
	if *specPath == "" {
		fmt.Fprintln(stderr, "fitdata: -spec is required (a fit spec; see configs/fits/ and docs/fitting.md)")
		return 2
	}
	if *seed < -1 {
		fmt.Fprintf(stderr, "fitdata: -seed %d: want a seed ≥ 0, or -1 for the spec's seed\n", *seed)
		return 2
	}
	if *workers < 0 || *seeds < 1 {
		fmt.Fprintln(stderr, "fitdata: -workers must not be negative and -seeds must be at least 1")
		return 2
	}
	if *at == "" && (*runsList != "" || *seeds != 1 || *seed >= 0 || *vs != "" || *simulate != "") {
		fmt.Fprintln(stderr, "fitdata: -runs, -seeds, -seed, -vs and -simulate go with -at")
		return 2
	}
	lim, err := budget.FromFlag("-memory", *memory)
	if err != nil {
		fmt.Fprintf(stderr, "fitdata: %v\n", err)
		return 2
	}
	p, err := prepare(*specPath, lim)
	if err != nil {
		fmt.Fprintf(stderr, "fitdata: %v\n", err)
		return 1
	}
	if *out == "" {
		*out = filepath.Join("results", "fits", p.Spec.Name)
	}
	switch {
	case *check:
		printPlan(stdout, p, *out)
		return 0
	case *at != "":
		a := atOptions{at: *at, vs: *vs, seeds: *seeds, seed: *seed, runs: *runsList, simulate: *simulate, workers: *workers}
		if err := evaluateAt(ctx, p, a, stdout); err != nil {
			fmt.Fprintf(stderr, "fitdata: %v\n", err)
			return 1
		}
		return 0
	}
	if err := search(ctx, p, *out, *fresh, *workers, *quiet, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "fitdata: %v\n", err)
		return 1
	}
	return 0
}

// plotFits draws the fits of the results folders dirs side by side.
func plotFits(path string, dirs []string) error {
	var panels []*fitspec.Panel
	for _, d := range dirs {
		pn, err := fitspec.ReadPanel(d)
		if err != nil {
			return err
		}
		panels = append(panels, pn)
	}
	return fitspec.PlotPanels(path, panels)
}

// prepare reads and checks the spec, its model, config and data.
func prepare(path string, lim budget.Limit) (*fitspec.Problem, error) {
	s, err := fitspec.ReadSpec(path)
	if err != nil {
		return nil, err
	}
	s.Limit = &lim
	m, err := models.Get(s.Model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fitspec.New(s, m)
}

func printPlan(w io.Writer, p *fitspec.Problem, out string) {
	s := p.Spec
	if s.Phenomenon != "" {
		fmt.Fprintf(w, "fit %s: model %s, config %s, phenomenon %s (%d conditions, %d cells of its measure)\n",
			s.Name, p.Model.Name, s.Config, s.Phenomenon, len(p.Data.Conditions), p.Data.Cells())
		fmt.Fprintf(w, "trial lists %s (catlearn's); %d subjects per condition, seed %d; %d trials per evaluation\n",
			strings.Join(p.Tasks, " "), p.Runs, p.Seed, p.TrialsPerEvaluation())
	} else {
		fmt.Fprintf(w, "fit %s: model %s, config %s, data %s (%d conditions, %d cells, blocks of %d trials)\n",
			s.Name, p.Model.Name, s.Config, p.Data.Source, len(p.Data.Conditions), p.Data.Cells(), s.BlockTrials)
		fmt.Fprintf(w, "tasks %s; %d model blocks, %d per data block; %d subjects per condition, seed %d; %d trials per evaluation\n",
			strings.Join(p.Tasks, " "), p.Blocks, p.Group, p.Runs, p.Seed, p.TrialsPerEvaluation())
	}
	if s.Order != "" {
		fmt.Fprintf(w, "trial orders from %s (every seed sees the same subjects)\n", s.Order)
	}
	fmt.Fprintf(w, "loss %s, ordinal %s\n", s.Loss, s.Ordinal)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "parameter\tmin\tmax\tscale\tstart\t")
	continuous, combos := 0, 1
	var discrete []string
	for i, pr := range s.Params {
		if pr.Values != nil {
			fmt.Fprintf(tw, "%s\tone of %s\t\tvalues\t%.6g\t\n", pr.Key, keypath.Show(pr.Values), p.Start[i])
			discrete = append(discrete, pr.Key)
			combos *= len(pr.Values)
			continue
		}
		continuous++
		fmt.Fprintf(tw, "%s\t%g\t%g\t%s\t%.6g\t\n", pr.Key, pr.Lo(), pr.Hi(), pr.Scale, p.Start[i])
	}
	tw.Flush()
	sr := s.Search
	grid := "no grid"
	if sr.Grid > 0 {
		grid = fmt.Sprintf("a grid of %d points per parameter (%.0f points)", sr.Grid, math.Pow(float64(sr.Grid), float64(continuous)))
	}
	fmt.Fprintf(w, "search: %s, %d Nelder–Mead starts of at most %d evaluations (stop after %d iterations improving by < %g)\n",
		grid, sr.Starts, sr.MaxEvals, sr.Stall, sr.Tolerance)
	if combos > 1 || len(discrete) > 0 {
		fmt.Fprintf(w, "the search is repeated at each of the %d combinations of the values of %s\n", combos, strings.Join(discrete, ", "))
	}
	fmt.Fprintf(w, "results in %s, trace %s\n", out, out+".trace.csv")
}

// atOptions are the flags of -at.
type atOptions struct {
	at, vs         string
	seeds          int
	seed           int64
	runs, simulate string
	workers        int
}

// pointBytes bounds what one planned evaluation holds until it runs (its
// config, setup, tasks, jobs and result), for the budget of -seeds.
const pointBytes = 64 << 10

// evaluateAt evaluates the loss at a.at (and a.vs) for every runs count
// and seed, and prints the mean and spread (and those of the paired
// differences).
func evaluateAt(ctx context.Context, p *fitspec.Problem, a atOptions, w io.Writer) error {
	x, err := parsePoint(p, a.at, "-at")
	if err != nil {
		return err
	}
	if a.simulate != "" {
		if err := output.Replaceable(a.simulate, fitspec.SimulatedMark); err != nil {
			return fmt.Errorf("-simulate: %w", err)
		}
	}
	var y []float64
	if a.vs != "" {
		if y, err = parsePoint(p, a.vs, "-vs"); err != nil {
			return err
		}
	}
	seed0 := p.Seed
	if a.seed >= 0 {
		seed0 = a.seed
	}
	runs := []int{p.Runs}
	if a.runs != "" {
		runs = nil
		for _, r := range strings.Split(a.runs, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(r))
			if err != nil || n < 1 {
				return fmt.Errorf("-runs %q: want positive integers separated by commas", a.runs)
			}
			runs = append(runs, n)
		}
	}
	// Every seed's evaluation is planned at once: refuse more seeds than
	// the memory holds before making their points.
	lim, err := budget.OrDefault(p.Spec.Limit)
	if err != nil {
		return err
	}
	points := a.seeds
	if y != nil {
		points *= 2
	}
	if err := lim.Check(fmt.Sprintf("-seeds %d", a.seeds), budget.Mul(points, pointBytes)); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s at %s\n", p.Spec.Name, p.Format(x))
	if y != nil {
		fmt.Fprintf(w, "vs %s (difference = loss at -at − loss at -vs, same seeds)\n", p.Format(y))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := fmt.Sprintf("subjects\tseeds\t%s mean\tSD\tmin\tmax\tOAT passes\t", p.Spec.Loss)
	if y != nil {
		head += "difference mean\tSD\t"
	}
	fmt.Fprintln(tw, head+"seconds\t")
	var means [][6]float64
	for ri, r := range runs {
		var pts []estimate.Point
		for k := range a.seeds {
			pts = append(pts, estimate.Point{X: x, Seed: seed0 + int64(k), Runs: r})
		}
		if y != nil {
			for k := range a.seeds {
				pts = append(pts, estimate.Point{X: y, Seed: seed0 + int64(k), Runs: r})
			}
		}
		t0 := time.Now()
		evs := p.Evaluate(ctx, pts, a.workers)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("interrupted: %w", err)
		}
		for _, e := range evs {
			if e.Err != nil {
				return fmt.Errorf("at %s: %w", p.Format(e.X), e.Err)
			}
		}
		if ri == 0 && a.simulate != "" {
			if err := p.WriteData(a.simulate, evs[0]); err != nil {
				return err
			}
		}
		var loss, diff []float64
		oat := 0
		for k, e := range evs[:a.seeds] {
			loss = append(loss, e.Loss)
			if e.OAT != nil && e.OAT.Pass {
				oat++
			}
			if y != nil {
				diff = append(diff, e.Loss-evs[a.seeds+k].Loss)
			}
		}
		if evs[0].OAT != nil && p.SHJ {
			means = append(means, evs[0].OAT.Means)
		}
		l := curve.Summarise(loss)
		line := fmt.Sprintf("%d\t%d\t%.5g\t%.2g\t%.5g\t%.5g\t%d/%d\t", r, a.seeds, l.Mean, l.SD, l.Min, l.Max, oat, a.seeds)
		if y != nil {
			d := curve.Summarise(diff)
			line += fmt.Sprintf("%.3g\t%.2g\t", d.Mean, d.SD)
		}
		fmt.Fprintf(tw, "%s%.2f\t\n", line, time.Since(t0).Seconds())
	}
	tw.Flush()
	for i, m := range means {
		fmt.Fprintf(w, "mean errors I..VI at %d subjects, seed %d: %.4f %.4f %.4f %.4f %.4f %.4f\n", runs[i], seed0, m[0], m[1], m[2], m[3], m[4], m[5])
	}
	if a.simulate != "" {
		fmt.Fprintf(w, "simulated data (%d subjects, seed %d) in %s\n", runs[0], seed0, a.simulate)
	}
	return nil
}

// parsePoint reads key=value,… over the start values.
func parsePoint(p *fitspec.Problem, spec, flagName string) ([]float64, error) {
	x := append([]float64(nil), p.Start...)
	keys := p.Spec.Keys()
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok {
			return nil, fmt.Errorf("%s %q: want key=value,…", flagName, kv)
		}
		i := indexOf(keys, k)
		if i < 0 {
			return nil, fmt.Errorf("%s: %q is not a free parameter of %s (want one of %s)", flagName, k, p.Spec.Path, strings.Join(keys, ", "))
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %q is not a number", flagName, k, v)
		}
		if pr := p.Spec.Params[i]; pr.Values != nil && !slices.Contains(p.Estimate().Params[i].Values, f) {
			return nil, fmt.Errorf("%s %s = %v: want one of its values %s", flagName, k, f, keypath.Show(pr.Values))
		}
		x[i] = f
	}
	return x, nil
}

func indexOf(keys []string, k string) int {
	for i, v := range keys {
		if v == k {
			return i
		}
	}
	return -1
}

// mixedRevisions decides whether a fit may resume from the trace at path,
// whose evaluations the revisions in made recorded: when this binary's
// revision cur and another are both known and clean, resuming would mix
// two versions of the code in one fit, an error saying what to do; when
// either is unknown or qualified nobody can tell, and the note says what
// is reused.
func mixedRevisions(cur, path string, made map[string][]string) (string, error) {
	rev, refuse := provenance.Mixed(cur, made)
	switch {
	case refuse:
		return "", fmt.Errorf("trace %s holds evaluations made by revision %s and this binary is revision %s: resuming would mix results of two versions of the code; resume with a build of %s, or start afresh with -fresh (nothing was run)",
			path, rev, cur, rev)
	case rev != "":
		return fmt.Sprintf("note: %s holds evaluations made by revision %s and this binary is revision %s; they are reused as they are (-fresh to redo them)",
			path, rev, cur), nil
	}
	return "", nil
}

// search runs the fit, resuming from the trace, and writes the results.
func search(ctx context.Context, p *fitspec.Problem, out string, fresh bool, workers int, quiet bool, stdout, stderr io.Writer) error {
	rec := provenance.New("fitdata")
	rec.Model = p.Model.Name
	spec, err := os.ReadFile(p.Spec.Path)
	if err != nil {
		return fmt.Errorf("fit spec: %w", err)
	}
	rec.SetConfig(p.Spec.Path, spec)
	rec.SetSeed(p.Seed)
	if err := output.Ready(out); err != nil {
		return err
	}
	tracePath := filepath.Clean(out) + ".trace.csv"
	if err := os.MkdirAll(filepath.Dir(tracePath), 0o755); err != nil {
		return err
	}
	if fresh {
		if err := estimate.Replaceable(tracePath); err != nil {
			return err
		}
		if err := os.Remove(tracePath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	tr, err := fitspec.OpenTrace(tracePath, p)
	if err != nil {
		return err
	}
	defer tr.Close()
	if tr.Len() > 0 {
		note, err := mixedRevisions(rec.Revision, tracePath, tr.Made)
		if err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintf(stderr, "fitdata: %s\n", note)
		}
		fmt.Fprintf(stderr, "fitdata: resuming from %s (%d evaluations)\n", tracePath, tr.Len())
	}
	if err := tr.Mark(rec.Revision); err != nil {
		return err
	}
	if n, need, lim, err := p.InFlight(); err != nil {
		return err
	} else if w := cmp.Or(workers, runtime.GOMAXPROCS(0)); n < w && !quiet {
		points := "points"
		if n == 1 {
			points = "point"
		}
		fmt.Fprintf(stderr, "fitdata: the memory limit of %v (%s) holds %d %s at once (each plans about %v): a point's runs wait until the points before it leave room, so fewer than the %d workers may be busy\n",
			lim.Bytes, lim.Source, n, points, need, w)
	}
	o := estimate.Options{Workers: workers}
	if !quiet {
		o.Log, o.Progress = stderr, stderr
	}
	r, err := fitspec.Fit(ctx, p, tr, o)
	if err != nil {
		return fmt.Errorf("%w (the evaluations so far are in %s; rerun to resume)", err, tracePath)
	}
	if err := fitspec.Write(out, p, r, tracePath, rec); err != nil {
		return err
	}
	fitspec.PrintResult(stdout, p, r)
	fmt.Fprintf(stdout, "results in %s\n", out)
	return nil
}
