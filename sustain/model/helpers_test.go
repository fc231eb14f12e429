package model

import (
	"strconv"
	"testing"

	"github.com/fastslow/stream/fixture"
)

// Published parameters of SUSTAIN for the SHJ problems (Love et al.
// 2004), as catlearn's nosof94sustain and its unit test use them.
func published() Params {
	return Params{Dims: 3, Classes: 2, R: 9.01245, Beta: 1.252233, D: 16.924073, Eta: 0.092327,
		Lambda: []float64{1, 1, 1}}
}

// table is a CSV file read as a header and rows of numbers.
type table struct {
	col  map[string]int
	rows [][]string
}

func readTable(t testing.TB, path string) *table {
	t.Helper()
	col, rows := fixture.ReadCSV(t, path)
	return &table{col: col, rows: rows}
}

func (tb *table) str(t testing.TB, row int, name string) string {
	t.Helper()
	c, ok := tb.col[name]
	if !ok {
		t.Fatalf("no column %q", name)
	}
	return tb.rows[row][c]
}

func (tb *table) num(t testing.TB, row int, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(tb.str(t, row, name), 64)
	if err != nil {
		t.Fatalf("row %d column %s: %v", row+1, name, err)
	}
	return v
}
