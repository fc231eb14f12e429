package fitspec

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/task"
)

// Nosofsky1994 is the name of the built-in data set: the six SHJ problems
// of Nosofsky et al. (1994), 16 blocks of 16 trials, conditions "1".."6".
const Nosofsky1994 = "nosofsky1994"

// Data is a set of human learning curves: the mean probability of error
// per block of every condition.
type Data struct {
	Source     string      // the file read, or Nosofsky1994
	Conditions []Condition // in the order of their first row
}

// Condition is one condition's learning curve.
type Condition struct {
	Name   string    // an SHJ type ("4") or a task's name
	PError []float64 // block 1 first
}

// Cells returns the number of (condition, block) cells.
func (d *Data) Cells() int {
	n := 0
	for _, c := range d.Conditions {
		n += len(c.PError)
	}
	return n
}

// MaxBlocks returns the number of blocks of the longest condition.
func (d *Data) MaxBlocks() int {
	n := 0
	for _, c := range d.Conditions {
		n = max(n, len(c.PError))
	}
	return n
}

// NosofskyData returns the built-in data set.
func NosofskyData() *Data {
	d := &Data{Source: Nosofsky1994}
	for typ := 1; typ <= 6; typ++ {
		d.Conditions = append(d.Conditions, Condition{Name: strconv.Itoa(typ), PError: human.Nosofsky1994(typ)})
	}
	return d
}

// ReadData reads a data CSV (see ParseData); Nosofsky1994 names the
// built-in data set.
func ReadData(path string) (*Data, error) {
	if path == Nosofsky1994 {
		return NosofskyData(), nil
	}
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return ParseData(path, bytes.NewReader(data))
}

// ParseData reads learning curves from a CSV with the header
// condition,block,p_error ("type" may name the first column, as in the
// shipped Nosofsky et al. file): one row per condition and block, blocks
// numbered from 1 without gaps, p_error in [0, 1]. path names the file in
// errors.
func ParseData(path string, r io.Reader) (*Data, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	head, table, err := csvtable.Read(cr, path, "a header condition,block,p_error and one row per condition and block")
	if err != nil {
		return nil, err
	}
	for i := range head {
		head[i] = strings.ToLower(strings.TrimSpace(head[i]))
	}
	if len(head) != 3 || (head[0] != "condition" && head[0] != "type") || head[1] != "block" || head[2] != "p_error" {
		return nil, fmt.Errorf("%s: header %q: want condition,block,p_error", path, strings.Join(head, ","))
	}
	d := &Data{Source: path}
	blocks := map[string]map[int]float64{}
	for line, rec := range table.All() {
		name := strings.TrimSpace(rec[0])
		if name == "" {
			return nil, fmt.Errorf("%s: line %d: empty condition", path, line)
		}
		b, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || b < 1 {
			return nil, fmt.Errorf("%s: line %d: block %q: want an integer from 1", path, line, rec[1])
		}
		p, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil || !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("%s: line %d: p_error %q: want a probability in [0, 1]", path, line, rec[2])
		}
		m, ok := blocks[name]
		if !ok {
			m = map[int]float64{}
			blocks[name] = m
			d.Conditions = append(d.Conditions, Condition{Name: name})
		}
		if _, dup := m[b]; dup {
			return nil, fmt.Errorf("%s: line %d: condition %s block %d appears twice", path, line, name, b)
		}
		m[b] = p
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	if len(d.Conditions) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", path)
	}
	for i := range d.Conditions {
		c := &d.Conditions[i]
		m := blocks[c.Name]
		c.PError = make([]float64, len(m))
		for b, p := range m {
			if b > len(m) {
				return nil, fmt.Errorf("%s: condition %s has %d blocks but numbers one %d: want blocks 1..%d without gaps", path, c.Name, len(m), b, len(m))
			}
			c.PError[b-1] = p
		}
	}
	return d, nil
}

// match returns, for every task, the index of its condition in d: an SHJ
// task matches its type number ("4") or its name ("shj4"), another task
// its name. Every task needs a condition and every condition a task.
func (d *Data) match(tasks []*task.Task) ([]int, error) {
	idx := make([]int, len(tasks))
	used := make([]bool, len(d.Conditions))
	var names []string
	for i, t := range tasks {
		names = append(names, conditionName(t))
		idx[i] = -1
		for j, c := range d.Conditions {
			if c.Name == t.Name || (t.SHJType > 0 && c.Name == strconv.Itoa(t.SHJType)) {
				idx[i] = j
				used[j] = true
				break
			}
		}
	}
	var missing, extra []string
	for i, t := range tasks {
		if idx[i] < 0 {
			missing = append(missing, conditionName(t))
		}
	}
	for j, c := range d.Conditions {
		if !used[j] {
			extra = append(extra, c.Name)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "no data for "+strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			parts = append(parts, "no task for condition "+strings.Join(extra, ", "))
		}
		return nil, fmt.Errorf("%s: the conditions do not match the task (%s): want conditions %s", d.Source, strings.Join(parts, "; "), strings.Join(names, ", "))
	}
	return idx, nil
}

// conditionName is how a data file names task t's condition.
func conditionName(t *task.Task) string {
	if t.SHJType > 0 {
		return strconv.Itoa(t.SHJType)
	}
	return t.Name
}

// checksumText returns the data's values as text for the fit's checksum.
func (d *Data) checksumText() string {
	var b strings.Builder
	for _, c := range d.Conditions {
		b.WriteString(c.Name)
		for _, p := range c.PError {
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(p, 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// isSHJ reports whether the tasks are the six SHJ problems.
func isSHJ(tasks []*task.Task) bool {
	var types []int
	for _, t := range tasks {
		types = append(types, t.SHJType)
	}
	slices.Sort(types)
	return slices.Equal(types, []int{1, 2, 3, 4, 5, 6})
}
