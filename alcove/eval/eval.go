// Package eval holds the analyses of ALCOVE's fits: the sum of squared
// errors of the six SHJ learning curves against Nosofsky et al.'s (1994)
// human curves (catlearn's ssecl), and the mean final attention per task.
package eval

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/fastslow/alcove/model"
	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/run"
)

// HumanBlocks is the number of blocks of Nosofsky et al.'s (1994) curves
// (16 trials each, every stimulus twice).
const HumanBlocks = 16

// SSE returns the sum over the 6 × 16 (type, block) cells of the squared
// difference between a model's mean error curves and Nosofsky et al.'s
// (1994) human curves, as catlearn's ssecl computes it on its nosof94
// simulations. curves[typ−1] is the mean probability of error per block
// of SHJ type typ, each block of trials trials: 16 (the humans' blocks)
// or 8 (two model blocks make one human block, averaged); it must cover
// the humans' 16 blocks (later blocks are ignored).
func SSE(curves [6][]float64, trials int) (float64, error) {
	per := 0
	switch trials {
	case human.BlockTrials:
		per = 1
	case human.BlockTrials / 2:
		per = 2
	default:
		return 0, fmt.Errorf("blocks of %d trials: want %d (or %d, two to a human block)", trials, human.BlockTrials, human.BlockTrials/2)
	}
	var s float64
	for typ := 1; typ <= 6; typ++ {
		c := curves[typ-1]
		if len(c) < per*HumanBlocks {
			return 0, fmt.Errorf("type %d: %d blocks of %d trials: want at least %d to cover the humans' %d blocks", typ, len(c), trials, per*HumanBlocks, HumanBlocks)
		}
		h := human.Nosofsky1994(typ)
		for b := 0; b < HumanBlocks; b++ {
			var v float64
			for k := 0; k < per; k++ {
				v += c[per*b+k]
			}
			v /= float64(per)
			s += (v - h[b]) * (v - h[b])
		}
	}
	return s, nil
}

// shjCurves returns the total error curves of the six SHJ types in res
// and their trials per block, or an error when res does not hold all six
// with equal blocks.
func shjCurves(res []run.Result) ([6][]float64, int, error) {
	var curves [6][]float64
	trials := 0
	for i := range res {
		r := &res[i]
		typ := r.Job.Task.SHJType
		if typ < 1 || typ > 6 || r.PError == nil {
			continue
		}
		n := len(r.Job.Task.Items)
		if trials != 0 && n != trials {
			return curves, 0, errors.New("SHJ types with different block lengths")
		}
		trials = n
		curves[typ-1] = r.PError[r.Total()]
	}
	for typ, c := range curves {
		if c == nil {
			return curves, 0, fmt.Errorf("SHJ type %d was not run", typ+1)
		}
	}
	return curves, trials, nil
}

// Attention is the mean final attention of a task's runs.
type Attention struct {
	Task string    `json:"task"`
	Mean []float64 `json:"mean_final_attention"`
}

// MeanAttention returns the mean over runs of the final attention
// strengths of every task in res.
func MeanAttention(res []run.Result) []Attention {
	var out []Attention
	for i := range res {
		r := &res[i]
		if len(r.Runs) == 0 {
			continue
		}
		a := Attention{Task: r.Job.Task.Name}
		for _, rr := range r.Runs {
			m, ok := rr.Model.(*model.Model)
			if !ok {
				continue
			}
			if a.Mean == nil {
				a.Mean = make([]float64, len(m.Attention()))
			}
			for d, v := range m.Attention() {
				a.Mean[d] += v / float64(len(r.Runs))
			}
		}
		if a.Mean != nil {
			out = append(out, a)
		}
	}
	return out
}

// Evaluate returns ALCOVE's analyses for summary.json: the mean final
// attention per task and, when the fit ran the six SHJ types over at
// least the humans' 16 blocks, the SSE against Nosofsky et al. (1994).
func Evaluate(res []run.Result) map[string]any {
	out := map[string]any{"attention": MeanAttention(res)}
	if curves, trials, err := shjCurves(res); err == nil {
		if s, err := SSE(curves, trials); err == nil {
			out["sse_nosofsky1994"] = s
		}
	}
	return out
}

// Report prints the SSE against Nosofsky et al. (1994), when there is
// one, and the mean final attention per task.
func Report(w io.Writer, res []run.Result) {
	if curves, trials, err := shjCurves(res); err == nil {
		if s, err := SSE(curves, trials); err == nil {
			fmt.Fprintf(w, "SSE against Nosofsky et al. (1994), 6 types × %d blocks: %.6f\n", HumanBlocks, s)
		} else {
			fmt.Fprintf(w, "SSE against Nosofsky et al. (1994): not computed (%v)\n", err)
		}
	}
	for _, a := range MeanAttention(res) {
		line := "mean final attention " + a.Task + ":"
		for _, v := range a.Mean {
			line += " " + strconv.FormatFloat(v, 'f', 3, 64)
		}
		fmt.Fprintln(w, line)
	}
}
