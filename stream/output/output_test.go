package output_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg"

	"github.com/fastslow/stream/output"
)

func TestDirReplacesAtomically(t *testing.T) {
	final := filepath.Join(t.TempDir(), "res")
	for i, body := range []string{"first", "second"} {
		d, err := output.Begin(final)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(d.Path("f.txt"), []byte(body), 0o644))
		if i == 0 {
			assert.NoDirExists(t, final, "nothing appears before Commit")
		}
		require.NoError(t, d.Commit())
		got, err := os.ReadFile(filepath.Join(final, "f.txt"))
		require.NoError(t, err)
		assert.Equal(t, body, string(got))
	}
	d, err := output.Begin(final)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(d.Path("f.txt"), []byte("aborted"), 0o644))
	d.Abort()
	got, _ := os.ReadFile(filepath.Join(final, "f.txt"))
	assert.Equal(t, "second", string(got), "an aborted write leaves the old results")
	ents, _ := os.ReadDir(filepath.Dir(final))
	assert.Len(t, ents, 1, "no temporary folders left")
}

func TestBlocksCSV(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lc.csv")
	require.NoError(t, output.WriteBlocks(p, []output.Column{{Name: "a", Values: []float64{0.1, 1.0 / 3}}, {Name: "b", Values: []float64{2}}}))
	got, _ := os.ReadFile(p)
	assert.Equal(t, "block,a,b\n0,0.1,2\n1,0.3333333333333333,\n", string(got))
}

func TestNPYRows(t *testing.T) {
	dir := t.TempDir()
	rows := [][]float64{{0.5, 0.25, 0.125}, {1, 2, 3}}
	p := filepath.Join(dir, "runs.npy")
	require.NoError(t, output.WriteNPYRows(p, rows))
	got, err := output.ReadNPYRows(p)
	require.NoError(t, err)
	assert.Equal(t, rows, got)
	one := filepath.Join(dir, "mean.npy")
	require.NoError(t, output.WriteNPY(one, rows[0]))
	got, err = output.ReadNPYRows(one)
	require.NoError(t, err)
	assert.Equal(t, rows[:1], got, "a 1-D file is one row")
	assert.ErrorContains(t, output.WriteNPYRows(p, [][]float64{{1, 2}, {3}}), "row 1 has 1 values")
	assert.ErrorContains(t, output.WriteNPYRows(p, nil), "no rows")
}

func TestRunBlocksCSV(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lc_runs.csv")
	require.NoError(t, output.WriteRunBlocks(p, []output.RunsColumn{{Name: "a", Values: [][]float64{{0.5, 0.25}, {1, 0.75}}}}))
	got, _ := os.ReadFile(p)
	assert.Equal(t, "run,block,a\n0,0,0.5\n0,1,0.25\n1,0,1\n1,1,0.75\n", string(got))
}

func TestPlotSheet(t *testing.T) {
	dir := t.TempDir()
	x := []float64{1, 2, 3}
	panel := func(name string) *output.Panel {
		return &output.Panel{Title: name, Series: []output.Series{{Name: "fast", Part: "fast", X: x, Y: []float64{0.5, 0.2, 0.1}},
			{Name: "total", Part: "total", X: x, Y: []float64{0.5, 0.2, 0.1}}, {Name: "humans", Dashed: true, X: x, Y: []float64{0.4, 0.1, 0}}}}
	}
	p := filepath.Join(dir, "sheet.png")
	require.NoError(t, output.PlotSheet(p, "title", [][]*output.Panel{{panel("a"), panel("b"), panel("c")}, {panel("d"), nil}}, 2*vg.Inch, vg.Inch))
	f, err := os.Open(p)
	require.NoError(t, err)
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	require.NoError(t, err)
	// Three columns of 2 in, two rows of 1 in and the title's 22 pt, at gonum's 96 dpi.
	assert.Equal(t, 3*2*96, cfg.Width)
	assert.InDelta(t, 2*96+22*96/72.0, cfg.Height, 1)
	bad := &output.Panel{Series: []output.Series{{Name: "x", X: x, Y: x[:2]}}}
	assert.ErrorContains(t, output.PlotSheet(p, "", [][]*output.Panel{{bad}}, vg.Inch, vg.Inch), `series "x" has 3 x and 2 y values`)
	assert.ErrorContains(t, output.PlotSheet(p, "", nil, vg.Inch, vg.Inch), "no panels")
}
