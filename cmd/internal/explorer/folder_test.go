package explorer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/cmd/internal/explorer"
	"github.com/fastslow/stream/curve"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

func TestLoadRun(t *testing.T) {
	fs := makeFolders(t)
	f, err := explorer.Load(fs.run)
	require.NoError(t, err)
	require.Equal(t, "run", f.Kind)
	r := f.Run
	assert.False(t, r.Dual)
	assert.Equal(t, []string{"type1", "type2", "type3", "type4", "type5", "type6"}, r.Tasks)
	require.Len(t, r.LC, 6)
	require.Len(t, r.Loss, 6)
	mean, err := output.ReadNPYRows(filepath.Join(fs.run, "lc_type3.npy"))
	require.NoError(t, err)
	c := r.LC[2]
	assert.Equal(t, 4, c.Runs)
	for b, v := range mean[0] {
		assert.InDelta(t, v, c.Mean[b], 5e-7, "block %d: the mean rounded to 6 decimals", b)
		assert.LessOrEqual(t, c.Lo[b], c.Mean[b]+1e-6)
		assert.GreaterOrEqual(t, c.Hi[b], c.Mean[b]-1e-6)
		assert.GreaterOrEqual(t, c.Lo[b], 0.0, "a probability band stays in [0, 1]")
	}
	require.Len(t, r.Human, 6)
	assert.Equal(t, 1.5, r.Human[0].X[0], "human block 1 spans model blocks 1 and 2")
	assert.Equal(t, 8, r.Items["type1"])
	require.Len(t, r.Units, 6, "the clustering model recruits: units over blocks per type")
	assert.Len(t, r.Units[0].Mean, 32)
	assert.Equal(t, 4, r.Units[0].Runs)

	// The attention at every block's end, a curve per dimension whose last
	// block is the summary's mean final attention (as the next trial would
	// use it: normalised).
	require.Len(t, r.Observed, 6)
	q := r.Observed[1]
	assert.Equal(t, "attention", q.Name)
	assert.Equal(t, "type2", q.Task)
	require.Len(t, q.Dims, 3)
	final := finalAttention(t, fs.run)
	for j, c := range q.Dims {
		require.Len(t, c.Mean, 32)
		assert.Equal(t, 4, c.Runs)
		assert.InDelta(t, final[1][j], c.Mean[31], 5e-7, "dimension %d: the mean final attention, rounded to 6 decimals", j)
	}
}

// finalAttention returns the mean final attention, normalised, of every
// task of the clustering run in dir, from its summary.json.
func finalAttention(t *testing.T, dir string) [][]float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	var sum struct {
		Analyses struct {
			Tasks []struct {
				Attention []float64 `json:"mean_final_attention_normalised"`
			} `json:"clustering"`
		} `json:"analyses"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	var out [][]float64
	for _, tk := range sum.Analyses.Tasks {
		out = append(out, tk.Attention)
	}
	return out
}

func TestLoadDual(t *testing.T) {
	fs := makeFolders(t)
	f, err := explorer.Load(fs.dual)
	require.NoError(t, err)
	r := f.Run
	assert.True(t, r.Dual)
	require.Len(t, r.LC, 18)
	var parts []string
	for _, c := range r.LC[:3] {
		parts = append(parts, c.Part+" "+c.Task)
	}
	assert.Equal(t, []string{"fast type1", "slow type1", "total type1"}, parts, "lc.csv's order: by task, then part")
	assert.Len(t, r.Tasks, 6)
	require.Len(t, r.Observed, 6, "the fast stream's attention per task")
	assert.Equal(t, "attention_fast", r.Observed[0].Name)
}

func TestLoadSweep(t *testing.T) {
	fs := makeFolders(t)
	f, err := explorer.Load(fs.sweep)
	require.NoError(t, err)
	require.Equal(t, "sweep", f.Kind)
	s := f.Sweep
	assert.Equal(t, []string{"fast_config.lr_nn", "slow_config.lr_dnn"}, s.Keys)
	assert.Equal(t, []string{"total"}, s.Curves, "a dual stream's sweep ranks its total")
	assert.Equal(t, explorer.Progress{Total: 9, Done: 6, Diverged: 3, Rate: s.Rate, Left: -1}, s.Progress)
	assert.Equal(t, 100, s.Items)
	require.Len(t, s.Configs, 9)
	for i, c := range s.Configs {
		assert.Equal(t, i+1, c.Number, "by number")
		if c.Status == sweep.Diverged {
			assert.Nil(t, c.Area)
			assert.NotEmpty(t, c.DivergedAt)
			assert.Equal(t, 1e100, c.Grid[1])
			continue
		}
		// The packed curve is lc.csv's total within half a quantum.
		_, curves, err := output.ReadBlocks(filepath.Join(fs.sweep, c.Name, "lc.csv"))
		require.NoError(t, err)
		total := curves[2]
		raw, err := base64.StdEncoding.DecodeString(c.Packed)
		require.NoError(t, err)
		require.Len(t, raw, 2*s.Blocks)
		for b, v := range total {
			q := float64(binary.LittleEndian.Uint16(raw[2*b:])) / 65534
			assert.InDelta(t, v, q, 0.5/65534+1e-12, "%s block %d", c.Name, b)
		}
		assert.InDelta(t, total[len(total)-1], *c.Final, 1e-15)
		assert.Nil(t, c.OAT, "the new stimuli have no ordinal check")
	}
}

func TestLoadFit(t *testing.T) {
	fs := makeFolders(t)
	f, err := explorer.Load(fs.fit)
	require.NoError(t, err)
	require.Equal(t, "fit", f.Kind)
	ft := f.Fit
	require.Len(t, ft.Conditions, 6)
	assert.Equal(t, "type4", ft.Conditions[3].Task)
	assert.Len(t, ft.Conditions[0].Data, 16)
	assert.Equal(t, []string{"specificity", "Phi"}, ft.Params)
	assert.Len(t, ft.Trace.Params["Phi"], len(ft.Trace.Eval))
	assert.Equal(t, 16, ft.BlockTrial)
}

// TestLoadFitBadRows: a bad row of a fit's trace.csv or curves.csv is
// named by its line, counted past the trace's comment lines.
func TestLoadFitBadRows(t *testing.T) {
	fs := makeFolders(t)
	for _, c := range []struct {
		file, comments string
		col            int // the field of the last row made bad
		want           string
	}{
		{"trace.csv", "# revision x\n# revision y\n", 0, "line %d: strconv.Atoi"},
		{"curves.csv", "", 3, "line %d: data and model: want numbers"},
	} {
		t.Run(c.file, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "fit")
			require.NoError(t, os.CopyFS(dir, os.DirFS(fs.fit)))
			path := filepath.Join(dir, c.file)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			last := strings.Split(lines[len(lines)-1], ",")
			last[c.col] = "oops"
			data = append(data, c.comments+strings.Join(last, ",")+"\n"...)
			require.NoError(t, os.WriteFile(path, data, 0o644))
			_, err = explorer.Load(dir)
			require.ErrorContains(t, err, path+": "+fmt.Sprintf(c.want, bytes.Count(data, []byte("\n"))))
		})
	}
}

// TestFitBands: a fit folder with the best parameters' per-run curves
// (lc_runs.csv, as cmd/fitdata writes it) gets a band over runs per
// condition; one without them, written before fits kept them, the means
// only.
func TestFitBands(t *testing.T) {
	fs := makeFolders(t)
	f, err := explorer.Load(fs.fit)
	require.NoError(t, err)
	runs, err := output.ReadRunBlocks(filepath.Join(fs.fit, "lc_runs.csv"))
	require.NoError(t, err)
	require.Len(t, runs, len(f.Fit.Conditions))
	for i, c := range f.Fit.Conditions {
		assert.Equal(t, c.Task, runs[i].Name)
		require.Len(t, c.Lo, len(c.Model), c.Name)
		assert.Equal(t, 4, c.Runs)
		for b := range c.Model {
			col := make([]float64, len(runs[i].Values))
			for k, r := range runs[i].Values {
				col[k] = r[b]
			}
			s := curve.Summarise(col)
			assert.InDelta(t, max(s.Mean-s.SD, 0), c.Lo[b], 5e-7, "%s block %d: mean − SD, clipped at 0, to 6 decimals", c.Name, b)
			assert.InDelta(t, min(s.Mean+s.SD, 1), c.Hi[b], 5e-7, "%s block %d", c.Name, b)
		}
	}
	old := filepath.Join(t.TempDir(), "fit")
	require.NoError(t, os.CopyFS(old, os.DirFS(fs.fit)))
	require.NoError(t, os.Remove(filepath.Join(old, "lc_runs.csv")))
	f, err = explorer.Load(old)
	require.NoError(t, err)
	for _, c := range f.Fit.Conditions {
		assert.Nil(t, c.Lo, "%s: no per-run curves, no band", c.Name)
		assert.Zero(t, c.Runs)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.Mkdir(bad, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "summary.json"), []byte(`{"model": "x"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "lc.csv"), []byte("block,total\n0,oops\n"), 0o644))
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(dir, "missing"), "no such file"},
		{file, "not a folder"},
		{empty, "not a results folder: want summary.json (a run), fit.json (a fit) or folders with sweep.json (a sweep)"},
		{bad, filepath.Join(bad, "lc.csv") + ": line 2"},
	} {
		_, err := explorer.Load(c.dir)
		assert.ErrorContains(t, err, c.want, c.dir)
	}
}

func TestLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8077": true, "[::1]:0": true, "localhost:80": true,
		"0.0.0.0:8077": false, ":8077": false, "192.168.1.2:80": false, "example.org:80": false, "nonsense": false} {
		err := explorer.Loopback(addr)
		assert.Equal(t, ok, err == nil, "%s: %v", addr, err)
	}
}

func TestPackGaps(t *testing.T) {
	// A config whose curve is shorter than the sweep's longest pads with
	// gaps; values outside [0, 1] clip.
	dir := filepath.Join(t.TempDir(), "sw")
	for i, y := range [][]float64{{0.5, 0.25, 0.125}, {2, -1}} {
		sub := filepath.Join(dir, []string{"a_1", "a_2"}[i])
		require.NoError(t, os.MkdirAll(sub, 0o755))
		require.NoError(t, output.WriteBlocks(filepath.Join(sub, "lc.csv"), []output.Column{{Name: "total", Values: y}}))
		require.NoError(t, output.WriteJSON(filepath.Join(sub, "summary.json"), map[string]any{}))
		require.NoError(t, output.WriteJSON(filepath.Join(sub, sweep.MarkerName), sweep.Marker{Config: filepath.Base(sub), Number: i + 1, Status: sweep.Done}))
	}
	f, err := explorer.Load(dir)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(f.Sweep.Configs[1].Packed)
	require.NoError(t, err)
	assert.Equal(t, []uint16{65534, 0, math.MaxUint16}, []uint16{binary.LittleEndian.Uint16(raw), binary.LittleEndian.Uint16(raw[2:]), binary.LittleEndian.Uint16(raw[4:])})
}

// A shard's results folder counts the whole sweep's configs as its total
// (from plan.json), not only the configs that shard wrote.
func TestLoadSweepShardTotal(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sweep")
	sum, err := sweep.Run(context.Background(), demoSweep(t, dir), sweep.RunOptions{Out: out, Workers: 2, Shard: 0, Shards: 3})
	require.NoError(t, err)
	require.Equal(t, 3, sum.Selected)
	f, err := explorer.Load(out)
	require.NoError(t, err)
	require.Len(t, f.Sweep.Configs, 3)
	assert.Equal(t, 9, f.Sweep.Progress.Total, "the demo sweep has 9 configs over its 3 shards")
}
