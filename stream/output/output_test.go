package output_test

import (
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

// write commits a results folder holding the named files at final.
func write(t *testing.T, final string, files map[string]string) {
	t.Helper()
	require.NoError(t, output.Ready(final))
	d, err := output.Begin(final, provenance.New("test"))
	require.NoError(t, err)
	for name, body := range files {
		require.NoError(t, os.WriteFile(d.Path(name), []byte(body), 0o666))
	}
	require.NoError(t, d.Commit())
}

func TestDirReplacesAtomically(t *testing.T) {
	final := filepath.Join(t.TempDir(), "res")
	for i, body := range []string{"first", "second"} {
		d, err := output.Begin(final, provenance.New("test"))
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
	d, err := output.Begin(final, provenance.New("test"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(d.Path("f.txt"), []byte("aborted"), 0o644))
	d.Abort()
	got, _ := os.ReadFile(filepath.Join(final, "f.txt"))
	assert.Equal(t, "second", string(got), "an aborted write leaves the old results")
	ents, _ := os.ReadDir(filepath.Dir(final))
	assert.Len(t, ents, 1, "no temporary folders left")
}

func TestProvenanceRecordsFiles(t *testing.T) {
	final := filepath.Join(t.TempDir(), "res")
	write(t, final, map[string]string{"b.csv": "", "a.npy": ""})
	rec, err := provenance.Read(final)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.npy", "b.csv"}, rec.Files)
	assert.Equal(t, "test", rec.Tool)
	assert.False(t, rec.End.Before(rec.Start), "end %s before start %s", rec.End, rec.Start)
	assert.NotEmpty(t, rec.GoVersion)
	assert.NotEmpty(t, rec.Revision)
}

func TestReadyRefuses(t *testing.T) {
	dir := t.TempDir()
	mk := func(rel string, body string) string {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o777))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o666))
		return p
	}
	file := mk("thesis.tex", "x")
	mk("proj/src/main.go", "package main")
	mk("proj/notes.txt", "n")
	ours := filepath.Join(dir, "ours")
	write(t, ours, map[string]string{"lc.csv": "1"})
	mk("ours/my_notes.txt", "mine")
	require.NoError(t, os.Symlink(filepath.Join(dir, "proj"), filepath.Join(dir, "link")))
	mk("bad/"+provenance.FileName, "{not json")
	mk("bad/x", "")
	wd, err := os.Getwd()
	require.NoError(t, err)
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"a file", file, []string{file, "is a file (1 bytes)", "move the file away"}},
		{"a device", os.DevNull, []string{os.DevNull, "is a device"}},
		{"a foreign folder", filepath.Join(dir, "proj"), []string{"proj", "holding notes.txt, src/", "no provenance.json", "left as it is"}},
		{"a symbolic link", filepath.Join(dir, "link"), []string{"link", "symbolic link to"}},
		{"a file in ours", ours, []string{"ours", "my_notes.txt, which it did not write", "move them out"}},
		{"an unreadable record", filepath.Join(dir, "bad"), []string{"bad", "not a provenance record"}},
		{"the root", "/", []string{"root folder"}},
		{"the working directory", ".", []string{"is the working directory"}},
		{"an ancestor", filepath.Dir(wd), []string{"holds the working directory"}},
		{"under a file", filepath.Join(file, "res"), []string{"thesis.tex is a file, not a folder"}},
		{"empty", "", []string{"empty path"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := output.Ready(c.path)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	got, err := os.ReadFile(filepath.Join(ours, "my_notes.txt"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(got))
	require.NoError(t, output.ReadyRoot(ours), "a folder of results folders keeps others' files")
}

func TestReadyAccepts(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o777))
	ours := filepath.Join(dir, "ours")
	write(t, ours, map[string]string{"lc.csv": "1"})
	for _, p := range []string{filepath.Join(dir, "new"), filepath.Join(dir, "a", "b", "new"), empty, ours} {
		assert.NoError(t, output.Ready(p), p)
	}
	ents, _ := os.ReadDir(dir)
	assert.Len(t, ents, 2, "Ready makes nothing")
}

func TestReadyUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes in read-only folders")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(dir, 0o555))
	err := output.Ready(filepath.Join(dir, "res"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot write in "+dir)
}

// killed leaves what a run killed at the given moment leaves beside final:
// a temporary folder and, for an interrupted replace, the old results set
// aside.
func killed(t *testing.T, final, suffix string, pid int, body string) string {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".tmp-123"+suffix)
	require.NoError(t, os.Mkdir(tmp, 0o777))
	rec := provenance.New("test")
	rec.PID = pid
	rec.Files = []string{"lc.csv"}
	require.NoError(t, rec.Write(tmp))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "lc.csv"), []byte(body), 0o666))
	return tmp
}

func TestTidy(t *testing.T) {
	const dead = 1 << 30 // no such process
	t.Run("a killed run's temporary folder is removed", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		tmp := killed(t, final, "", dead, "partial")
		require.NoError(t, output.Ready(final))
		assert.NoDirExists(t, tmp)
	})
	t.Run("a running one's is kept", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		tmp := killed(t, final, "", os.Getpid(), "partial")
		require.NoError(t, output.Ready(final))
		assert.DirExists(t, tmp)
		require.NoError(t, output.Tidy(final, true))
		assert.NoDirExists(t, tmp, "an owner removes it")
	})
	t.Run("a folder without a record is not ours", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		tmp := killed(t, final, "", dead, "partial")
		require.NoError(t, os.Remove(filepath.Join(tmp, provenance.FileName)))
		require.NoError(t, output.Tidy(final, true))
		assert.DirExists(t, tmp)
	})
	t.Run("one killed before its record was written is removed", func(t *testing.T) {
		for _, left := range [][]string{nil, {"." + provenance.FileName + ".host.42.tmp"}} {
			final := filepath.Join(t.TempDir(), "res")
			tmp := filepath.Join(filepath.Dir(final), ".res.tmp-123")
			require.NoError(t, os.Mkdir(tmp, 0o755))
			for _, n := range left {
				require.NoError(t, os.WriteFile(filepath.Join(tmp, n), []byte("{"), 0o644))
			}
			require.NoError(t, output.Ready(final))
			assert.NoDirExists(t, tmp, "left %v", left)
		}
	})
	t.Run("an old one emptied by an interrupted removal is removed", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		write(t, final, map[string]string{"lc.csv": "new results"})
		old := filepath.Join(filepath.Dir(final), ".res.tmp-123.old")
		require.NoError(t, os.Mkdir(old, 0o755))
		require.NoError(t, output.Ready(final))
		assert.NoDirExists(t, old)
		keep := filepath.Join(filepath.Dir(final), ".res.tmp-124.old")
		require.NoError(t, os.Mkdir(keep, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(keep, "notes.txt"), []byte("x"), 0o644))
		require.NoError(t, output.Ready(final))
		assert.FileExists(t, filepath.Join(keep, "notes.txt"), "a file without a record is not ours")
	})
	t.Run("an interrupted replace's old results are restored", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		old := killed(t, final, ".old", dead, "old results")
		require.NoError(t, output.Ready(final))
		assert.NoDirExists(t, old)
		got, err := os.ReadFile(filepath.Join(final, "lc.csv"))
		require.NoError(t, err)
		assert.Equal(t, "old results", string(got))
	})
	t.Run("and removed when the replace had completed", func(t *testing.T) {
		final := filepath.Join(t.TempDir(), "res")
		write(t, final, map[string]string{"lc.csv": "new results"})
		old := killed(t, final, ".old", os.Getpid(), "old results")
		require.NoError(t, output.Ready(final))
		assert.NoDirExists(t, old)
		got, _ := os.ReadFile(filepath.Join(final, "lc.csv"))
		assert.Equal(t, "new results", string(got))
	})
}

func TestCommitRefusesWhatAppeared(t *testing.T) {
	final := filepath.Join(t.TempDir(), "res")
	require.NoError(t, output.Ready(final))
	d, err := output.Begin(final, provenance.New("test"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(d.Path("lc.csv"), nil, 0o666))
	require.NoError(t, os.MkdirAll(final, 0o777))
	require.NoError(t, os.WriteFile(filepath.Join(final, "thesis.tex"), []byte("x"), 0o666))
	err = d.Commit()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the new results are in")
	got, _ := os.ReadFile(filepath.Join(final, "thesis.tex"))
	assert.Equal(t, "x", string(got))
}

func TestCheckName(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"config1", true}, {"config_dlMU_dnn_1", true}, {"v2.1", true},
		{"", false}, {".", false}, {"..", false}, {".hidden", false}, {"../../victim", false},
		{"a/b", false}, {`a\b`, false}, {"/abs", false}, {"tab\there", false},
	} {
		err := output.CheckName(c.name)
		assert.Equal(t, c.ok, err == nil, "%q: %v", c.name, err)
		if err != nil {
			assert.Contains(t, err.Error(), "want a plain folder name")
		}
	}
}

func TestBlocksCSV(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lc.csv")
	require.NoError(t, output.WriteBlocks(p, []output.Column{{Name: "a", Values: []float64{0.1, 1.0 / 3}}, {Name: "b", Values: []float64{2}}}))
	got, _ := os.ReadFile(p)
	assert.Equal(t, "block,a,b\n0,0.1,2\n1,0.3333333333333333,\n", string(got))
	names, curves, err := output.ReadBlocks(p)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, names)
	assert.Equal(t, [][]float64{{0.1, 1.0 / 3}, {2}}, curves, "the values round-trip and a shorter column ends at its empty cell")

	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "empty file"},
		{"header", "run,a\n0,1\n", "want a header block"},
		{"no blocks", "block,a\n", "no blocks"},
		{"block order", "block,a\n0,1\n2,1\n", "line 3: block \"2\": want 1"},
		{"not a number", "block,a\n0,1\n1,x\n", "line 3: a = \"x\": want a number"},
		{"value after a gap", "block,a,b\n0,1,\n1,1,2\n", "line 3: b has a value after an empty cell"},
		{"short row", "block,a,b\n0,1\n", "line 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "lc.csv")
			require.NoError(t, os.WriteFile(bad, []byte(c.text), 0o644))
			_, _, err := output.ReadBlocks(bad)
			require.Error(t, err)
			assert.Contains(t, err.Error(), bad)
			assert.Contains(t, err.Error(), c.want)
		})
	}
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

	// ReadRunBlocks reads back what WriteRunBlocks wrote, a shorter curve too.
	cols := []output.RunsColumn{
		{Name: "type1", Values: [][]float64{{0.5, 0.25, 0.125}, {1, 0.75, 1.0 / 3}}},
		{Name: "type2", Values: [][]float64{{0.1}, {0.2}}},
	}
	require.NoError(t, output.WriteRunBlocks(p, cols))
	back, err := output.ReadRunBlocks(p)
	require.NoError(t, err)
	assert.Equal(t, cols, back)
	for body, want := range map[string]string{
		"run,block\n":                   "want run,block, then a column per curve",
		"run,block,a\n0,1,0.5\n":        "run 0 block 1 of a out of order",
		"run,block,a\n0,0,x\n":          "line 2: column a",
		"run,block,a\n-1,0,0.5\n":       "want counts from 0",
		"run,block,a\n0,0,0.5\n0,0,1\n": "out of order",
	} {
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		_, err := output.ReadRunBlocks(p)
		assert.ErrorContains(t, err, want, "%q", body)
	}
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

func TestReplaceable(t *testing.T) {
	dir := t.TempDir()
	const mark = "generated by `tool`"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ours.toml"), []byte("# x: "+mark+"\na = 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mine.toml"), []byte("a = 1\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "folder.toml"), 0o755))
	for _, c := range []struct {
		name, want string
	}{
		{"new.toml", ""},
		{"ours.toml", ""},
		{"mine.toml", "mine.toml exists and was not written by this command"},
		{"folder.toml", "folder.toml is a folder, not a file this command wrote"},
	} {
		err := output.Replaceable(filepath.Join(dir, c.name), mark)
		if c.want == "" {
			assert.NoError(t, err, c.name)
			continue
		}
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want)
		assert.Contains(t, err.Error(), "nothing was written")
	}
}

// TestDiskFull writes a results folder whose file hits a full disk
// (/dev/full answers every write with ENOSPC): the write fails, Abort
// leaves no temporary folder, and the older results stay.
func TestDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	final := filepath.Join(t.TempDir(), "res")
	write(t, final, map[string]string{"lc.csv": "old"})
	before := fixture.Tree(t, filepath.Dir(final))
	d, err := output.Begin(final, provenance.New("test"))
	require.NoError(t, err)
	require.NoError(t, os.Symlink("/dev/full", d.Path("lc.csv")))
	err = output.WriteBlocks(d.Path("lc.csv"), []output.Column{{Name: "a", Values: make([]float64, 1<<14)}})
	require.ErrorIs(t, err, syscall.ENOSPC)
	d.Abort()
	assert.Equal(t, before, fixture.Tree(t, filepath.Dir(final)))
	_, err = os.Stat("/dev/full")
	assert.NoError(t, err, "the device is still there")
}

// TestReadyConcurrent runs ReadyRoot on one folder from many goroutines
// while one of them marks it, as the array tasks of a Slurm sweep do on
// their shared results root: one call's Tidy may remove another's empty
// writability probe, and a record being written may be all the folder holds;
// neither must fail the others.
func TestReadyConcurrent(t *testing.T) {
	const workers, rounds = 8, 100
	for r := range rounds {
		root := filepath.Join(t.TempDir(), "sweep")
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := output.ReadyRoot(root)
				if err == nil && w == 0 {
					if err = os.MkdirAll(root, 0o777); err == nil {
						err = provenance.New("test").Write(root)
					}
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err, "round %d", r)
		}
		ents, err := os.ReadDir(filepath.Dir(root))
		require.NoError(t, err)
		require.Len(t, ents, 1, "round %d: no probe is left beside the root", r)
	}
}
