package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/sbinet/npyio"
)

// WriteNPY writes y as a 1-D float64 .npy file (np.load reads it).
func WriteNPY(path string, y []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := npyio.Write(f, y); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// Column is one named column of a per-block table.
type Column struct {
	Name   string
	Values []float64
}

// WriteBlocks writes a CSV table with a column "block" (from 0) and the
// given columns, values printed so that they round-trip.
func WriteBlocks(path string, cols []Column) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
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
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteJSON writes v as indented JSON.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
