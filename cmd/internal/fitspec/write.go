package fitspec

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

// Write writes the results folder of a fit atomically: fit.json (the
// spec, the best parameters, loss, ordinal adequacy, the searches and the
// noise), best.toml (the model's config at the best parameters, runnable
// by the model's own command), curves.csv and fit.png (the fitted curves
// against the data), lc_runs.csv and lc_<condition>_runs.npy (every
// simulated subject's curve), trace.csv (a copy of the trace) and provenance.json
// (what rec records).
func Write(dir string, p *Problem, r *estimate.Result, tracePath string, rec *provenance.Record) error {
	d, err := output.Begin(dir, rec)
	if err != nil {
		return err
	}
	if err := writeTo(d, p, r, tracePath); err != nil {
		d.Abort()
		return err
	}
	return d.Commit()
}

func writeTo(d *output.Dir, p *Problem, r *estimate.Result, tracePath string) error {
	sp := p.Spec
	best := r.Best
	text, err := p.BestConfig(best.X)
	if err != nil {
		return err
	}
	if err := os.WriteFile(d.Path("best.toml"), text, 0o644); err != nil {
		return err
	}
	if err := copyFile(tracePath, d.Path("trace.csv")); err != nil {
		return err
	}
	if err := p.writeCurves(d.Path("curves.csv"), best); err != nil {
		return err
	}
	if err := p.writeRunCurves(d, best); err != nil {
		return err
	}
	if err := p.Plot(d.Path("fit.png"), best); err != nil {
		return err
	}
	params := map[string]float64{}
	bounds := map[string][2]float64{}
	values := map[string][]float64{}
	for i, pr := range sp.Params {
		params[pr.Key] = best.X[i]
		if pr.Values != nil {
			values[pr.Key] = pr.values()
			continue
		}
		bounds[pr.Key] = [2]float64{pr.Lo(), pr.Hi()}
	}
	sum := map[string]any{
		"name":                  sp.Name,
		"description":           sp.Description,
		"model":                 p.Model.Name,
		"spec":                  sp.Path,
		"config":                sp.Config,
		"data":                  p.Data.Source,
		"block_trials":          sp.BlockTrials,
		"model_blocks":          p.Blocks,
		"blocks_per_data_block": p.Group,
		"tasks":                 p.Tasks,
		"order":                 sp.Order,
		"runs":                  p.Runs,
		"seed":                  p.Seed,
		"loss":                  sp.Loss,
		"ordinal":               sp.Ordinal,
		"bounds":                bounds,
		"best":                  map[string]any{"params": params, "loss": best.Loss, "sse": best.SSE, "rmse": best.RMSE, "oat": best.OAT},
		"starts":                p.starts(r.Starts),
		"evaluations":           r.Evaluations,
		"new_evaluations":       r.New,
		"trials":                r.Trials,
		"seconds":               r.Elapsed.Seconds(),
		"checksum":              p.Checksum,
	}
	if best.OAT != nil {
		sum["human_oat"] = p.humanOAT()
	}
	if r.Noise != nil {
		sum["noise"] = r.Noise
	}
	if len(values) > 0 {
		// The discrete keys' values, and the best fit at each combination.
		sum["values"] = values
		var per []map[string]any
		for _, dr := range r.Discrete {
			at := map[string]float64{}
			k := 0
			for _, pr := range sp.Params {
				if pr.Values != nil {
					at[pr.Key] = dr.At[k]
					k++
				}
			}
			b := map[string]any{"loss": jsonFloat(dr.Best.Loss)}
			if dr.Best.X != nil && !math.IsInf(dr.Best.Loss, 1) {
				b = map[string]any{"params": p.named(dr.Best.X), "loss": dr.Best.Loss, "sse": dr.Best.SSE, "rmse": dr.Best.RMSE, "oat": dr.Best.OAT}
			}
			per = append(per, map[string]any{"values": at, "best": b, "starts": p.starts(dr.Starts)})
		}
		sum["discrete"] = per
	}
	return output.WriteJSON(d.Path("fit.json"), sum)
}

// starts returns the searches for fit.json.
func (p *Problem) starts(rs []estimate.StartResult) []map[string]any {
	out := make([]map[string]any, len(rs))
	for i, s := range rs {
		out[i] = map[string]any{"from": p.named(s.From), "from_loss": jsonFloat(s.FromLoss), "to": p.named(s.To),
			"loss": jsonFloat(s.Loss), "evaluations": s.Evaluations, "status": s.Status}
	}
	return out
}

// jsonFloat returns v, or a string for an infinite v (JSON has none).
func jsonFloat(v float64) any {
	if v > 1e308 || v < -1e308 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return v
}

// named maps the free keys to the values x.
func (p *Problem) named(x []float64) map[string]float64 {
	m := map[string]float64{}
	for i, pr := range p.Spec.Params {
		m[pr.Key] = x[i]
	}
	return m
}

// BestConfig returns the model's config at x as TOML, with the loop keys
// of the fit (runs, blocks, passes, seed, task), so that the model's own
// command reproduces the fitted curves.
func (p *Problem) BestConfig(x []float64) ([]byte, error) {
	c := keypath.Clone(p.base)
	c["config_version"] = p.Spec.Name + "_best"
	if err := p.setParams(c, x); err != nil {
		return nil, err
	}
	c["random_seed"], c["num_runs"], c["num_blocks"] = p.Seed, int64(p.Runs), int64(p.Blocks)
	if p.Spec.Passes > 0 {
		c["passes"] = int64(p.Spec.Passes)
	}
	if p.Spec.Task != "" {
		c["task"] = p.Spec.Task
	}
	text, err := keypath.Encode(c)
	if err != nil {
		return nil, err
	}
	order := ""
	if p.Spec.Order != "" {
		order = " -order " + p.Spec.resolve(p.Spec.Order)
	}
	head := fmt.Sprintf("# The best fit of %s (%s): %s.\n# Its curves again: %s -config best.toml%s\n\n",
		p.Spec.Name, p.Spec.Path, p.Format(x), p.Model.Command, order)
	return append([]byte(head), text...), nil
}

// writeCurves writes condition,block,data,model.
func (p *Problem) writeCurves(path string, e estimate.Eval) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("condition,block,data,model\n")
	for c, cond := range p.Data.Conditions {
		for b, h := range cond.PError {
			fmt.Fprintf(w, "%s,%d,%s,%s\n", cond.Name, b+1, estimate.FormatValue(h), estimate.FormatValue(e.Curves[c][b]))
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeRunCurves writes every simulated subject's curve at the best
// point, in data blocks, named as a run folder names its own (see
// runsName): lc_runs.csv (run, block, a column per condition, runs and
// blocks from 0) and lc<_task>_runs.npy (runs × blocks), for error bands
// and statistics over subjects. A phenomenon fit (no curves of runs)
// writes none.
func (p *Problem) writeRunCurves(d *output.Dir, e estimate.Eval) error {
	if e.RunCurves == nil {
		return nil
	}
	var cols []output.RunsColumn
	for j, c := range p.cond {
		sfx, col := p.runsName(j)
		runs := e.RunCurves[c]
		if err := output.WriteNPYRows(d.Path("lc"+sfx+"_runs.npy"), runs); err != nil {
			return err
		}
		cols = append(cols, output.RunsColumn{Name: col, Values: runs})
	}
	return output.WriteRunBlocks(d.Path("lc_runs.csv"), cols)
}

// runsName returns the file suffix and the column name of job j's curves
// by the run folders' rule (stream/cli): "_type4" and "type4" for SHJ
// type IV, "" and "value" for a single task, else "_<task>" and the
// task's name.
func (p *Problem) runsName(j int) (suffix, column string) {
	name := p.Tasks[j]
	switch {
	case p.SHJ:
		name = "type" + strings.TrimPrefix(name, "shj")
	case len(p.Tasks) == 1:
		return "", "value"
	}
	return "_" + name, name
}

// Plot draws the fitted curves (solid) against the data (dashed, with
// points), one colour per condition.
func (p *Problem) Plot(path string, e estimate.Eval) error {
	var series []output.Series
	for c, cond := range p.Data.Conditions {
		x := make([]float64, len(cond.PError))
		for b := range x {
			x[b] = float64(b + 1)
		}
		name := cond.Name
		if p.SHJ {
			name = "type " + strings.TrimPrefix(cond.Name, "shj")
		}
		series = append(series, output.Series{Name: name + " model", X: x, Y: e.Curves[c], Group: c},
			output.Series{Name: name + " data", X: x, Y: cond.PError, Dashed: true, Group: c})
	}
	title := fmt.Sprintf("%s fitted to %s: %s %.4g", p.Model.Name, p.Data.Source, p.Spec.Loss, e.Loss)
	if e.OAT != nil {
		title += map[bool]string{true: ", OAT pass", false: ", OAT fail"}[e.OAT.Pass]
	}
	return output.PlotCurves(path, title, series)
}

// humanOAT returns the ordinal adequacy of the data themselves.
func (p *Problem) humanOAT() *estimate.OAT {
	if p.phen != nil {
		pass, _, err := p.phen.OAT(p.phen.Human)
		return &estimate.OAT{Pass: pass && err == nil}
	}
	curves := make([][]float64, len(p.Data.Conditions))
	for c, cond := range p.Data.Conditions {
		curves[c] = cond.PError
	}
	return p.oat(curves)
}

// PrintResult prints the best parameters, the loss, the ordinal adequacy
// and the searches.
func PrintResult(w io.Writer, p *Problem, r *estimate.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "parameter\tbest\tmin\tmax\tstart\t")
	for i, pr := range p.Spec.Params {
		if pr.Values != nil {
			fmt.Fprintf(tw, "%s\t%.6g\tone of %s\t\t\t\n", pr.Key, r.Best.X[i], keypath.Show(pr.Values))
			continue
		}
		fmt.Fprintf(tw, "%s\t%.6g\t%g\t%g\t%.6g\t\n", pr.Key, r.Best.X[i], pr.Lo(), pr.Hi(), p.Start[i])
	}
	tw.Flush()
	for _, dr := range r.Discrete {
		fmt.Fprintf(w, "at %s: best loss %.6g\n", p.Estimate().FormatDiscrete(dr.At), dr.Best.Loss)
	}
	b := r.Best
	fmt.Fprintf(w, "loss (%s) %.6g; SSE %.6g, RMSE %.6g over %d cells; %d subjects per condition, seed %d\n",
		p.Spec.Loss, b.Loss, b.SSE, b.RMSE, p.Data.Cells(), p.Runs, p.Seed)
	if b.OAT != nil {
		verdict := "fails"
		if b.OAT.Pass {
			verdict = "passes"
		}
		if p.phen != nil {
			fmt.Fprintf(w, "%s ordinal adequacy (catlearn's OAT): %s\n", p.phen.Name, verdict)
		} else {
			m := b.OAT.Means
			fmt.Fprintf(w, "SHJ ordinal adequacy (I < II < III,IV,V < VI): %s; mean errors %.4f %.4f %.4f %.4f %.4f %.4f\n",
				verdict, m[0], m[1], m[2], m[3], m[4], m[5])
		}
	}
	if n := r.Noise; n != nil {
		fmt.Fprintf(w, "noise: SSE at the best parameters over %d seeds: mean %.4g, SD %.2g (min %.4g, max %.4g)\n",
			n.SSE.N, n.SSE.Mean, n.SSE.SD, n.SSE.Min, n.SSE.Max)
	}
	for i, s := range r.Starts {
		fmt.Fprintf(w, "search #%d: %s, %d evaluations: %.6g → %.6g\n", i+1, s.Status, s.Evaluations, s.FromLoss, s.Loss)
	}
	fmt.Fprintf(w, "%d evaluations in the trace (%d new, %d trials) in %s\n", r.Evaluations, r.New, r.Trials, r.Elapsed.Round(1e7))
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// SimulatedMark starts the data files WriteData writes; fitdata -simulate
// replaces only such files.
const SimulatedMark = "# simulated by "

// WriteData writes the model's curves of e as a data CSV
// (condition,block,p_error), e.g. simulated subjects for a parameter
// recovery study.
func (p *Problem) WriteData(path string, e estimate.Eval) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, SimulatedMark+"%s at %s: %d subjects per condition, seed %d\n", p.Model.Name, p.Format(e.X), e.Runs, e.Seed)
	w.WriteString("condition,block,p_error\n")
	for c, cond := range p.Data.Conditions {
		for b := range cond.PError {
			fmt.Fprintf(w, "%s,%d,%s\n", cond.Name, b+1, estimate.FormatValue(e.Curves[c][b]))
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
