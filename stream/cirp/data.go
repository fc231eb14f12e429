package cirp

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fastslow/stream/triallist"
)

// data holds catlearn 1.1's exports (data/README.md says where each file
// comes from): the human data, the stimulus tables, and the trial orders
// of catlearn's simulated subjects (gzip-compressed).
//
//go:embed data/*.csv data/*.csv.gz
var data embed.FS

// table is a CSV file of the data folder: its columns by name and its rows.
type table struct {
	name string
	col  map[string]int
	rows [][]string
}

// readTable reads data/name, decompressing a .gz file.
func readTable(name string) (*table, error) {
	b, err := data.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("cirp: %w", err)
	}
	var r io.Reader = bytes.NewReader(b)
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("cirp: %s: %w", name, err)
		}
		r = zr
	}
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("cirp: %s: %w", name, err)
	}
	t := &table{name: name, col: make(map[string]int), rows: recs[1:]}
	for i, h := range recs[0] {
		t.col[h] = i
	}
	return t, nil
}

// str returns column c of row i.
func (t *table) str(i int, c string) string {
	k, ok := t.col[c]
	if !ok {
		panic(fmt.Sprintf("cirp: %s has no column %q", t.name, c)) // the embedded files are part of the program
	}
	return t.rows[i][k]
}

// num returns column c of row i as a number (NA is NaN).
func (t *table) num(i int, c string) float64 {
	s := t.str(i, c)
	if s == "NA" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(fmt.Sprintf("cirp: %s row %d column %q: %v", t.name, i+2, c, err))
	}
	return v
}

// int returns column c of row i as an integer.
func (t *table) int(i int, c string) int { return int(t.num(i, c)) }

// stimuli reads the rows of a stimulus table that keep accepts: stim,
// x1…xD (D = dims) and t1, t2.
func stimuli(t *table, dims int, keep func(i int) bool) []Stimulus {
	var out []Stimulus
	for i := range t.rows {
		if keep != nil && !keep(i) {
			continue
		}
		s := Stimulus{Name: t.str(i, "stim"), X: make([]float64, dims), T: []float64{t.num(i, "t1"), t.num(i, "t2")}}
		for d := range s.X {
			s.X[d] = t.num(i, fmt.Sprintf("x%d", d+1))
		}
		s.Frequency = 1
		if s.T[1] == triallist.Present {
			s.Label = 1
		}
		if c, ok := t.col["in_training"]; ok {
			s.Training = t.rows[i][c] == "TRUE"
		}
		out = append(out, s)
	}
	return out
}

// orders builds a condition's trial list from catlearn's trial orders
// (siminput_*.csv: subj, ctrl, stim, and blk, phase where given) over the
// condition's stimuli (stim k is Stimuli[k−1]); keep selects the rows.
func orders(t *table, c *Condition, keep func(i int) bool) {
	l := &triallist.List{Name: c.Name, Dims: len(c.Stimuli[0].X), Classes: 2, Absent: -1, Items: len(c.Stimuli)}
	_, hasPhase := t.col["phase"]
	for i := range t.rows {
		if keep != nil && !keep(i) {
			continue
		}
		k := t.int(i, "stim") - 1
		s := &c.Stimuli[k]
		tr := triallist.Trial{Ctrl: triallist.Ctrl(t.int(i, "ctrl")), Subject: t.int(i, "subj") - 1, Cond: c.Name,
			Block: t.int(i, "blk"), Stim: s.Name, Item: k, X: s.X, T: s.T, Label: s.Label}
		if hasPhase {
			tr.Phase = t.int(i, "phase")
		}
		l.Trials = append(l.Trials, tr)
	}
	l.Subjects = l.Trials[len(l.Trials)-1].Subject + 1
	if err := l.Check(); err != nil {
		panic(err) // the embedded files are part of the program
	}
	c.List = l
}
