package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/BurntSushi/toml"
	"gonum.org/v1/plot/vg"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
)

// suffix names a task in file names: "_type4" for SHJ type IV, "" when the
// fit has a single non-SHJ task, "_<name>" otherwise.
func suffix(t *task.Task, n int) string {
	switch {
	case t.SHJType > 0:
		return "_type" + strconv.Itoa(t.SHJType)
	case n == 1:
		return ""
	}
	return "_" + t.Name
}

// column names a curve in the CSV tables: the part (for a composite
// stream), then the task ("type4" or its name) when there are several.
func column(res *run.Result, part int, nTasks int) string {
	var parts []string
	if len(res.Parts) > 1 {
		parts = append(parts, res.Parts[part])
	}
	if s := strings.TrimPrefix(suffix(res.Job.Task, nTasks), "_"); s != "" {
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "value"
	}
	return strings.Join(parts, "_")
}

// Write writes the results folder of a finished fit atomically: curves as
// .npy and CSV (means over runs, and every run's), summary.json, one .npz per run, lc.png and the traces.
func Write(p *Plan, res []run.Result) error {
	d, err := output.Begin(p.Out, p.Record)
	if err != nil {
		return err
	}
	if err := WriteTo(d, p, res); err != nil {
		d.Abort()
		return err
	}
	return d.Commit()
}

// WriteTo writes the files of a finished fit into d, which the caller
// commits (a sweep adds its own marker first).
func WriteTo(d *output.Dir, p *Plan, res []run.Result) error { return writeTo(d, p, res, true) }

// Finished returns the run.Options.Finished hook of Execute: it writes
// the run's checkpoint into d (nil with Options.NoState: nothing is
// written) and, when the model has a Digest, keeps the digest and drops
// (and releases, stream.Releaser) the model of every run but the first
// task's first. cmd/bench calls it as the commands do.
func (p *Plan) Finished(d *output.Dir) func(job int, rr *run.RunResult) error {
	n := len(p.Jobs)
	return func(job int, rr *run.RunResult) error {
		if !p.Options.NoState {
			name := stateName(p.Jobs[job].Task, n, rr.Run)
			if err := npz.Write(d.Path(name), stream.View(rr.Model)); err != nil {
				return err
			}
		}
		if p.Setup.Digest == nil {
			return nil
		}
		dg, err := p.Setup.Digest(rr.Model)
		if err != nil {
			return err
		}
		rr.Digest = dg
		if job > 0 || rr.Run > 0 {
			if r, ok := rr.Model.(stream.Releaser); ok {
				r.Release()
			}
			rr.Model = nil
		}
		return nil
	}
}

// stateName names run r's checkpoint of task t in a fit of n tasks:
// type4_run0.npz for SHJ type IV, <task>_run0.npz among several tasks,
// run0.npz for a single one.
func stateName(t *task.Task, n, r int) string {
	name := "run" + strconv.Itoa(r) + ".npz"
	if t.SHJType > 0 {
		return "type" + strconv.Itoa(t.SHJType) + "_" + name
	} else if n > 1 {
		return t.Name + "_" + name
	}
	return name
}

// writeTo writes what WriteTo does, the checkpoints only if states (they
// were written as the runs ended otherwise).
func writeTo(d *output.Dir, p *Plan, res []run.Result, states bool) error {
	n := len(res)
	var lcCols, lossCols []output.Column
	var lcRuns []output.RunsColumn
	tasks := make([]map[string]any, 0, n)
	for i := range res {
		r := &res[i]
		t := r.Job.Task
		sfx := suffix(t, n)
		areas := map[string]float64{}
		final := map[string]float64{}
		for pi, part := range r.Parts {
			ps := ""
			if len(r.Parts) > 1 {
				ps = "_" + part
			}
			if err := output.WriteNPY(d.Path("lc"+ps+sfx+".npy"), r.PError[pi]); err != nil {
				return err
			}
			if err := output.WriteNPY(d.Path("loss"+ps+sfx+".npy"), r.Loss[pi]); err != nil {
				return err
			}
			// Per-run curves beside the means, a run per row, for error
			// bands and statistics over simulated subjects.
			lcRun, lossRun := make([][]float64, len(r.Runs)), make([][]float64, len(r.Runs))
			for k := range r.Runs {
				lcRun[k], lossRun[k] = r.Runs[k].PError[pi], r.Runs[k].Loss[pi]
			}
			if err := output.WriteNPYRows(d.Path("lc"+ps+sfx+"_runs.npy"), lcRun); err != nil {
				return err
			}
			if err := output.WriteNPYRows(d.Path("loss"+ps+sfx+"_runs.npy"), lossRun); err != nil {
				return err
			}
			col := column(r, pi, n)
			lcRuns = append(lcRuns, output.RunsColumn{Name: col, Values: lcRun})
			lcCols = append(lcCols, output.Column{Name: col, Values: r.PError[pi]})
			lossCols = append(lossCols, output.Column{Name: col, Values: r.Loss[pi]})
			areas[part] = curve.Area(r.PError[pi])
			final[part] = r.PError[pi][len(r.PError[pi])-1]
		}
		// Recruited units over blocks, for models that recruit.
		unitRuns := make([][]float64, len(r.Runs))
		recruiting := false
		for k := range r.Runs {
			unitRuns[k] = r.Runs[k].Units
			recruiting = recruiting || active(&r.Runs[k]) > 0
		}
		if recruiting {
			if err := output.WriteNPY(d.Path("units"+sfx+".npy"), meanRows(unitRuns)); err != nil {
				return err
			}
			if err := output.WriteNPYRows(d.Path("units"+sfx+"_runs.npy"), unitRuns); err != nil {
				return err
			}
		}
		if err := writeObserved(d, r, sfx, res[0].Runs[0].Model); err != nil {
			return err
		}
		units := make([]float64, len(r.Runs))
		recruits := make([]float64, len(r.Runs))
		for k, rr := range r.Runs {
			units[k] = float64(active(&rr))
			recruits[k] = float64(rr.Recruits)
			if p.Options.NoState || !states {
				continue
			}
			if err := npz.Write(d.Path(stateName(t, n, rr.Run)), stream.View(rr.Model)); err != nil {
				return err
			}
		}
		tasks = append(tasks, map[string]any{
			"task":            t.Name,
			"items":           len(t.Items),
			"area":            areas,
			"final_error":     final,
			"recruited_units": curve.Summarise(units),
			"recruit_trials":  curve.Summarise(recruits),
		})
		if r.Job.Trace {
			if err := writeTrace(d.Path("trace_"+t.Name+".csv"), r, res[0].Runs[0].Model); err != nil {
				return err
			}
		}
	}
	if err := output.WriteBlocks(d.Path("lc.csv"), lcCols); err != nil {
		return err
	}
	if err := output.WriteBlocks(d.Path("loss.csv"), lossCols); err != nil {
		return err
	}
	if err := output.WriteRunBlocks(d.Path("lc_runs.csv"), lcRuns); err != nil {
		return err
	}
	if len(res[0].Parts) > 1 {
		var all []output.Column
		for _, c := range lcCols {
			all = append(all, output.Column{Name: "lc_" + c.Name, Values: c.Values})
		}
		for _, c := range lossCols {
			all = append(all, output.Column{Name: "loss_" + c.Name, Values: c.Values})
		}
		if err := output.WriteBlocks(d.Path("curves.csv"), all); err != nil {
			return err
		}
	}
	lp := p.Setup.Loop
	title := fmt.Sprintf("%s %s: %d runs", p.Model.Name, lp.ConfigVersion, lp.NumRuns)
	rows, humans := panels(res)
	if humans {
		title += "; humans: Nosofsky et al. (1994)"
	}
	w, h := 3*vg.Inch, 2.7*vg.Inch
	if len(res) == 1 {
		w, h = 5*vg.Inch, 3.6*vg.Inch
	}
	if err := output.PlotSheet(d.Path("lc.png"), title, rows, w, h); err != nil {
		return err
	}
	sum := map[string]any{
		"model":        p.Model.Name,
		"config":       configMap(p.Setup.Config, lp),
		"ignored_keys": p.Setup.Ignored,
		"task":         lp.Task,
		"runs":         lp.NumRuns,
		"blocks":       lp.NumBlocks,
		"random_seed":  lp.RandomSeed,
		"loss_fn":      lp.LossFn,
		"order":        orDefault(p.Options.Order, "shuffled per block from (random_seed, run)"),
		"init":         orDefault(p.Options.Init, "built-in initial state"),
		"tasks":        tasks,
	}
	if qs := stream.Observables(res[0].Runs[0].Model); len(qs) > 0 {
		// The quantities recorded at every block's end (writeObserved's files).
		names := make([]string, len(qs))
		for i, o := range qs {
			names[i] = o.Name
		}
		sum["observed"] = names
	}
	if means, ok := shjMeans(res); ok {
		sum["shj_ordinal_adequacy"] = map[string]any{
			"rule":       "I < II < {III, IV, V} < VI (mean error over blocks)",
			"mean_error": means,
			"pass":       curve.SHJOrdinal(means),
		}
	}
	if p.Setup.Evaluate != nil {
		sum["analyses"] = p.Setup.Evaluate(res)
	}
	return output.WriteJSON(d.Path("summary.json"), sum)
}

// panels lays out lc.png: the error and the loss of one task side by
// side, or of several tasks a panel each, the errors above the losses; a
// dual stream's parts in their styles; the human curves beside SHJ ones,
// at the model's blocks they span; a log block axis for long runs.
func panels(res []run.Result) (rows [][]*output.Panel, humans bool) {
	var errs, losses []*output.Panel
	for i := range res {
		r := &res[i]
		t := r.Job.Task
		title := t.Name
		if t.SHJType > 0 {
			title = "type " + strconv.Itoa(t.SHJType)
		}
		long := r.Job.Blocks > output.LongRun
		ep := &output.Panel{Title: title, XLabel: "block", YLabel: "probability of error", LogX: long}
		lp := &output.Panel{Title: title, XLabel: "block", YLabel: "loss", LogX: long}
		for pi, part := range r.Parts {
			s := output.Series{Name: "model", X: blocks(len(r.PError[pi])), Group: i}
			if len(r.Parts) > 1 {
				s.Name, s.Part = part, part
			}
			s.Y = r.PError[pi]
			ep.Series = append(ep.Series, s)
			s.Y = r.Loss[pi]
			lp.Series = append(lp.Series, s)
		}
		if hy := human.Nosofsky1994(t.SHJType); t.SHJType > 0 && hy != nil {
			g := i // a single stream's humans in its colour, dashed
			if len(r.Parts) > 1 {
				g = 3 // apart from the parts' colours
			}
			ep.Series = append(ep.Series, output.Series{Name: "humans", X: human.Blocks(len(t.Items), len(hy)), Y: hy, Dashed: true, Group: g})
			humans = true
		}
		errs, losses = append(errs, ep), append(losses, lp)
	}
	if len(res) == 1 {
		return [][]*output.Panel{{errs[0], losses[0]}}, humans
	}
	return [][]*output.Panel{errs, losses}, humans
}

// writeObserved writes what a model that is a stream.Observer recorded at
// every block's end, each quantity as <name><sfx>_runs.npy (runs × blocks
// × size) and its mean over runs as <name><sfx>.npy (blocks × size); m is
// a model of the fit (every task's models observe the same quantities).
func writeObserved(d *output.Dir, r *run.Result, sfx string, m stream.Stream) error {
	qs := stream.Observables(m)
	blocks := r.Job.Blocks
	for q, o := range qs {
		all := make([]float64, 0, len(r.Runs)*blocks*o.Size)
		for _, rr := range r.Runs {
			all = append(all, rr.Observed[q]...)
		}
		runs := stream.Array{Shape: []int{len(r.Runs), blocks, o.Size}, Data: all}
		if err := npz.WriteNPY(d.Path(o.Name+sfx+"_runs.npy"), runs); err != nil {
			return err
		}
		mean := make([][]float64, blocks)
		for b := range mean {
			rows := make([][]float64, len(r.Runs))
			for k, rr := range r.Runs {
				rows[k] = rr.Observed[q][b*o.Size : (b+1)*o.Size]
			}
			mean[b] = meanRows(rows)
		}
		if err := output.WriteNPYRows(d.Path(o.Name+sfx+".npy"), mean); err != nil {
			return err
		}
	}
	return nil
}

// active returns a finished run's recruited units: its model's, or,
// once the model is dropped, those at its last block's end.
func active(rr *run.RunResult) int {
	if rr.Model != nil {
		return rr.Model.Active()
	}
	return int(rr.Units[len(rr.Units)-1])
}

// meanRows returns the mean of rows per column, summed in row order.
func meanRows(rows [][]float64) []float64 {
	m := make([]float64, len(rows[0]))
	for _, r := range rows {
		for b, v := range r {
			m[b] += v
		}
	}
	for b := range m {
		m[b] /= float64(len(rows))
	}
	return m
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// blocks returns 1..n, the x axis of a curve.
func blocks(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// writeTrace writes task r's trace; m is a model of the fit, which names
// the columns.
func writeTrace(path string, r *run.Result, m stream.Stream) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	io.WriteString(f, run.TraceHeader(m, r.Job.Task.Classes)+"\n")
	for _, rr := range r.Runs {
		if _, err := f.Write(rr.Trace); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// PrintTable prints the area under every curve, the final error and the
// recruited units of every task.
func PrintTable(w io.Writer, res []run.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "task\t"
	for _, p := range res[0].Parts {
		head += "area " + p + "\t"
	}
	head += "final error\t"
	units := false // a stream that recruits nothing (the deep network) gets no units column
	for i := range res {
		for k := range res[i].Runs {
			units = units || active(&res[i].Runs[k]) > 0
		}
	}
	if units {
		head += "units (mean)\t"
	}
	fmt.Fprintln(tw, head)
	for i := range res {
		r := &res[i]
		line := r.Job.Task.Name + "\t"
		for pi := range r.Parts {
			line += strconv.FormatFloat(curve.Area(r.PError[pi]), 'f', 3, 64) + "\t"
		}
		tot := r.PError[r.Total()]
		line += strconv.FormatFloat(tot[len(tot)-1], 'f', 4, 64) + "\t"
		if units {
			var n float64
			for k := range r.Runs {
				n += float64(active(&r.Runs[k]))
			}
			line += strconv.FormatFloat(n/float64(len(r.Runs)), 'f', 2, 64) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if means, ok := shjMeans(res); ok {
		verdict := "fails"
		if curve.SHJOrdinal(means) {
			verdict = "passes"
		}
		fmt.Fprintf(w, "SHJ ordinal adequacy (I < II < III,IV,V < VI): %s; mean errors %.4f %.4f %.4f %.4f %.4f %.4f\n",
			verdict, means[0], means[1], means[2], means[3], means[4], means[5])
	}
}

// shjMeans returns the mean total error over blocks of each SHJ type
// when res holds all six.
func shjMeans(res []run.Result) ([6]float64, bool) {
	var means [6]float64
	seen := 0
	for i := range res {
		typ := res[i].Job.Task.SHJType
		if typ < 1 || typ > 6 || res[i].PError == nil {
			continue
		}
		tot := res[i].PError[res[i].Total()]
		var s float64
		for _, v := range tot {
			s += v
		}
		means[typ-1] = s / float64(len(tot))
		seen |= 1 << (typ - 1)
	}
	return means, seen == 1<<6-1
}

// configMap returns the config under its TOML keys (the original's YAML
// keys), with the loop keys the command line overrode set to what ran.
func configMap(cfg any, lp config.Loop) map[string]any {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return map[string]any{"error": err.Error()}
	}
	m := map[string]any{}
	if _, err := toml.Decode(buf.String(), &m); err != nil {
		return map[string]any{"error": err.Error()}
	}
	for k, v := range map[string]any{"num_runs": lp.NumRuns, "num_blocks": lp.NumBlocks, "random_seed": lp.RandomSeed, "task": lp.Task} {
		if _, ok := m[k]; ok {
			m[k] = v
		}
	}
	return m
}
