package triallist

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fastslow/stream/csvtable"
)

// ReadFile reads a trial list from a CSV file (see Read).
func ReadFile(path string) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trial list: %w", err)
	}
	defer f.Close()
	l, err := Read(f, path)
	if l != nil {
		l.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return l, err
}

// Read reads a trial list in catlearn's convention, as its training-list
// functions write them with write.csv: a header, then one row per trial
// with the columns
//
//	ctrl          the control code: 1 reset then learn, 0 learn, 2 test
//	x1 … xD       the features
//	t1 … tC       the teaching signals: 1 for the category present, the
//	              absent value (−1 or 0, the same throughout) for the others
//
// and optionally cond, phase, blk (or block), stim (a name or a number),
// subj, trial, and m1 … mD (missing-dimension flags, which must be 0). The
// columns may come in any order; any other column is an error, as is a
// row of another length than the header's. Errors name the file (path),
// the line and the column. The list is checked (List.Check).
func Read(r io.Reader, path string) (*List, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, for a clearer error
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, table, err := csvtable.Read(cr, path, "a header line (ctrl, x1…, t1…)")
	if err != nil {
		return nil, err
	}
	cols, err := parseHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%s: line 1: %w", path, err)
	}
	l := &List{Name: path, Dims: len(cols.x), Classes: len(cols.t), Absent: math.NaN()}
	items := make(map[string]int)
	var key strings.Builder
	for line, rec := range table.All() {
		if len(rec) != len(cols.names) {
			return nil, fmt.Errorf("%s: line %d: %d fields, the header has %d", path, line, len(rec), len(cols.names))
		}
		if len(l.Trials) == MaxTrials {
			return nil, fmt.Errorf("%s: line %d: more than %d trials", path, line, MaxTrials)
		}
		t, err := cols.trial(rec)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		if t.Ctrl == Reset {
			l.Subjects++
		}
		t.Subject = max(l.Subjects-1, 0)
		if t.Ctrl != Frozen || t.Label >= 0 {
			for _, v := range t.T {
				if v != Present && math.IsNaN(l.Absent) {
					l.Absent = v
				}
			}
		}
		key.Reset()
		key.WriteString(t.Stim)
		for _, v := range t.X {
			key.WriteByte(',')
			key.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		k, ok := items[key.String()]
		if !ok {
			k = len(items)
			items[key.String()] = k
		}
		t.Item = k
		l.Trials = append(l.Trials, t)
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	l.Items = len(items)
	if math.IsNaN(l.Absent) {
		l.Absent = -1 // no trial shows it; catlearn's default
	}
	if err := l.Check(); err != nil {
		return nil, err
	}
	return l, nil
}

// columns maps a header's columns to what they hold.
type columns struct {
	names                                []string
	ctrl, cond, phase, block, stim, subj int
	x, t, m                              []int
}

// parseHeader finds the columns of a header; x, t and m columns must be
// numbered 1, 2, … without gaps.
func parseHeader(header []string) (*columns, error) {
	c := &columns{names: append([]string(nil), header...), ctrl: -1, cond: -1, phase: -1, block: -1, stim: -1, subj: -1}
	idx := map[byte]map[int]int{'x': {}, 't': {}, 'm': {}}
	seen := make(map[string]bool)
	for i, h := range c.names {
		h = strings.ToLower(strings.TrimSpace(h))
		c.names[i] = h
		if seen[h] {
			return nil, fmt.Errorf("column %q twice", h)
		}
		seen[h] = true
		named := map[string]*int{"ctrl": &c.ctrl, "cond": &c.cond, "phase": &c.phase, "blk": &c.block, "block": &c.block, "stim": &c.stim, "subj": &c.subj}
		if p, ok := named[h]; ok {
			if *p >= 0 {
				return nil, errors.New("columns blk and block both given: want one")
			}
			*p = i
			continue
		}
		if h == "trial" {
			continue
		}
		if len(h) > 1 {
			if m, ok := idx[h[0]]; ok {
				if n, err := strconv.Atoi(h[1:]); err == nil && n >= 1 && n <= MaxDims {
					m[n] = i
					continue
				}
			}
		}
		return nil, fmt.Errorf("unknown column %q: want ctrl, x1…, t1…, and optionally cond, phase, blk, stim, subj, trial, m1…", h)
	}
	if c.ctrl < 0 {
		return nil, errors.New("no ctrl column: want a control code per trial (1 reset, 0 learn, 2 test)")
	}
	var err error
	for _, p := range []struct {
		letter byte
		dst    *[]int
		min    int
		what   string
	}{{'x', &c.x, 1, "feature"}, {'t', &c.t, 2, "teaching signal (one per category)"}, {'m', &c.m, 0, "missing-dimension flag"}} {
		m := idx[p.letter]
		if len(m) < p.min {
			return nil, fmt.Errorf("%d %s columns (%c1, %c2, …): want at least %d", len(m), p.what, p.letter, p.letter, p.min)
		}
		for n := 1; n <= len(m); n++ {
			i, ok := m[n]
			if !ok {
				err = fmt.Errorf("column %c%d missing: %s columns must be numbered from 1 without gaps", p.letter, n, p.what)
				break
			}
			*p.dst = append(*p.dst, i)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(c.m) > 0 && len(c.m) != len(c.x) {
		return nil, fmt.Errorf("%d missing-dimension flags for %d features: want one per feature or none", len(c.m), len(c.x))
	}
	return c, nil
}

// trial parses one row; Subject and Item are left to the caller.
func (c *columns) trial(rec []string) (Trial, error) {
	num := func(col int) (float64, error) {
		s := strings.TrimSpace(rec[col])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("column %s: %q is not a finite number", c.names[col], s)
		}
		return v, nil
	}
	integer := func(col int) (int, error) {
		if col < 0 {
			return 0, nil
		}
		s := strings.TrimSpace(rec[col])
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("column %s: %q is not an integer", c.names[col], s)
		}
		return v, nil
	}
	var t Trial
	ctrl, err := integer(c.ctrl)
	if err != nil {
		return t, err
	}
	t.Ctrl = Ctrl(ctrl)
	if t.Phase, err = integer(c.phase); err != nil {
		return t, err
	}
	if t.Block, err = integer(c.block); err != nil {
		return t, err
	}
	if c.cond >= 0 {
		t.Cond = strings.TrimSpace(rec[c.cond])
	}
	if c.stim >= 0 {
		t.Stim = strings.TrimSpace(rec[c.stim])
	}
	t.X = make([]float64, len(c.x))
	for d, col := range c.x {
		if t.X[d], err = num(col); err != nil {
			return t, err
		}
	}
	for _, col := range c.m {
		v, err := num(col)
		if err != nil {
			return t, err
		}
		if v != 0 {
			return t, fmt.Errorf("column %s = %v: missing dimensions are not supported (want 0)", c.names[col], v)
		}
	}
	t.T = make([]float64, len(c.t))
	t.Label = -1
	for k, col := range c.t {
		if t.T[k], err = num(col); err != nil {
			return t, err
		}
		if t.T[k] == Present && t.Label < 0 {
			t.Label = k
		}
	}
	return t, nil
}
