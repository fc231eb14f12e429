package fitspec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
)

// phenomenonData returns a phenomenon's human data as the fit's data: one
// condition per condition of the phenomenon (named after it, or after the
// phenomenon when it has one unnamed condition), its cells in the human
// data's order as the "blocks".
func phenomenonData(ph *cirp.Phenomenon) *Data {
	d := &Data{Source: "cirp:" + ph.Name}
	for _, c := range ph.Conditions {
		cond := Condition{Name: condName(ph, c)}
		for _, h := range ph.Human {
			if h.Cond == c.Name {
				cond.PError = append(cond.PError, h.Value)
			}
		}
		d.Conditions = append(d.Conditions, cond)
	}
	return d
}

func condName(ph *cirp.Phenomenon, c *cirp.Condition) string {
	if c.Name == "" {
		return ph.Name
	}
	return c.Name
}

// newPhenomenon finishes New for a spec that fits a benchmark phenomenon
// (stream/cirp): every condition's trial list, the first Runs of
// catlearn's simulated subjects, with the config's shape keys set to the
// condition's.
func (p *Problem) newPhenomenon() (*Problem, error) {
	s := p.Spec
	ph, err := cirp.ByName(s.Phenomenon)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	p.phen = ph
	p.Data = phenomenonData(ph)
	if s.Runs == 0 {
		p.Runs = 0 // every subject of catlearn's lists
	}
	for _, c := range ph.Conditions {
		p.Tasks = append(p.Tasks, c.Task(ph.Name).Name)
		if p.Runs <= 0 || p.Runs > c.List.Subjects {
			p.Runs = c.List.Subjects
		}
	}
	for _, c := range ph.Conditions {
		p.trialsEv += int64(len(c.List.Head(p.Runs).Trials))
		if _, err := p.phenomenonSetup(p.Start, c, 1); err != nil {
			return nil, fmt.Errorf("%s: at the start %s: %w", s.Path, p.Format(p.Start), err)
		}
	}
	p.Checksum = p.checksum()
	return p, nil
}

// phenomenonSetup returns the setup of condition c at x: the config with
// the free parameters at x and the shape keys set to c's, checked by the
// model's Load, its memory with workers subjects at once checked against
// the limit, and a learner made for c's task (so that a config that cannot
// take it fails here).
func (p *Problem) phenomenonSetup(x []float64, c *cirp.Condition, workers int) (*cli.Setup, error) {
	cfg := keypath.Clone(p.base)
	if err := p.setParams(cfg, x); err != nil {
		return nil, err
	}
	if _, err := keypath.SetShape(cfg, c.List.Dims, c.List.Classes, len(c.Stimuli)); err != nil {
		return nil, err
	}
	name := p.Spec.Name + " at " + p.Format(x)
	setup, _, err := keypath.Load(p.Model, name, cfg)
	if err != nil {
		return nil, err
	}
	t := c.Task(p.phen.Name)
	if setup.Memory != nil {
		// Each worker holds a subject's model, beside the one made here,
		// and the run holds every trial's probabilities.
		lim, err := budget.OrDefault(p.Spec.Limit)
		if err != nil {
			return nil, err
		}
		m := setup.Memory(t)
		n := min(max(workers, 1), c.List.Subjects) + 1
		need := budget.Sum(m.Bytes.Times(n), budget.Floats(len(c.List.Trials), c.List.Classes))
		what := fmt.Sprintf("%s, condition %s: %d models of %v at once", name, c.Name, n, m.Bytes)
		if m.Keys != "" {
			what += " (" + m.Keys + ")"
		}
		if err := lim.Check(what, need); err != nil {
			return nil, err
		}
	}
	if _, err := setup.New(t, 0, seed.For(uint64(p.Seed), 0)); err != nil {
		return nil, err
	}
	return setup, nil
}

// evaluatePhenomenon evaluates the points of a phenomenon fit one after
// another, each condition's subjects in parallel on workers goroutines.
func (p *Problem) evaluatePhenomenon(ctx context.Context, pts []estimate.Point, workers int) []estimate.Eval {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([]estimate.Eval, len(pts))
	for i, pt := range pts {
		e := &out[i]
		*e = estimate.Failed(pt, nil)
		cells, err := p.phenomenonCells(ctx, pt, workers)
		if err != nil {
			e.Err = err
			continue
		}
		curves := make([][]float64, len(p.Data.Conditions))
		at := make(map[[2]string]float64, len(cells))
		for _, c := range cells {
			at[[2]string{c.Cond, c.Item}] = c.Value
		}
		for ci, c := range p.phen.Conditions {
			for _, h := range p.phen.Human {
				if h.Cond == c.Name {
					curves[ci] = append(curves[ci], at[[2]string{h.Cond, h.Item}])
				}
			}
		}
		p.scoreCurves(e, curves)
		pass, _, err := p.phen.OAT(cells)
		if err != nil {
			e.Err = err
			e.Loss = math.Inf(1)
			continue
		}
		e.OAT = &estimate.OAT{Pass: pass}
		if p.Spec.Ordinal == OrdinalFilter && !pass {
			e.Loss = math.Inf(1)
		}
	}
	return out
}

// phenomenonCells runs the first pt.Runs subjects of every condition at
// pt and returns the phenomenon's dependent measure.
func (p *Problem) phenomenonCells(ctx context.Context, pt estimate.Point, workers int) ([]cirp.Cell, error) {
	var res []*triallist.Result
	for _, c := range p.phen.Conditions {
		setup, err := p.phenomenonSetup(pt.X, c, workers)
		if err != nil {
			return nil, err
		}
		lf, err := loss.ByName(setup.Loop.LossFn)
		if err != nil {
			return nil, err
		}
		t := c.Task(p.phen.Name)
		r, err := triallist.Run(ctx, c.List.Head(pt.Runs), triallist.Options{Name: t.Name, Seed: uint64(pt.Seed), Loss: lf, Workers: workers,
			New: func(s int, src seed.Source) (stream.Stream, error) { return setup.New(t, s, src) }})
		if err != nil {
			if ctx.Err() != nil {
				return nil, errors.Join(err, ctx.Err())
			}
			return nil, err
		}
		res = append(res, r)
	}
	return p.phen.Cells(res)
}
