package sweep

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/fastslow/stream/output"
)

// Sheet draws a sweep's plot sheet into one PNG: first the metric against
// each grid key (a point per ranked config), then the learning curves of
// the n best configs, a panel per config titled with its rank, name,
// score and grid values (a dual stream's fast, slow and total curves in
// their styles for one task, its totals per task for several).
func (rk *Ranking) Sheet(file string, n int) error {
	rows := rk.Rows[:min(n, len(rk.Rows))]
	if len(rows) == 0 {
		return fmt.Errorf("%s: no finished configs to draw", file)
	}
	const cols = 3
	var sheet [][]*output.Panel
	var line []*output.Panel
	flush := func() {
		if len(line) > 0 {
			sheet = append(sheet, line)
			line = nil
		}
	}
	for _, k := range rk.Keys {
		line = append(line, rk.metricPanel(k))
		if len(line) == cols {
			flush()
		}
	}
	flush()
	for _, r := range rows {
		line = append(line, rk.curvePanel(r))
		if len(line) == cols {
			flush()
		}
	}
	flush()
	title := fmt.Sprintf("%d configs ranked by %s of %s", len(rk.Rows), rk.Metric.Name, rk.Curve)
	return output.PlotSheet(file, title, sheet, 4*vg.Inch, 3*vg.Inch)
}

// metricPanel draws the metric of every ranked config against the value
// of grid key k: on a log axis for positive numbers spanning more than
// two decades, by category for values that are not numbers.
func (rk *Ranking) metricPanel(k string) *output.Panel {
	pn := &output.Panel{Title: k, XLabel: k[strings.LastIndex(k, ".")+1:], YLabel: rk.Metric.Name}
	var x, y []float64
	numeric := true
	var cats []string
	for _, r := range rk.Rows {
		v := value(r.Marker.Grid, k)
		if f, ok := number(r.Marker.Grid, k); ok {
			x = append(x, f)
		} else {
			numeric = false
		}
		if !slices.Contains(cats, v) {
			cats = append(cats, v)
		}
		y = append(y, r.Score)
	}
	if !numeric {
		x = x[:0]
		for _, r := range rk.Rows {
			x = append(x, float64(slices.Index(cats, value(r.Marker.Grid, k))))
		}
		pn.XTicks = cats
	} else if lo, hi := slices.Min(x), slices.Max(x); lo > 0 && hi/lo > 100 {
		pn.LogX = true
	}
	pn.Series = []output.Series{{X: x, Y: y, Points: true}}
	return pn
}

// number returns the value of key in g as a number, if it is one.
func number(g []Value, key string) (float64, bool) {
	for _, v := range g {
		if v.Key == key {
			switch f := v.Value.(type) {
			case float64:
				return f, !math.IsNaN(f)
			case int64:
				return float64(f), true
			}
		}
	}
	return 0, false
}

// curvePanel draws the learning curves of one ranked config.
func (rk *Ranking) curvePanel(r Row) *output.Panel {
	var grid []string
	for _, k := range rk.Keys {
		if v := value(r.Marker.Grid, k); v != "" {
			grid = append(grid, k[strings.LastIndex(k, ".")+1:]+"="+v)
		}
	}
	pn := &output.Panel{Title: fmt.Sprintf("%d. %s: %s %.4g", r.Rank, r.Marker.Config, rk.Metric.Name, r.Score),
		XLabel: "block   " + strings.Join(grid, " "), YLabel: "probability of error"}
	var totals []int
	for c, name := range r.Columns {
		if name == "total" || strings.HasPrefix(name, "total_") {
			totals = append(totals, c)
		}
	}
	for c, y := range r.Curves {
		name := r.Columns[c]
		s := output.Series{Name: name, X: make([]float64, len(y)), Y: y, Group: c}
		for b := range y {
			s.X[b] = float64(b + 1)
		}
		switch {
		case len(totals) == 1 && (name == "fast" || name == "slow" || name == "total"):
			s.Part = name // one task: the parts in their styles
		case len(totals) > 1 && !slices.Contains(totals, c):
			continue // several tasks: their totals only
		case len(totals) > 1:
			s.Group = slices.Index(totals, c)
		}
		pn.LogX = pn.LogX || len(y) > output.LongRun
		pn.Series = append(pn.Series, s)
	}
	return pn
}
