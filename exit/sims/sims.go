// Package sims holds catlearn's EXIT simulation of the inverse base-rate
// effect (krus96exit, on stream/cirp's krus96) with its default
// parameters (catlearn's archived fit).
package sims

import (
	"context"
	"fmt"
	"slices"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
)

// Fit is the seven parameters catlearn's krus96exit takes, in its order.
type Fit struct {
	C, P, Phi, LGain, LWeight, LEx, SigmaBias float64
}

// Krus96Default is krus96exit's default: c 2.87, P 2.48, phi 4.42, l_gain
// 4.42, l_weight 0.222, l_ex 1.13, sigma_bias 0.401.
var Krus96Default = Fit{C: 2.87, P: 2.48, Phi: 4.42, LGain: 4.42, LWeight: 0.222, LEx: 1.13, SigmaBias: 0.401}

// Krus96Iterations is the number of gain-shift steps krus96exit uses.
const Krus96Iterations = 10

// Krus96Params returns krus96exit's model for condition c of krus96 with
// parameters f: one exemplar per training compound (context cue
// included), in the order I1+PC1, I1+PR1, I2+PC2, I2+PR2; salience 1 for
// the six symptoms and sigma_bias for the context cue (the last cue);
// teacher 1/0; weights 0.
func Krus96Params(c *cirp.Condition, f Fit) (model.Params, error) {
	D := c.List.Dims
	p := model.Params{Dims: D, Outputs: c.List.Classes, C: f.C, P: f.P, Phi: f.Phi,
		LGain: f.LGain, LWeight: f.LWeight, LEx: f.LEx, Iterations: Krus96Iterations, AbsVal: 0}
	for _, name := range []string{"I1.PC1", "I1.PR1", "I2.PC2", "I2.PR2"} {
		i := slices.IndexFunc(c.Stimuli, func(s cirp.Stimulus) bool { return s.Name == name })
		if i < 0 {
			return p, fmt.Errorf("exit: krus96: no training compound %s", name)
		}
		p.Exemplars = append(p.Exemplars, c.Stimuli[i].X...)
		p.E++
	}
	p.Sigma = slices.Repeat([]float64{1}, D)
	p.Sigma[D-1] = f.SigmaBias
	return p, p.Check()
}

// RunKrus96 runs krus96exit with parameters f on krus96's conditions, on
// workers goroutines.
func RunKrus96(ctx context.Context, p *cirp.Phenomenon, f Fit, workers int) ([]*triallist.Result, error) {
	if p.Name != "krus96" {
		return nil, fmt.Errorf("exit: krus96exit simulates krus96, not %s", p.Name)
	}
	var out []*triallist.Result
	for _, c := range p.Conditions {
		par, err := Krus96Params(c, f)
		if err != nil {
			return nil, err
		}
		res, err := triallist.Run(ctx, c.List, triallist.Options{Name: "krus96exit", Workers: workers,
			New: func(int, seed.Source) (stream.Stream, error) { return model.New(par) }})
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}
