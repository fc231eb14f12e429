package fitspec

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
)

// Curve is one condition's curves as a fit's curves.csv holds them: the
// data fitted and the model's at the best point, block by block.
type Curve struct {
	Condition   string
	Data, Model []float64
}

// curvesHeader is the header writeCurves writes and ReadCurves wants.
var curvesHeader = []string{"condition", "block", "data", "model"}

// ReadCurves reads a fit's curves.csv (condition,block,data,model, as the
// fit writes it), a curve per condition in the order the conditions first
// appear; a row that is not four numbers after its condition is an error
// naming its line.
func ReadCurves(path string) ([]Curve, error) {
	data, err := budget.ReadFile(path, budget.MaxText)
	if err != nil {
		return nil, err
	}
	want := "the header condition,block,data,model"
	header, rows, err := csvtable.Read(csv.NewReader(bytes.NewReader(data)), path, want)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, curvesHeader) {
		return nil, fmt.Errorf("%s: header %v: want %s", path, header, want)
	}
	var out []Curve
	for line, r := range rows.All() {
		k := slices.IndexFunc(out, func(c Curve) bool { return c.Condition == r[0] })
		if k < 0 {
			k = len(out)
			out = append(out, Curve{Condition: r[0]})
		}
		d, err1 := strconv.ParseFloat(r[2], 64)
		m, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: line %d: data and model: want numbers, got %q and %q", path, line, r[2], r[3])
		}
		out[k].Data = append(out[k].Data, d)
		out[k].Model = append(out[k].Model, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", path)
	}
	return out, nil
}
