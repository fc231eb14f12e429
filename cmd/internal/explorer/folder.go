package explorer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// Folder is one results folder as the page shows it: exactly one of Run,
// Sweep and Fit is set, as Kind says.
type Folder struct {
	Name  string `json:"name"` // the folder's base name
	Path  string `json:"path"` // as given on the command line
	Kind  string `json:"kind"` // "run", "sweep" or "fit"
	Run   *Run   `json:"run,omitempty"`
	Sweep *Sweep `json:"sweep,omitempty"`
	Fit   *Fit   `json:"fit,omitempty"`
}

// Curve is a named curve over blocks (from 1): a mean and, when the
// folder holds every run's curve, a band of one standard deviation over
// runs around it.
type Curve struct {
	Task string    `json:"task"` // "type1", a task's name, or "" for one task
	Part string    `json:"part"` // "fast", "slow" or "total"
	Mean []float64 `json:"mean"`
	Lo   []float64 `json:"lo,omitempty"`
	Hi   []float64 `json:"hi,omitempty"`
	Runs int       `json:"runs,omitempty"` // runs behind the band
}

// Human is a human learning curve placed on a task's block axis.
type Human struct {
	Task string    `json:"task"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
}

// Run is a model's or a dual stream's results folder.
type Run struct {
	Model string         `json:"model"`
	Dual  bool           `json:"dual"`
	Tasks []string       `json:"tasks"`
	Items map[string]int `json:"items"` // trials per block of each task
	LC    []Curve        `json:"lc"`
	Loss  []Curve        `json:"loss"`
	Units []Curve        `json:"units,omitempty"` // recruited units over blocks, for models that recruit
	// Observed holds what the model recorded at every block's end (its
	// attention), for models that record it.
	Observed []Quantity      `json:"observed,omitempty"`
	Human    []Human         `json:"human,omitempty"`
	Summary  json.RawMessage `json:"summary"`
}

// Quantity is a quantity a model recorded at every block's end, such as
// its attention, on one task: a curve per dimension, with its band over
// runs.
type Quantity struct {
	Name string  `json:"name"` // as summary.json's "observed" names it: "attention", "attention_fast"
	Task string  `json:"task"`
	Dims []Curve `json:"dims"`
}

// Load reads the results folder dir: a model's run (summary.json), a
// sweep (sub-folders with sweep.json) or a fit (fit.json).
func Load(dir string) (*Folder, error) {
	f := &Folder{Name: filepath.Base(filepath.Clean(dir)), Path: dir}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("report: %s: not a folder", dir)
	}
	switch {
	case exists(filepath.Join(dir, "fit.json")):
		f.Kind = "fit"
		f.Fit, err = loadFit(dir)
	case exists(filepath.Join(dir, "summary.json")):
		f.Kind = "run"
		f.Run, err = loadRun(dir)
	case isSweep(dir):
		f.Kind = "sweep"
		f.Sweep, err = loadSweep(dir)
	default:
		return nil, fmt.Errorf("report: %s: not a results folder: want summary.json (a run), fit.json (a fit) or folders with %s (a sweep)", dir, sweep.MarkerName)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// isSweep reports whether dir holds a sweep: a configs folder, or a
// sub-folder with a marker.
func isSweep(dir string) bool {
	if exists(filepath.Join(dir, "configs")) {
		return true
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && exists(filepath.Join(dir, e.Name(), sweep.MarkerName)) {
			return true
		}
	}
	return false
}

// parts are the curves of a composite stream, in lc.csv's order.
var parts = []string{"fast", "slow", "total"}

// splitColumn splits an lc.csv column into its part and task.
func splitColumn(col string, dual bool) (part, task string) {
	if col == "value" {
		return "total", ""
	}
	if dual {
		for _, p := range parts {
			if col == p {
				return p, ""
			}
			if strings.HasPrefix(col, p+"_") {
				return p, col[len(p)+1:]
			}
		}
	}
	return "total", col
}

// npyName returns the .npy file of an lc.csv column: prefix "lc" or
// "loss", the column's name after an underscore, "value" meaning none.
func npyName(prefix, col string) string {
	if col == "value" {
		return prefix + ".npy"
	}
	return prefix + "_" + col + ".npy"
}

func loadRun(dir string) (*Run, error) {
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var sum struct {
		Model    string   `json:"model"`
		Observed []string `json:"observed"`
		Tasks    []struct {
			Task  string `json:"task"`
			Items int    `json:"items"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, fmt.Errorf("report: %s: %w", filepath.Join(dir, "summary.json"), err)
	}
	r := &Run{Model: sum.Model, Summary: data, Items: map[string]int{}}
	cols, means, err := output.ReadBlocks(filepath.Join(dir, "lc.csv"))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.Dual = slices.ContainsFunc(cols, func(c string) bool { return c == "total" || strings.HasPrefix(c, "total_") })
	lcols, lmeans, err := output.ReadBlocks(filepath.Join(dir, "loss.csv"))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for k, set := range []struct {
		prefix string
		cols   []string
		means  [][]float64
		out    *[]Curve
	}{{"lc", cols, means, &r.LC}, {"loss", lcols, lmeans, &r.Loss}} {
		for i, col := range set.cols {
			part, task := splitColumn(col, r.Dual)
			c := Curve{Task: task, Part: part, Mean: round(set.means[i])}
			if k == 0 && !slices.Contains(r.Tasks, task) {
				r.Tasks = append(r.Tasks, task)
			}
			runsFile := filepath.Join(dir, strings.TrimSuffix(npyName(set.prefix, col), ".npy")+"_runs.npy")
			if rows, err := output.ReadNPYRows(runsFile); err == nil {
				_, c.Lo, c.Hi = band(rows, set.prefix == "lc")
				c.Runs = len(rows)
			} else if !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("report: %w", err)
			}
			*set.out = append(*set.out, c)
		}
	}
	// Recruited units over blocks, named as lc.csv names the task's curves
	// ("value" for one task).
	for _, task := range r.Tasks {
		col := task
		if col == "" {
			col = "value"
		}
		mean, err := output.ReadNPYRows(filepath.Join(dir, npyName("units", col)))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		rows, err2 := output.ReadNPYRows(filepath.Join(dir, strings.TrimSuffix(npyName("units", col), ".npy")+"_runs.npy"))
		if err := errors.Join(err, err2); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		c := Curve{Task: task, Part: "total", Mean: round(mean[0]), Runs: len(rows)}
		_, c.Lo, c.Hi = band(rows, false)
		r.Units = append(r.Units, c)
	}
	for _, name := range sum.Observed {
		for _, task := range r.Tasks {
			q, err := loadQuantity(dir, name, task)
			if err != nil {
				return nil, err
			}
			r.Observed = append(r.Observed, q)
		}
	}
	if len(r.Tasks) == 1 && r.Tasks[0] == "" && len(sum.Tasks) == 1 {
		// One task: its curves are named by the task, as a sweep's are.
		r.Tasks[0] = sum.Tasks[0].Task
		for _, cs := range [][]Curve{r.LC, r.Loss, r.Units} {
			for i := range cs {
				cs[i].Task = r.Tasks[0]
			}
		}
		for i := range r.Observed {
			r.Observed[i].Task = r.Tasks[0]
		}
	}
	for i, t := range sum.Tasks {
		name := r.Tasks[min(i, len(r.Tasks)-1)]
		r.Items[name] = t.Items
		typ := shjType(t.Task)
		if h := human.Nosofsky1994(typ); typ > 0 && h != nil && t.Items > 0 {
			r.Human = append(r.Human, Human{Task: name, X: human.Blocks(t.Items, len(h)), Y: h})
		}
	}
	return r, nil
}

// loadQuantity reads the quantity name recorded over blocks on task (as
// lc.csv names it, "" for one task): <name>_<task>_runs.npy, runs ×
// blocks × dimensions.
func loadQuantity(dir, name, task string) (Quantity, error) {
	col := task
	if col == "" {
		col = "value"
	}
	path := filepath.Join(dir, strings.TrimSuffix(npyName(name, col), ".npy")+"_runs.npy")
	shape, data, err := output.ReadNPY(path)
	if err != nil {
		return Quantity{}, fmt.Errorf("report: %w", err)
	}
	if len(shape) != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 {
		return Quantity{}, fmt.Errorf("report: %s: shape %v: want (runs, blocks, dimensions)", path, shape)
	}
	runs, blocks, dims := shape[0], shape[1], shape[2]
	q := Quantity{Name: name, Task: task}
	rows := make([][]float64, runs)
	for j := 0; j < dims; j++ {
		for k := range rows {
			rows[k] = make([]float64, blocks)
			for b := range rows[k] {
				rows[k][b] = data[(k*blocks+b)*dims+j]
			}
		}
		c := Curve{Task: task, Part: "total", Runs: runs}
		c.Mean, c.Lo, c.Hi = band(rows, false)
		q.Dims = append(q.Dims, c)
	}
	return q, nil
}

// shjType returns the SHJ type of a task named shj1 … shj6, or 0.
func shjType(task string) int {
	if n, err := strconv.Atoi(strings.TrimPrefix(task, "shj")); err == nil && strings.HasPrefix(task, "shj") && n >= 1 && n <= 6 {
		return n
	}
	return 0
}

// band returns the mean over runs (rows) per block and the mean ± one
// standard deviation, clipped to [0, 1] for probabilities.
func band(rows [][]float64, prob bool) (mean, lo, hi []float64) {
	n := len(rows[0])
	mean, lo, hi = make([]float64, n), make([]float64, n), make([]float64, n)
	col := make([]float64, len(rows))
	for b := 0; b < n; b++ {
		for k, r := range rows {
			col[k] = r[b]
		}
		s := curve.Summarise(col)
		mean[b], lo[b], hi[b] = s.Mean, s.Mean-s.SD, s.Mean+s.SD
		if prob {
			lo[b], hi[b] = max(lo[b], 0), min(hi[b], 1)
		}
	}
	return round(mean), round(lo), round(hi)
}

// round rounds y to 6 decimals in place (a millionth of a probability is
// far below a pixel) so that the page stays small.
func round(y []float64) []float64 {
	for i, v := range y {
		y[i] = math.Round(v*1e6) / 1e6
	}
	return y
}
