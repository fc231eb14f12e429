package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
	"github.com/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

// WriteNPY writes y as a 1-D float64 .npy file (np.load reads it).
func WriteNPY(path string, y []float64) error { return writeNPY(path, y, len(y)) }

// WriteNPYRows writes rows, all of one length, as a 2-D float64 .npy file
// of shape (len(rows), len(rows[0])): per-run curves, a run per row.
func WriteNPYRows(path string, rows [][]float64) error {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return fmt.Errorf("%s: no rows to write", path)
	}
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		if len(r) != len(rows[0]) {
			return fmt.Errorf("%s: row %d has %d values, row 0 has %d", path, i, len(r), len(rows[0]))
		}
		m.SetRow(i, r)
	}
	return writeNPY(path, m, len(rows)*len(rows[0]))
}

// writeNPY writes v (a slice or a *mat.Dense of n values) as a .npy file.
func writeNPY(path string, v any, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	// npyio writes a value at a time: a buffer turns its writes into a
	// few system calls; one the size of a small file (its header is at
	// most 128 bytes), not 64 KB of memory to clear for 256 bytes.
	bw := bufio.NewWriterSize(f, min(1<<16, 128+8*n))
	if err := errors.Join(npyio.Write(bw, v), bw.Flush()); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// ReadNPYRows reads a 1-D or 2-D float64 .npy file as rows (a 1-D file is
// one row).
func ReadNPYRows(path string) ([][]float64, error) {
	shape, data, err := ReadNPY(path)
	if err != nil {
		return nil, err
	}
	switch len(shape) {
	case 1:
		return [][]float64{data}, nil
	case 2:
		rows := make([][]float64, shape[0])
		for i := range rows {
			rows[i] = data[i*shape[1] : (i+1)*shape[1] : (i+1)*shape[1]]
		}
		return rows, nil
	}
	return nil, fmt.Errorf("%s: shape %v: want (blocks,) or (runs, blocks)", path, shape)
}

// ReadNPY reads a float64 .npy file of any shape in C order: its shape
// and its values.
func ReadNPY(path string) ([]int, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	shape := r.Header.Descr.Shape
	if r.Header.Descr.Fortran {
		return nil, nil, fmt.Errorf("%s: shape %v in Fortran order: want C order", path, shape)
	}
	var data []float64
	if err := r.Read(&data); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if len(shape) == 0 || n != len(data) {
		return nil, nil, fmt.Errorf("%s: %d values for shape %v", path, len(data), shape)
	}
	return shape, data, nil
}

// Column is one named column of a per-block table.
type Column struct {
	Name   string
	Values []float64
}

// ReadRunBlocks reads a table that WriteRunBlocks wrote (run,block, then
// a column per curve): every column's curve of every run. Runs and blocks
// count from 0 in order; an empty cell ends a run's curve (a shorter one).
func ReadRunBlocks(path string) ([]RunsColumn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	head, table, err := csvtable.Read(r, path, "a header run,block, then a column per curve")
	if err != nil {
		return nil, err
	}
	if len(head) < 3 || head[0] != "run" || head[1] != "block" {
		return nil, fmt.Errorf("%s: header %q: want run,block, then a column per curve", path, head)
	}
	cols := make([]RunsColumn, len(head)-2)
	for i := range cols {
		cols[i].Name = head[2+i]
	}
	for line, rec := range table.All() {
		run, err1 := strconv.Atoi(rec[0])
		block, err2 := strconv.Atoi(rec[1])
		if err1 != nil || err2 != nil || run < 0 || block < 0 {
			return nil, fmt.Errorf("%s: line %d: run %q, block %q: want counts from 0", path, line, rec[0], rec[1])
		}
		for i := range cols {
			c := &cols[i]
			if rec[2+i] == "" {
				continue
			}
			v, err := strconv.ParseFloat(rec[2+i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: column %s: %w", path, line, c.Name, err)
			}
			if run == len(c.Values) && block == 0 {
				c.Values = append(c.Values, nil)
			}
			if run != len(c.Values)-1 || block != len(c.Values[run]) {
				return nil, fmt.Errorf("%s: line %d: run %d block %d of %s out of order", path, line, run, block, c.Name)
			}
			c.Values[run] = append(c.Values[run], v)
		}
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	return cols, nil
}

// ReadBlocks reads a table that WriteBlocks wrote (block, then a column
// per curve: lc.csv, loss.csv, curves.csv): the curves' names and their
// values, [column][block]. Blocks count from 0 in order; an empty cell
// ends a column's curve (a shorter one), and a value after it is an error.
func ReadBlocks(path string) ([]string, [][]float64, error) {
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, nil, err
	}
	want := "a header block, then a column per curve"
	head, table, err := csvtable.Read(csv.NewReader(bytes.NewReader(data)), path, want)
	if err != nil {
		return nil, nil, err
	}
	if len(head) < 2 || head[0] != "block" {
		return nil, nil, fmt.Errorf("%s: header %q: want %s", path, head, want)
	}
	names := head[1:]
	curves := make([][]float64, len(names))
	blocks := 0
	for line, rec := range table.All() {
		if b, err := strconv.Atoi(rec[0]); err != nil || b != blocks {
			return nil, nil, fmt.Errorf("%s: line %d: block %q: want %d (blocks from 0 in order)", path, line, rec[0], blocks)
		}
		for c, cell := range rec[1:] {
			if cell == "" {
				continue
			}
			if len(curves[c]) != blocks {
				return nil, nil, fmt.Errorf("%s: line %d: %s has a value after an empty cell", path, line, names[c])
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d: %s = %q: want a number", path, line, names[c], cell)
			}
			curves[c] = append(curves[c], v)
		}
		blocks++
	}
	if err := table.Err(); err != nil {
		return nil, nil, err
	}
	if blocks == 0 {
		return nil, nil, fmt.Errorf("%s: no blocks after the header", path)
	}
	return names, curves, nil
}

// WriteBlocks writes a CSV table with a column "block" (from 0) and the
// given columns, values printed so that they round-trip.
func WriteBlocks(path string, cols []Column) error {
	return writeTable(path, func(w *bufio.Writer) {
		w.WriteString("block")
		rows := 0
		for _, c := range cols {
			w.WriteString("," + c.Name)
			rows = max(rows, len(c.Values))
		}
		w.WriteByte('\n')
		var buf []byte
		for b := 0; b < rows; b++ {
			buf = strconv.AppendInt(buf[:0], int64(b), 10)
			for _, c := range cols {
				buf = append(buf, ',')
				if b < len(c.Values) {
					buf = strconv.AppendFloat(buf, c.Values[b], 'g', -1, 64)
				}
			}
			buf = append(buf, '\n')
			w.Write(buf)
		}
	})
}

// writeTable writes what fill writes into the file path.
func writeTable(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// RunsColumn is one named curve of every run: Values[run][block].
type RunsColumn struct {
	Name   string
	Values [][]float64
}

// WriteRunBlocks writes a CSV table with columns "run" and "block" (both
// from 0) and the given columns, a row per run and block, values printed
// so that they round-trip: the per-run curves in the long form that data
// frames read.
func WriteRunBlocks(path string, cols []RunsColumn) error {
	return writeTable(path, func(w *bufio.Writer) {
		w.WriteString("run,block")
		runs, blocks := 0, 0
		for _, c := range cols {
			w.WriteString("," + c.Name)
			runs = max(runs, len(c.Values))
			for _, v := range c.Values {
				blocks = max(blocks, len(v))
			}
		}
		w.WriteByte('\n')
		var buf []byte
		for r := 0; r < runs; r++ {
			for b := 0; b < blocks; b++ {
				buf = strconv.AppendInt(buf[:0], int64(r), 10)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(b), 10)
				for _, c := range cols {
					buf = append(buf, ',')
					if r < len(c.Values) && b < len(c.Values[r]) {
						buf = strconv.AppendFloat(buf, c.Values[r][b], 'g', -1, 64)
					}
				}
				buf = append(buf, '\n')
				w.Write(buf)
			}
		}
	})
}

// WriteJSON writes v as indented JSON.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
