package sweep

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/output"
)

// Metric scores a learning curve; lower is better.
type Metric struct {
	Name   string    // for the CSV column, e.g. "last10", "area", "rmse_target"
	Last   int       // "last:N": the mean of the last N blocks
	Area   bool      // "area": the trapezoidal area under the curve
	Target []float64 // "target:file": RMSE to these values (NaN: block not in the target)
}

// ParseMetric parses last:N, area or target:file.csv. The target file is
// a CSV of block,value rows (blocks from 0, as lc.csv numbers them; a
// header line is allowed) or of values alone, one per block.
func ParseMetric(s string) (Metric, error) {
	kind, arg, _ := strings.Cut(s, ":")
	switch kind {
	case "last":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return Metric{}, fmt.Errorf("-metric %q: want last:N with N ≥ 1 blocks", s)
		}
		return Metric{Name: "last" + arg, Last: n}, nil
	case "area":
		return Metric{Name: "area", Area: true}, nil
	case "target":
		t, err := readTarget(arg)
		if err != nil {
			return Metric{}, fmt.Errorf("-metric %q: %w", s, err)
		}
		return Metric{Name: "rmse_" + strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg)), Target: t}, nil
	}
	return Metric{}, fmt.Errorf("-metric %q: want last:N (mean error of the last N blocks), area or target:file.csv", s)
}

// readTarget reads a target curve: block,value rows (blocks from 0; a
// block not listed is NaN) or values alone, after an optional header line;
// errors name the line a row starts on.
func readTarget(path string) ([]float64, error) {
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, rows, err := csvtable.Read(r, path, "block,value rows or values alone")
	if err != nil {
		return nil, err
	}
	first, _ := r.FieldPos(0) // the line of head
	var t []float64
	add := func(line int, row []string) error {
		if len(row) < 1 || len(row) > 2 {
			return fmt.Errorf("%s: line %d: want block,value or value", path, line)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(row[len(row)-1]), 64)
		if err != nil {
			if line == first {
				return nil // a header
			}
			return fmt.Errorf("%s: line %d: %v", path, line, err)
		}
		b := len(t)
		if len(row) == 2 {
			if b, err = strconv.Atoi(strings.TrimSpace(row[0])); err != nil || b < 0 || b > 1<<20 {
				return fmt.Errorf("%s: line %d: block %q: want an integer from 0", path, line, row[0])
			}
		}
		for len(t) <= b {
			t = append(t, math.NaN())
		}
		t[b] = v
		return nil
	}
	if err := add(first, head); err != nil {
		return nil, err
	}
	for line, row := range rows.All() {
		if err := add(line, row); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("%s: no values", path)
	}
	return t, nil
}

// Eval returns the metric of curve y.
func (m *Metric) Eval(y []float64) (float64, error) {
	switch {
	case m.Area:
		return curve.Area(y), nil
	case m.Target != nil:
		if len(m.Target) > len(y) {
			return 0, fmt.Errorf("the target has %d blocks, the curve %d", len(m.Target), len(y))
		}
		var ss float64
		n := 0
		for b, t := range m.Target {
			if !math.IsNaN(t) {
				ss += (y[b] - t) * (y[b] - t)
				n++
			}
		}
		return math.Sqrt(ss / float64(n)), nil
	}
	if m.Last > len(y) {
		return 0, fmt.Errorf("last:%d: the curve has %d blocks", m.Last, len(y))
	}
	var s float64
	for _, v := range y[len(y)-m.Last:] {
		s += v
	}
	return s / float64(m.Last), nil
}

// Row is one finished config in a report.
type Row struct {
	Rank    int // from 1 by score; 0 for a diverged config
	Marker  *Marker
	Dir     string
	Score   float64
	Area    float64     // of the ranked curve
	Final   float64     // its last block
	Columns []string    // the curves of lc.csv, in its order
	Curves  [][]float64 // [column][block]
}

// Ranking is a sweep's finished configs, ranked.
type Ranking struct {
	Metric     Metric
	Curve      string   // the lc.csv column ranked
	Keys       []string // the grid keys, in the order the configs give them
	Rows       []Row    // done configs, best first
	Diverged   []Row    // diverged configs, by number
	Unfinished int      // folders without a valid marker
	// Damaged lists the folders left out because their files are missing
	// or differ from what sweep.json records, or their curves are not
	// num_blocks long, each with why.
	Damaged []string
}

// Report reads the finished configs in the results folder out and ranks
// them by the metric of the lc.csv column called column ("" means "total"
// for a dual stream, else the only column).
func Report(out string, m Metric, column string) (*Ranking, error) {
	ents, err := os.ReadDir(out)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Metric: m, Curve: column}
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "configs" {
			continue
		}
		dir := filepath.Join(out, e.Name())
		mk, err := ReadMarker(dir)
		if err != nil {
			rk.Unfinished++
			continue
		}
		for _, g := range mk.Grid {
			if !slices.Contains(rk.Keys, g.Key) {
				rk.Keys = append(rk.Keys, g.Key)
			}
		}
		if err := mk.Verify(dir); err != nil {
			rk.Damaged = append(rk.Damaged, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		row := Row{Marker: mk, Dir: dir}
		if mk.Status == Diverged {
			rk.Diverged = append(rk.Diverged, row)
			continue
		}
		if row.Columns, row.Curves, err = output.ReadBlocks(filepath.Join(dir, "lc.csv")); err != nil {
			return nil, err
		}
		c := column
		if c == "" {
			switch {
			case slices.Contains(row.Columns, "total"):
				c = "total"
			case len(row.Columns) == 1:
				c = row.Columns[0]
			default:
				return nil, fmt.Errorf("%s: lc.csv has the curves %v: choose one with -curve", dir, row.Columns)
			}
		}
		i := slices.Index(row.Columns, c)
		if i < 0 {
			return nil, fmt.Errorf("%s: lc.csv has no curve %q (it has %v)", dir, c, row.Columns)
		}
		rk.Curve = c
		y := row.Curves[i]
		if mk.Blocks > 0 && len(y) != mk.Blocks {
			rk.Damaged = append(rk.Damaged, fmt.Sprintf("%s: lc.csv has %d blocks, the config ran %d", dir, len(y), mk.Blocks))
			continue
		}
		if row.Score, err = m.Eval(y); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		row.Area, row.Final = curve.Area(y), y[len(y)-1]
		rk.Rows = append(rk.Rows, row)
	}
	if len(rk.Rows)+len(rk.Diverged) == 0 {
		return nil, fmt.Errorf("%s: no finished configs (%d unfinished folders, %d damaged)", out, rk.Unfinished, len(rk.Damaged))
	}
	sort.SliceStable(rk.Rows, func(a, b int) bool {
		ra, rb := &rk.Rows[a], &rk.Rows[b]
		if ra.Score != rb.Score && !(math.IsNaN(ra.Score) && math.IsNaN(rb.Score)) {
			return ra.Score < rb.Score || math.IsNaN(rb.Score)
		}
		return ra.Marker.Number < rb.Marker.Number
	})
	for i := range rk.Rows {
		rk.Rows[i].Rank = i + 1
	}
	sort.SliceStable(rk.Diverged, func(a, b int) bool { return rk.Diverged[a].Marker.Number < rk.Diverged[b].Marker.Number })
	return rk, nil
}

func value(g []Value, key string) string {
	for _, v := range g {
		if v.Key == key {
			if f, ok := v.Value.(float64); ok {
				return strconv.FormatFloat(f, 'g', -1, 64)
			}
			return fmt.Sprint(v.Value)
		}
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// RankingMark starts the header of every ranking WriteCSV writes: sweep
// report replaces only such files.
const RankingMark = "rank,config,number,status,"

// WriteCSV writes the ranking: rank, config, number, status, the metric,
// the area and final error of the ranked curve, the grid values, and for
// a diverged config where it diverged (ranked configs first).
func (rk *Ranking) WriteCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	head := []string{"rank", "config", "number", "status", rk.Metric.Name + "_" + rk.Curve}
	if !rk.Metric.Area {
		head = append(head, "area_"+rk.Curve)
	}
	head = append(append(append(head, "final_"+rk.Curve), rk.Keys...), "diverged_at")
	w.Write(head)
	empty := len(head) - len(rk.Keys) - 5 // the metric columns
	for _, r := range rk.Rows {
		rec := []string{strconv.Itoa(r.Rank), r.Marker.Config, strconv.Itoa(r.Marker.Number), Done, num(r.Score)}
		if !rk.Metric.Area {
			rec = append(rec, num(r.Area))
		}
		rec = append(rec, num(r.Final))
		for _, k := range rk.Keys {
			rec = append(rec, value(r.Marker.Grid, k))
		}
		w.Write(append(rec, ""))
	}
	for _, r := range rk.Diverged {
		rec := []string{"", r.Marker.Config, strconv.Itoa(r.Marker.Number), Diverged}
		rec = append(rec, make([]string, empty)...)
		for _, k := range rk.Keys {
			rec = append(rec, value(r.Marker.Grid, k))
		}
		at := ""
		if r.Marker.Diverged != nil {
			at = r.Marker.Diverged.String()
		}
		w.Write(append(rec, at))
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Print prints the top n rows, a count of the diverged and unfinished,
// and the damaged folders with why.
func (rk *Ranking) Print(w io.Writer, n int) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := "rank\tconfig\t" + rk.Metric.Name + "\t"
	if !rk.Metric.Area {
		head += "area\t"
	}
	head += "final\t"
	for _, k := range rk.Keys {
		head += k + "\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rk.Rows[:min(n, len(rk.Rows))] {
		line := fmt.Sprintf("%d\t%s\t%.4g\t", r.Rank, r.Marker.Config, r.Score)
		if !rk.Metric.Area {
			line += fmt.Sprintf("%.4g\t", r.Area)
		}
		line += fmt.Sprintf("%.4g\t", r.Final)
		for _, k := range rk.Keys {
			line += value(r.Marker.Grid, k) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d configs ranked by %s of %s", len(rk.Rows), rk.Metric.Name, rk.Curve)
	if len(rk.Diverged) > 0 {
		var names []string
		for _, r := range rk.Diverged {
			names = append(names, r.Marker.Config)
		}
		fmt.Fprintf(w, "; %d diverged (%s)", len(rk.Diverged), strings.Join(names, ", "))
	}
	if rk.Unfinished > 0 {
		fmt.Fprintf(w, "; %d unfinished folders", rk.Unfinished)
	}
	fmt.Fprintln(w)
	if len(rk.Damaged) > 0 {
		fmt.Fprintf(w, "%d damaged folders left out (rerun `sweep run` on the same configs to redo them):\n", len(rk.Damaged))
		for _, d := range rk.Damaged {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
}
