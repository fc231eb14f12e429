package explorer

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// LastK is how many last blocks the "last" metric of a sweep averages.
const LastK = 10

// Sweep is a sweep's results folder: one row per config folder.
type Sweep struct {
	Keys    []string      `json:"keys"`    // the grid keys, in the configs' order
	Curves  []string      `json:"curves"`  // the lc.csv columns ranked and packed (total per task)
	Blocks  int           `json:"blocks"`  // the longest packed curve
	Items   int           `json:"items"`   // trials per block when every task has as many, else 0
	Tasks   []string      `json:"tasks"`   // the tasks' names (from the first finished config)
	Configs []SweepConfig `json:"configs"` // by number
	Progress
}

// SweepConfig is one finished config of a sweep. Its metrics average the
// ranked curves (every task's total); they are nil for a diverged config.
type SweepConfig struct {
	Name       string   `json:"name"`
	Number     int      `json:"number"`
	Status     string   `json:"status"` // sweep.Done or sweep.Diverged
	Grid       []any    `json:"grid"`   // a value per key of Sweep.Keys (nil: not set)
	Area       *float64 `json:"area"`   // trapezoidal area under the curve
	Final      *float64 `json:"final"`  // error of the last block
	Last       *float64 `json:"last"`   // mean error of the last LastK blocks
	OAT        *bool    `json:"oat"`    // SHJ ordinal adequacy, where the config ran all six types
	DivergedAt string   `json:"diverged_at,omitempty"`
	// Packed holds the ranked curves, Sweep.Curves in order, each of
	// Sweep.Blocks values quantised to 16 bits (0 … 65535 for 0 … 1)
	// little-endian, base64: 2.7 bytes a value, steps of 1.5e-5.
	Packed string `json:"packed,omitempty"`
}

// Progress is where a sweep is: finished configs against the configs it
// generated, and, while it runs, the rate and the time left estimated from
// when the finished configs' markers were written.
type Progress struct {
	Total      int     `json:"total"`      // configs the sweep was asked for (plan.json), generated (configs/*.toml), or seen
	Done       int     `json:"done"`       // finished with results
	Diverged   int     `json:"diverged"`   // finished as diverged
	Unfinished int     `json:"unfinished"` // folders without a marker (a sweep being written)
	Rate       float64 `json:"rate"`       // configs finished per minute, 0 if unknown
	Left       float64 `json:"left"`       // seconds left at that rate, -1 if unknown
}

func loadSweep(dir string) (*Sweep, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	s := &Sweep{}
	var times []time.Time
	type curves struct {
		cols []string
		ys   [][]float64
	}
	var all []curves
	var grids [][]sweep.Value
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "configs" || e.Name() == "logs" {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		mk, err := sweep.ReadMarker(sub)
		if err != nil {
			s.Unfinished++
			continue
		}
		if st, err := os.Stat(filepath.Join(sub, sweep.MarkerName)); err == nil {
			times = append(times, st.ModTime())
		}
		for _, g := range mk.Grid {
			if !slices.Contains(s.Keys, g.Key) {
				s.Keys = append(s.Keys, g.Key)
			}
		}
		c := SweepConfig{Name: mk.Config, Number: mk.Number, Status: mk.Status}
		var cv curves
		if mk.Status == sweep.Diverged {
			s.Diverged++
			if mk.Diverged != nil {
				c.DivergedAt = mk.Diverged.String()
			}
		} else {
			s.Done++
			if cv.cols, cv.ys, err = output.ReadBlocks(filepath.Join(sub, "lc.csv")); err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
			var items []int
			var tasks []string
			if c.OAT, tasks, items, err = readSummary(filepath.Join(sub, "summary.json")); err != nil {
				return nil, err
			}
			if s.Done == 1 {
				s.Tasks = tasks
				if len(items) > 0 && !slices.ContainsFunc(items, func(n int) bool { return n != items[0] }) {
					s.Items = items[0]
				}
			}
		}
		s.Configs = append(s.Configs, c)
		all = append(all, cv)
		grids = append(grids, mk.Grid)
	}
	for _, cv := range all {
		for _, col := range cv.cols {
			if ranked(col, cv.cols) && !slices.Contains(s.Curves, col) {
				s.Curves = append(s.Curves, col)
			}
		}
		for _, y := range cv.ys {
			s.Blocks = max(s.Blocks, len(y))
		}
	}
	for i := range s.Configs {
		s.Configs[i].Grid = gridValues(s.Keys, grids[i])
		cv := all[i]
		if cv.cols == nil {
			continue
		}
		var area, final, last float64
		packed := make([]byte, 0, 2*s.Blocks*len(s.Curves))
		for _, col := range s.Curves {
			k := slices.Index(cv.cols, col)
			var y []float64
			if k >= 0 {
				y = cv.ys[k]
				area += curve.Area(y)
				final += y[len(y)-1]
				last += mean(y[max(0, len(y)-LastK):])
			}
			packed = pack(packed, y, s.Blocks)
		}
		n := float64(len(s.Curves))
		c := &s.Configs[i]
		c.Area, c.Final, c.Last = ptr(area/n), ptr(final/n), ptr(last/n)
		c.Packed = base64.StdEncoding.EncodeToString(packed)
	}
	slices.SortStableFunc(s.Configs, func(a, b SweepConfig) int { return a.Number - b.Number })
	s.Total = len(s.Configs) + s.Unfinished
	if gen, _ := filepath.Glob(filepath.Join(dir, "configs", "*.toml")); len(gen) > s.Total {
		s.Total = len(gen)
	}
	if p, err := sweep.ReadPlan(dir); err == nil && p.Total > s.Total {
		s.Total = p.Total
	}
	s.Rate, s.Left = rate(times, s.Total-s.Done-s.Diverged)
	return s, nil
}

// ranked reports whether a column of lc.csv is ranked: a dual stream's
// totals, or every column of a single stream.
func ranked(col string, cols []string) bool {
	dual := slices.ContainsFunc(cols, func(c string) bool { return c == "total" || strings.HasPrefix(c, "total_") })
	return !dual || col == "total" || strings.HasPrefix(col, "total_")
}

func gridValues(keys []string, g []sweep.Value) []any {
	out := make([]any, len(keys))
	for _, v := range g {
		out[slices.Index(keys, v.Key)] = v.Value
	}
	return out
}

// pack appends y, padded with the quantised value 65535 (drawn as a gap)
// to n blocks, as 16-bit little-endian values of round(y·65534).
func pack(b []byte, y []float64, n int) []byte {
	for i := 0; i < n; i++ {
		q := uint16(65535)
		if i < len(y) && !math.IsNaN(y[i]) {
			q = uint16(math.Round(min(max(y[i], 0), 1) * 65534))
		}
		b = binary.LittleEndian.AppendUint16(b, q)
	}
	return b
}

func mean(y []float64) float64 {
	var s float64
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}

func ptr[T any](v T) *T { return &v }

// readSummary reads a config's summary.json: its SHJ ordinal adequacy
// (nil when the config did not run the six types), and the name and the
// items of each task.
func readSummary(path string) (*bool, []string, []int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("report: %w", err)
	}
	var sum struct {
		OAT *struct {
			Pass bool `json:"pass"`
		} `json:"shj_ordinal_adequacy"`
		Tasks []struct {
			Task  string `json:"task"`
			Items int    `json:"items"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, nil, nil, fmt.Errorf("report: %s: %w", path, err)
	}
	var tasks []string
	var items []int
	for _, t := range sum.Tasks {
		tasks, items = append(tasks, t.Task), append(items, t.Items)
	}
	if sum.OAT == nil {
		return nil, tasks, items, nil
	}
	return &sum.OAT.Pass, tasks, items, nil
}

// rate returns the configs finished per minute, from the first to the
// last marker written, and the seconds the left configs take at that rate
// (-1 when unknown: fewer than two markers, or nothing left).
func rate(times []time.Time, left int) (float64, float64) {
	if len(times) < 2 {
		return 0, -1
	}
	first, last := slices.MinFunc(times, time.Time.Compare), slices.MaxFunc(times, time.Time.Compare)
	span := last.Sub(first).Minutes()
	if span <= 0 {
		return 0, -1
	}
	r := float64(len(times)-1) / span
	if left <= 0 {
		return r, -1
	}
	return r, float64(left) / r * 60
}
