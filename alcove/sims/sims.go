// Package sims holds catlearn's ALCOVE simulations of the field's
// benchmark phenomena (package stream/cirp) as the R package runs them:
// exemplar ALCOVE with a hidden node on every stimulus (Euclidean r = 2
// for the MDS spaces of shin92 and nosof88, city-block r = 1 for the
// binary SHJ stimuli), prototype ALCOVE with a node on each category's
// prototype (the mean of its training items, weighted by their
// presentation frequency), and the background-noise ALCOVE of Nosofsky et
// al. (1994), each with catlearn's default parameters (its archived best
// fits).
package sims

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fastslow/alcove/layers"
	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
)

// Fit is the four parameters catlearn fits: specificity c, decision
// constant phi, attention and weight learning rates la and lw.
type Fit struct{ C, Phi, LA, LW float64 }

// Nodes says where a simulation puts the hidden nodes.
type Nodes int

const (
	// Exemplar puts a node on every stimulus of the condition.
	Exemplar Nodes = iota
	// Prototype puts a node on each category's prototype: the mean of
	// its training items, each counted as often as it is presented per
	// block.
	Prototype
)

// Sim is one of catlearn's ALCOVE simulations.
type Sim struct {
	Name       string // catlearn's function name, e.g. "shin92exalcove"
	Phenomenon string // the stream/cirp phenomenon it simulates
	Nodes      Nodes
	R          float64 // distance metric
	Rule       model.Rule
	AbsVal     float64
	AttCon     bool
	Alpha      float64 // initial attention per dimension (0: 1/D)
	Fit        Fit     // catlearn's default parameters
	// Order lists, per condition, the stimuli (1-based) in the order of
	// catlearn's hidden nodes when it differs from the stimuli's; the
	// order changes only the rounding of the sums over nodes.
	Order map[string][]int
}

// All lists catlearn's ALCOVE simulations of the phenomena in stream/cirp.
var All = []Sim{
	{Name: "shin92exalcove", Phenomenon: "shin92", Nodes: Exemplar, R: 2, AbsVal: -1,
		Fit: Fit{2.16500692601153, 0.636557148593828, 0.0985741221287437, 0.9},
		Order: map[string][]int{
			"equal3":  {16, 11, 13, 7, 5, 10, 6, 8, 1, 4, 3, 15, 12, 14, 9, 2},
			"equal10": {22, 6, 19, 11, 9, 30, 26, 17, 28, 21, 5, 13, 27, 7, 20, 15, 29, 12, 2, 10, 16, 25, 1, 4, 18, 24, 3, 8, 14, 23},
		}},
	{Name: "shin92protoalcove", Phenomenon: "shin92", Nodes: Prototype, R: 2, AbsVal: -1,
		Fit: Fit{0.3617, 0.9161, 0.0196, 0.99}},
	{Name: "nosof88exalcove", Phenomenon: "nosof88", Nodes: Exemplar, R: 2, AbsVal: -1,
		Fit: Fit{1.5483, 2.6848, 0.9882, 0.0546}},
	{Name: "nosof88protoalcove", Phenomenon: "nosof88", Nodes: Prototype, R: 2, AbsVal: -1,
		Fit: Fit{0.221, 1.4041, 0.0516, 0.99}},
	{Name: "nosof94exalcove", Phenomenon: "nosof94", Nodes: Exemplar, R: 1, AbsVal: -1,
		Fit: Fit{5.8219, 1.9539, 0.9856, 0.0754}},
	{Name: "nosof94bnalcove", Phenomenon: "nosof94", Nodes: Exemplar, R: 1, AbsVal: 0, Rule: model.BackgroundNoise,
		AttCon: true, Alpha: 0.33, Fit: Fit{6.33, 0.011, 0.409, 0.179}},
}

// ByName returns the simulation called name.
func ByName(name string) (Sim, error) {
	for _, s := range All {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(All))
	for i, s := range All {
		names[i] = s.Name
	}
	return Sim{}, fmt.Errorf("alcove: unknown simulation %q: want one of %s", name, strings.Join(names, ", "))
}

// Params returns the model of the simulation for condition c with
// parameters f: ALCOVE with q = 1, the humble teacher and the
// simulation's nodes, metric, rule, teacher and initial attention.
func (s Sim) Params(c *cirp.Condition, f Fit) (model.Params, error) {
	D := len(c.Stimuli[0].X)
	C := c.List.Classes
	var nodes [][]float64
	switch s.Nodes {
	case Exemplar:
		order := s.Order[c.Name]
		if order == nil {
			for k := range c.Stimuli {
				order = append(order, k+1)
			}
		}
		if len(order) != len(c.Stimuli) {
			return model.Params{}, fmt.Errorf("alcove: %s %s: node order of %d stimuli, the condition has %d", s.Name, c.Name, len(order), len(c.Stimuli))
		}
		for _, k := range order {
			nodes = append(nodes, c.Stimuli[k-1].X)
		}
	case Prototype:
		nodes = Prototypes(c)
	}
	p := model.Params{Hidden: len(nodes), Dims: D, Outputs: C,
		C: f.C, Phi: f.Phi, LA: f.LA, LW: f.LW, R: s.R, Q: 1,
		Rule: s.Rule, Humble: true, AttCon: s.AttCon, AbsVal: s.AbsVal, Attention: layers.Kruschke}
	for _, n := range nodes {
		p.Nodes = append(p.Nodes, n...)
	}
	a := s.Alpha
	if a == 0 {
		a = 1 / float64(D)
	}
	p.Alpha = slices.Repeat([]float64{a}, D)
	return p, p.Check()
}

// Prototypes returns each category's prototype in condition c: the mean
// of its training items (all its items when none is marked as training),
// item k counted Frequency times, summed in stimulus order as catlearn's
// rowMeans over the repeated columns.
func Prototypes(c *cirp.Condition) [][]float64 {
	training := slices.ContainsFunc(c.Stimuli, func(s cirp.Stimulus) bool { return s.Training })
	D := len(c.Stimuli[0].X)
	out := make([][]float64, c.List.Classes)
	n := make([]float64, len(out))
	for k := range out {
		out[k] = make([]float64, D)
	}
	for _, s := range c.Stimuli {
		if training && !s.Training {
			continue
		}
		for range int(s.Frequency) {
			for d, v := range s.X {
				out[s.Label][d] += v
			}
			n[s.Label]++
		}
	}
	for k := range out {
		for d := range out[k] {
			out[k][d] /= n[k]
		}
	}
	return out
}

// Run runs the simulation with parameters f on every condition of its
// phenomenon p, on workers goroutines, and returns the results in the
// order of p.Conditions.
func (s Sim) Run(ctx context.Context, p *cirp.Phenomenon, f Fit, workers int) ([]*triallist.Result, error) {
	if p.Name != s.Phenomenon {
		return nil, fmt.Errorf("alcove: %s simulates %s, not %s", s.Name, s.Phenomenon, p.Name)
	}
	var out []*triallist.Result
	for _, c := range p.Conditions {
		par, err := s.Params(c, f)
		if err != nil {
			return nil, fmt.Errorf("alcove: %s %s: %w", s.Name, c.Name, err)
		}
		res, err := triallist.Run(ctx, c.List, triallist.Options{Name: s.Name + " " + c.Name, Workers: workers,
			New: func(int, seed.Source) (stream.Stream, error) { return model.New(par) }})
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}
