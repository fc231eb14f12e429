package explorer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/fastslow/cmd/internal/fitspec"
	"github.com/fastslow/stream/csvtable"
	"github.com/fastslow/stream/output"
)

// Fit is the results folder of cmd/fitdata: the model against the data
// per condition, and the search's trace.
type Fit struct {
	Model      string          `json:"model"`
	BlockTrial int             `json:"block_trials"` // trials per data block
	Conditions []Condition     `json:"conditions"`
	Params     []string        `json:"params"` // the free keys
	Trace      Trace           `json:"trace"`
	Summary    json.RawMessage `json:"summary"` // fit.json
}

// Condition is one condition's data and fitted curve, over data blocks,
// with a band of one standard deviation over the best parameters' runs
// when the folder holds their per-run curves (lc_runs.csv).
type Condition struct {
	Name  string    `json:"name"`
	Task  string    `json:"task"` // "type1" … for SHJ, to overlay with runs
	Data  []float64 `json:"data"`
	Model []float64 `json:"model"`
	Lo    []float64 `json:"lo,omitempty"`
	Hi    []float64 `json:"hi,omitempty"`
	Runs  int       `json:"runs,omitempty"` // runs behind the band
}

// Trace is the fit's evaluations in order, a column per field; a loss
// that is not finite (a refused point) is nil.
type Trace struct {
	Eval   []int                `json:"eval"`
	Phase  []string             `json:"phase"`
	Seed   []int64              `json:"seed"`
	Loss   []*float64           `json:"loss"`
	Params map[string][]float64 `json:"params"`
}

func loadFit(dir string) (*Fit, error) {
	path := filepath.Join(dir, "fit.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var sum struct {
		Model       string   `json:"model"`
		BlockTrials int      `json:"block_trials"`
		Tasks       []string `json:"tasks"`
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	f := &Fit{Model: sum.Model, BlockTrial: sum.BlockTrials, Summary: data}
	curves, err := fitspec.ReadCurves(filepath.Join(dir, "curves.csv"))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, c := range curves {
		task := c.Condition
		if n, err := strconv.Atoi(c.Condition); err == nil && slices.Contains(sum.Tasks, "shj"+c.Condition) {
			task = "type" + strconv.Itoa(n)
		}
		f.Conditions = append(f.Conditions, Condition{Name: c.Condition, Task: task, Data: c.Data, Model: round(c.Model)})
	}
	if err := fitBands(dir, f.Conditions); err != nil {
		return nil, err
	}
	if f.Params, f.Trace, err = readTrace(filepath.Join(dir, "trace.csv")); err != nil {
		return nil, err
	}
	return f, nil
}

// fitBands sets the band of every condition from the per-run curves of
// the best parameters in dir's lc_runs.csv (as a run's folder holds them:
// a column per task, "type1" … for SHJ, "value" for one task). A fit
// written before fits kept them has no bands, nor has a condition whose
// per-run curves span other blocks than its data.
func fitBands(dir string, conds []Condition) error {
	cols, err := output.ReadRunBlocks(filepath.Join(dir, "lc_runs.csv"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i := range conds {
		c := &conds[i]
		k := slices.IndexFunc(cols, func(rc output.RunsColumn) bool {
			return rc.Name == c.Task || rc.Name == c.Name || rc.Name == "value" && len(conds) == 1
		})
		if k < 0 || len(cols[k].Values) == 0 {
			continue
		}
		rows := cols[k].Values
		if slices.ContainsFunc(rows, func(r []float64) bool { return len(r) != len(c.Model) }) {
			continue
		}
		_, c.Lo, c.Hi = band(rows, true)
		c.Runs = len(rows)
	}
	return nil
}

// csvRow is a row of a CSV file with the line it starts on.
type csvRow struct {
	line int
	rec  []string
}

// readCSV reads a CSV file (lines starting with # are comments) whose
// header starts with head, and returns its header and rows, each with its
// line for errors.
func readCSV(path string, head []string) ([]string, []csvRow, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comment = '#'
	want := fmt.Sprintf("a header starting %v", head)
	header, table, err := csvtable.Read(r, path, want)
	if err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	if len(header) < len(head) || !slices.Equal(header[:len(head)], head) {
		return nil, nil, fmt.Errorf("report: %s: want %s", path, want)
	}
	var rows []csvRow
	for line, rec := range table.All() {
		rows = append(rows, csvRow{line, rec})
	}
	if err := table.Err(); err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	return header, rows, nil
}

// readTrace reads a fit's trace.csv: eval,phase,start,seed,runs, the free
// keys, then loss,sse,rmse,oat,error.
func readTrace(path string) ([]string, Trace, error) {
	tr := Trace{Params: map[string][]float64{}}
	head, rows, err := readCSV(path, []string{"eval", "phase", "start", "seed", "runs"})
	if err != nil {
		return nil, tr, err
	}
	li := slices.Index(head, "loss")
	if li < 5 {
		return nil, tr, fmt.Errorf("report: %s: no loss column", path)
	}
	keys := head[5:li]
	for _, row := range rows {
		r := row.rec
		ev, err1 := strconv.Atoi(r[0])
		sd, err2 := strconv.ParseInt(r[3], 10, 64)
		loss, err3 := strconv.ParseFloat(r[li], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, tr, fmt.Errorf("report: %s: line %d: %w", path, row.line, err)
		}
		tr.Eval, tr.Phase, tr.Seed = append(tr.Eval, ev), append(tr.Phase, r[1]), append(tr.Seed, sd)
		if math.IsInf(loss, 0) || math.IsNaN(loss) {
			tr.Loss = append(tr.Loss, nil)
		} else {
			tr.Loss = append(tr.Loss, &loss)
		}
		for k, key := range keys {
			v, err := strconv.ParseFloat(r[5+k], 64)
			if err != nil {
				return nil, tr, fmt.Errorf("report: %s: line %d: %s: %w", path, row.line, key, err)
			}
			tr.Params[key] = append(tr.Params[key], v)
		}
	}
	return keys, tr, nil
}
