package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

// write writes the results folder out atomically: scoreboard.csv,
// scoreboard.md, cells.csv (every dependent measure), oat.csv (the
// summaries the OATs decide on), <phenomenon>.png and, with b.Trials,
// trials/<phenomenon>_<learner>_<condition>.csv.gz (every trial).
func (b *board) write(out string, rec *provenance.Record) error {
	d, err := output.Begin(out, rec)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		fill func(w io.Writer) error
	}{
		{"scoreboard.csv", b.scoreCSV},
		{"scoreboard.md", func(w io.Writer) error { b.markdown(w); return nil }},
		{"cells.csv", b.cellsCSV},
		{"oat.csv", b.oatCSV},
	}
	for _, f := range files {
		if err := writeFile(d.Path(f.name), f.fill); err != nil {
			d.Abort()
			return err
		}
	}
	for _, p := range b.Phenomena {
		if err := b.plot(p, d.Path(p.Name+".png")); err != nil {
			d.Abort()
			return err
		}
	}
	if b.Trials {
		if err := b.writeTrials(d); err != nil {
			d.Abort()
			return err
		}
	}
	return d.Commit()
}

// writeTrials writes every trial of every result, gzip-compressed.
func (b *board) writeTrials(d *output.Dir) error {
	if err := os.Mkdir(d.Path("trials"), 0o755); err != nil {
		return err
	}
	for _, r := range b.Rows {
		for i, res := range r.Results {
			name := r.Phenomenon + "_" + strings.NewReplacer(":", "-", "/", "-").Replace(r.Model)
			if c := res.List.Trials[0].Cond; c != "" {
				name += "_" + c
			} else if len(r.Results) > 1 {
				name += "_" + strconv.Itoa(i+1)
			}
			err := writeFile(d.Path(filepath.Join("trials", name+".csv.gz")), func(w io.Writer) error {
				zw := gzip.NewWriter(w)
				if err := res.WriteCSV(zw); err != nil {
					return err
				}
				return zw.Close()
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFile creates path and fills it.
func writeFile(path string, fill func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := fill(w); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 15, 64) }

// scoreCSV writes one line per row: phenomenon, model, status, oat
// (TRUE, FALSE or NA), sse (NA without a result), seconds, params.
func (b *board) scoreCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"phenomenon", "model", "status", "oat", "sse", "seconds", "params"})
	for _, r := range b.Rows {
		oat, sse, secs := "NA", "NA", "NA"
		if r.HasOAT {
			oat = strings.ToUpper(strconv.FormatBool(r.OAT))
		}
		if r.Status == "ok" {
			sse = num(r.SSE)
		}
		if r.Status == "human" {
			sse = "0"
		} else {
			secs = strconv.FormatFloat(r.Seconds, 'f', 3, 64)
		}
		status := r.Status
		if status != "ok" && status != "human" {
			status = "no result: " + status
		}
		cw.Write([]string{r.Phenomenon, r.Model, status, oat, sse, secs, r.Params})
	}
	cw.Flush()
	return cw.Error()
}

// cellsCSV writes every dependent measure: phenomenon, model, cond, item,
// value, human.
func (b *board) cellsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"phenomenon", "model", "cond", "item", "value", "human"})
	for _, p := range b.Phenomena {
		human := make(map[[2]string]float64)
		for _, c := range p.Human {
			human[[2]string{c.Cond, c.Item}] = c.Value
		}
		for _, r := range b.Rows {
			if r.Phenomenon != p.Name {
				continue
			}
			for _, c := range r.Cells {
				h, ok := human[[2]string{c.Cond, c.Item}]
				hs := "NA"
				if ok {
					hs = num(h)
				}
				cw.Write([]string{p.Name, r.Model, c.Cond, c.Item, num(c.Value), hs})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// oatCSV writes the OAT summaries: phenomenon, model, row, col, value.
func (b *board) oatCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"phenomenon", "model", "row", "col", "value"})
	for _, r := range b.Rows {
		for _, c := range r.Summary {
			cw.Write([]string{r.Phenomenon, r.Model, c.Cond, c.Item, num(c.Value)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// markdown writes the scoreboard as a Markdown table per phenomenon.
func (b *board) markdown(w io.Writer) {
	subj := "all of catlearn's simulated subjects"
	if b.Subjects > 0 {
		subj = fmt.Sprintf("the first %d simulated subjects per condition", b.Subjects)
	}
	fmt.Fprintf(w, "Scoreboard (%s).\n", subj)
	for _, p := range b.Phenomena {
		fmt.Fprintf(w, "\n### %s: %s\n\nMeasure: %s.\n\n", p.Name, p.Title, p.Measure)
		fmt.Fprintln(w, "| learner | OAT | SSE | seconds | parameters |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, r := range b.Rows {
			if r.Phenomenon != p.Name {
				continue
			}
			switch r.Status {
			case "human":
				fmt.Fprintf(w, "| **human data** | %s | 0 | | |\n", passFail(r.OAT))
			case "ok":
				fmt.Fprintf(w, "| %s | %s | %.4f | %.1f | %s |\n", r.Model, passFail(r.OAT), r.SSE, r.Seconds, r.Params)
			default:
				fmt.Fprintf(w, "| %s | — | — | %.1f | no result: %s |\n", r.Model, r.Seconds, strings.ReplaceAll(r.Status, "|", "/"))
			}
		}
	}
}
