// Command phenomena runs learners on the field's benchmark phenomena of
// category learning (catlearn's CIRPs: stream/cirp) and writes a
// scoreboard: for each phenomenon and learner, whether it passes the
// ordinal adequacy test, its SSE against the human data, its parameters
// and its time, with the human data's own OAT as a row and a figure per
// phenomenon:
//
//	go run ./cmd/phenomena [-models catlearn,clustering,…] [-phenomena shin92,…] [-subjects N] [-out DIR]
//
// The learners are catlearn's own simulations (its ALCOVE variants and
// EXIT, with its default parameters) and the toolkit's models with their
// built-in configs (the registry's defaults, the same as the shipped
// configs, so that the command runs from any folder) or -config files,
// whose shape keys (in_features, n_dims, input_size, n_classes,
// output_size, max_num_clusters) are set to each condition's with -adapt
// (the default); a learner that cannot take a phenomenon is listed with
// the reason.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/triallist"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(command(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// configFlags collects -config model=path flags.
type configFlags map[string]string

func (c configFlags) String() string { return fmt.Sprint(map[string]string(c)) }

func (c configFlags) Set(s string) error {
	name, path, ok := strings.Cut(s, "=")
	if !ok || name == "" || path == "" {
		return fmt.Errorf("-config %q: want model=path, e.g. clustering=configs/clustering/config1.toml", s)
	}
	c[name] = path
	return nil
}

// allModels is the default -models list.
const allModels = "catlearn,alcove,sustain,clustering,multiunit,distrlearner,dnn,dualstream"

func command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("phenomena", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.String("models", allModels, "comma-separated learners: catlearn (its ALCOVE and EXIT simulations) and the toolkit's models")
	phen := fs.String("phenomena", strings.Join(cirp.Names, ","), "comma-separated phenomena")
	subjects := fs.Int("subjects", 0, "simulated subjects per condition (0: all of catlearn's, 100; 56 for krus96)")
	workers := fs.Int("workers", runtime.NumCPU(), "subjects run in parallel (results do not depend on it)")
	out := fs.String("out", "results/phenomena", "results folder (written atomically)")
	adapt := fs.Bool("adapt", true, "set each config's shape keys to the condition's dimensions and categories")
	quiet := fs.Bool("quiet", false, "no progress lines")
	trials := fs.Bool("trials", false, "also write every trial's response probabilities: trials/<phenomenon>_<learner>_<condition>.csv.gz")
	configs := configFlags{}
	fs.Var(configs, "config", "model=path: the config a toolkit model runs with (repeatable; default: its built-in config, the shipped one's twin)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./cmd/phenomena [flags]\n\nRuns learners on catlearn's benchmark phenomena and writes a scoreboard\n(OAT pass/fail, SSE against the human data, parameters, time), the\ndependent measures and a figure per phenomenon into the results folder.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "phenomena: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *subjects < 0 || *workers < 1 {
		fmt.Fprintln(stderr, "phenomena: -subjects must be ≥ 0 and -workers ≥ 1")
		return 2
	}
	ls, err := learners(*list, configs, *adapt)
	if err != nil {
		fmt.Fprintln(stderr, "phenomena:", err)
		return 2
	}
	var phens []*cirp.Phenomenon
	for _, name := range strings.Split(*phen, ",") {
		p, err := cirp.ByName(strings.TrimSpace(name))
		if err != nil {
			fmt.Fprintln(stderr, "phenomena:", err)
			return 2
		}
		phens = append(phens, p)
	}
	// The results folder must be one we may write, before anything runs.
	if err := output.Ready(*out); err != nil {
		fmt.Fprintln(stderr, "phenomena:", err)
		return 1
	}
	rec := provenance.New("phenomena")
	progress := stderr
	if *quiet {
		progress = io.Discard
	}
	b, err := score(ctx, phens, ls, *subjects, *workers, progress)
	if b != nil {
		b.Trials = *trials
	}
	if err != nil {
		fmt.Fprintln(stderr, "phenomena:", err)
		return 1
	}
	if err := b.write(*out, rec); err != nil {
		fmt.Fprintln(stderr, "phenomena:", err)
		return 1
	}
	b.markdown(stdout)
	fmt.Fprintf(stdout, "\nwritten to %s\n", *out)
	return 0
}

// row is one line of the scoreboard.
type row struct {
	Phenomenon, Model, Params string
	Status                    string // "ok", "human", or why there is no result
	OAT                       bool
	HasOAT                    bool
	SSE                       float64
	Seconds                   float64
	Cells, Summary            []cirp.Cell
	Results                   []*triallist.Result // one per condition
}

// board is the scoreboard.
type board struct {
	Phenomena []*cirp.Phenomenon
	Rows      []row
	Subjects  int
	Trials    bool // write every trial (row.Results)
}

// score runs every learner on every phenomenon it is meant for.
func score(ctx context.Context, phens []*cirp.Phenomenon, ls []learner, subjects, workers int, progress io.Writer) (*board, error) {
	b := &board{Phenomena: phens, Subjects: subjects}
	for _, p := range phens {
		pass, summary, err := p.OAT(p.Human)
		if err != nil {
			return nil, err
		}
		b.Rows = append(b.Rows, row{Phenomenon: p.Name, Model: "human data", Status: "human", OAT: pass, HasOAT: true,
			Cells: p.Human, Summary: summary})
		for _, l := range ls {
			if l.Takes != nil && !l.Takes(p) {
				continue
			}
			r := row{Phenomenon: p.Name, Model: l.Name, Params: l.Params}
			start := time.Now()
			res, err := l.Run(ctx, p, subjects, workers)
			r.Seconds = time.Since(start).Seconds()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var div *run.Diverged
			switch {
			case errors.As(err, &div):
				r.Status = "diverged: " + div.Error()
			case err != nil:
				r.Status = err.Error()
			default:
				r.Status = "ok"
				if r.Cells, err = p.Cells(res); err != nil {
					return nil, err
				}
				if r.SSE, err = cirp.SSE(r.Cells, p.Human); err != nil {
					return nil, err
				}
				if r.OAT, r.Summary, err = p.OAT(r.Cells); err != nil {
					return nil, err
				}
				r.HasOAT = true
				r.Results = res
			}
			fmt.Fprintf(progress, "%-8s %-28s %6.1fs  %s\n", p.Name, l.Name, r.Seconds, r.verdict())
			b.Rows = append(b.Rows, r)
		}
	}
	return b, nil
}

// verdict says the row's result in a few words.
func (r *row) verdict() string {
	switch {
	case r.Status == "human":
		return fmt.Sprintf("OAT %s", passFail(r.OAT))
	case r.Status != "ok":
		return r.Status
	}
	return fmt.Sprintf("OAT %s, SSE %.4f", passFail(r.OAT), r.SSE)
}

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "fail"
}
