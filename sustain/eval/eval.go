// Package eval holds SUSTAIN's analyses of a fit: the sum of squared
// errors of the six SHJ learning curves against the human curves of
// Nosofsky et al. (1994), the fit statistic of catlearn's nosof94
// simulations, and the clusters recruited per run.
package eval

import (
	"fmt"
	"io"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/run"
)

// CatlearnSSE is the SSE of catlearn's own nosof94sustain simulation (its
// trial orders, 100 subjects) against the human curves, as
// catlearn-notes.md reports it; the fit with catlearn's order table
// reproduces it.
const CatlearnSSE = 0.062693

// Fit is how well six SHJ curves fit Nosofsky et al.'s (1994).
type Fit struct {
	SSE    float64    `json:"sse"`     // Σ over types and blocks of (model − human)²
	ByType [6]float64 `json:"by_type"` // the part of each type, I–VI
	Blocks int        `json:"blocks"`  // blocks compared per type
}

// SSE compares the six SHJ curves of res with the human ones, block by
// block, when res holds all six types in blocks of human.BlockTrials
// trials (each item twice: -passes 2), as catlearn's ssecl does; ok is
// false otherwise.
func SSE(res []run.Result) (f Fit, ok bool) {
	seen := 0
	f.Blocks = -1
	for i := range res {
		r := &res[i]
		typ := r.Job.Task.SHJType
		if typ < 1 || typ > 6 || r.PError == nil || len(r.Job.Task.Items) != human.BlockTrials {
			continue
		}
		h := human.Nosofsky1994(typ)
		y := r.PError[r.Total()]
		n := min(len(y), len(h))
		if f.Blocks >= 0 && n != f.Blocks {
			return Fit{}, false
		}
		f.Blocks = n
		for b := 0; b < n; b++ {
			d := y[b] - h[b]
			f.ByType[typ-1] += d * d
		}
		seen |= 1 << (typ - 1)
	}
	if seen != 1<<6-1 {
		return Fit{}, false
	}
	for _, s := range f.ByType {
		f.SSE += s
	}
	return f, true
}

// Evaluate returns SUSTAIN's analyses for summary.json: per task the
// clusters of every run (and their statistics), and the SSE against
// Nosofsky et al. (1994) when it applies.
func Evaluate(res []run.Result) map[string]any {
	tasks := map[string]any{}
	for i := range res {
		r := &res[i]
		n := make([]float64, len(r.Runs))
		for k, rr := range r.Runs {
			n[k] = float64(rr.Model.Active())
		}
		tasks[r.Job.Task.Name] = map[string]any{"clusters": n, "clusters_stats": curve.Summarise(n)}
	}
	out := map[string]any{"tasks": tasks}
	if f, ok := SSE(res); ok {
		out["sse_nosofsky1994"] = f
		out["sse_catlearn_nosof94sustain"] = CatlearnSSE
	}
	return out
}

// Report prints the SSE against Nosofsky et al. (1994) when it applies.
func Report(w io.Writer, res []run.Result) {
	if f, ok := SSE(res); ok {
		fmt.Fprintf(w, "SSE against Nosofsky et al. (1994), 6 types × %d blocks: %.6f (catlearn's nosof94sustain: %.6f)\n",
			f.Blocks, f.SSE, CatlearnSSE)
	}
}
