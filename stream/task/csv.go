package task

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
)

// ReadCSV reads a stimuli file: a header naming the feature columns, then
// a column "label" (the class index, 0, 1, …) and optionally a column
// "signature" (an integer identity; the row index when absent). Every row
// must have every column, every feature a finite number. Errors name the
// file, the line and the column.
func ReadCSV(path string) (*Task, error) {
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, fmt.Errorf("stimuli: %w", err)
	}
	lim, err := budget.Default()
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return parseCSV(name, path, bytes.NewReader(data), &lim)
}

// MaxClasses bounds a label: every item holds a one-hot target over the
// classes 0..the largest label, so a label is a size, not just a name.
const MaxClasses = 1 << 16

// parseCSV parses a stimuli file; with a limit, the items' one-hot
// targets must fit it.
func parseCSV(name, path string, r io.Reader, lim *budget.Limit) (*Task, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // we check row lengths ourselves, for a clearer error
	cr.TrimLeadingSpace = true
	header, table, err := csvtable.Read(cr, path, "a header line (features…, label[, signature])")
	if err != nil {
		return nil, err
	}
	labelCol, sigCol := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(strings.ToLower(h)) {
		case "label":
			labelCol = i
		case "signature":
			sigCol = i
		}
	}
	if labelCol < 1 {
		return nil, fmt.Errorf("%s: line 1: header %q: want feature columns, then a column named label (and optionally signature)", path, strings.Join(header, ","))
	}
	for i := range header {
		if i != labelCol && i != sigCol && i > labelCol {
			return nil, fmt.Errorf("%s: line 1: column %q after label: only signature may follow label", path, header[i])
		}
	}
	t := &Task{Name: name, Dims: labelCol, Classes: 2}
	type row struct {
		x          []float64
		label, sig int
	}
	var rows []row
	sigs := map[int]int{}
	for line, rec := range table.All() {
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s: line %d: %d fields, want %d (%s)", path, line, len(rec), len(header), strings.Join(header, ","))
		}
		x := make([]float64, labelCol)
		for j := 0; j < labelCol; j++ {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[j]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: line %d: column %q: %q is not a finite number", path, line, header[j], rec[j])
			}
			x[j] = v
		}
		lab, err := strconv.Atoi(strings.TrimSpace(rec[labelCol]))
		if err != nil || lab < 0 {
			return nil, fmt.Errorf("%s: line %d: column label: %q is not a class index (0, 1, …)", path, line, rec[labelCol])
		}
		sig := len(rows)
		if sigCol >= 0 {
			sig, err = strconv.Atoi(strings.TrimSpace(rec[sigCol]))
			if err != nil || sig < 0 {
				return nil, fmt.Errorf("%s: line %d: column signature: %q is not a non-negative integer", path, line, rec[sigCol])
			}
			if prev, dup := sigs[sig]; dup {
				return nil, fmt.Errorf("%s: line %d: signature %d already used on line %d", path, line, sig, prev)
			}
			sigs[sig] = line
		}
		if lab >= MaxClasses {
			return nil, fmt.Errorf("%s: line %d: column label: %d: want a class index below %d (labels are 0, 1, …, and every item holds a one-hot target over all the classes)", path, line, lab, MaxClasses)
		}
		if lab+1 > t.Classes {
			t.Classes = lab + 1
		}
		rows = append(rows, row{x, lab, sig})
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no stimuli after the header", path)
	}
	if lim != nil {
		what := fmt.Sprintf("%s: %d stimuli × %d classes (one-hot targets)", path, len(rows), t.Classes)
		if err := lim.Check(what, budget.Floats(len(rows), t.Classes)); err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		t.Items = append(t.Items, newItem(r.x, r.label, r.sig, t.Classes))
	}
	return t, nil
}
