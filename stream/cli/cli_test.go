package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

type toyConfig struct {
	config.Loop
	LR    float64 `toml:"lr"`
	Noise string  `toml:"noise"`
}

func toyModel() cli.Model {
	setup := func(c *toyConfig, ignored []string) (*cli.Setup, error) {
		lr := c.LR
		return &cli.Setup{Loop: c.Loop, Config: *c, Ignored: ignored,
			New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
				return toy.New(t.Dims, t.Classes, lr, src), nil
			},
			Evaluate: func(res []run.Result) map[string]any { return map[string]any{"tasks": len(res)} },
		}, nil
	}
	def := func() toyConfig {
		return toyConfig{Loop: config.Loop{ConfigVersion: "toy1", NumBlocks: 4, NumRuns: 3, RandomSeed: 9, LossFn: "crossentropy", Optim: "sgd"}, LR: 0.2}
	}
	load := func(path string, data []byte) (*toyConfig, []string, error) {
		c := def()
		ign, err := config.Decode(path, data, &c)
		if err != nil {
			return nil, nil, err
		}
		if err := c.Check(path); err != nil {
			return nil, nil, err
		}
		return &c, ign, nil
	}
	defaults := func() (*cli.Setup, error) {
		c := def()
		return setup(&c, nil)
	}
	loader := func(path string, data []byte) (*cli.Setup, error) {
		c, ignored, err := load(path, data)
		if err != nil {
			return nil, err
		}
		return setup(c, ignored)
	}
	return cli.Model{Name: "toy", Command: "toy", DefaultTask: "shj", Default: defaults, Load: loader}
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), toyModel(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDefaultRunWritesResults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	code, out, stderr := runCmd(t, "-out", dir, "-trace", "-workers", "2")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "shj6")
	for typ := 1; typ <= 6; typ++ {
		s := string(rune('0' + typ))
		for _, f := range []string{"lc_type" + s + ".npy", "loss_type" + s + ".npy", "type" + s + "_run2.npz", "trace_shj" + s + ".csv"} {
			assert.FileExists(t, filepath.Join(dir, f))
		}
	}
	for _, f := range []string{"lc.csv", "loss.csv", "summary.json", "lc.png"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	lc, err := os.ReadFile(filepath.Join(dir, "lc.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(lc), "block,type1,type2,type3,type4,type5,type6\n"))
	tr, err := os.ReadFile(filepath.Join(dir, "trace_shj4.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(tr)), "\n")
	assert.Equal(t, "run,block,trial,signature,label,proberror,loss,p0,p1,recruited,n_active", lines[0])
	assert.Len(t, lines, 1+3*4*8)
	var sum map[string]any
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sum))
	assert.Equal(t, "toy", sum["model"])
	assert.Equal(t, map[string]any{"tasks": 6.0}, sum["analyses"])
	st, err := npz.Read(filepath.Join(dir, "type1_run0.npz"))
	require.NoError(t, err)
	assert.Contains(t, st, "W.weight")
}

func TestPerRunCurves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	code, _, stderr := runCmd(t, "-out", dir, "-task", "shj2", "-quiet")
	require.Equal(t, 0, code, stderr)
	for _, name := range []string{"lc", "loss"} {
		mean, err := output.ReadNPYRows(filepath.Join(dir, name+"_type2.npy"))
		require.NoError(t, err)
		runs, err := output.ReadNPYRows(filepath.Join(dir, name+"_type2_runs.npy"))
		require.NoError(t, err)
		require.Len(t, runs, 3, "%s: a row per run", name)
		for b := range mean[0] {
			var s float64
			for _, r := range runs {
				require.Len(t, r, 4)
				s += r[b]
			}
			// The mean is summed in run order and divided once, as run.Do does: exact.
			assert.Equal(t, mean[0][b], s/3, "%s block %d", name, b)
		}
	}
	// Recruited units over blocks: the last block's are each run's final count.
	units, err := output.ReadNPYRows(filepath.Join(dir, "units_type2_runs.npy"))
	require.NoError(t, err)
	require.Len(t, units, 3)
	var last float64
	for _, u := range units {
		require.Len(t, u, 4)
		last += u[3] / 3
	}
	var sum struct {
		Tasks []struct {
			Units struct{ Mean float64 } `json:"recruited_units"`
		} `json:"tasks"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sum))
	assert.InDelta(t, sum.Tasks[0].Units.Mean, last, 1e-12)
	assert.FileExists(t, filepath.Join(dir, "units_type2.npy"))
	csv, err := os.ReadFile(filepath.Join(dir, "lc_runs.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	assert.Equal(t, "run,block,type2", lines[0])
	assert.Len(t, lines, 1+3*4)
	assert.True(t, strings.HasPrefix(lines[5], "1,0,"), lines[5])
}

func TestWorkersGiveSameFiles(t *testing.T) {
	var first map[string][]byte
	for _, w := range []string{"1", "3"} {
		dir := filepath.Join(t.TempDir(), "res")
		code, _, stderr := runCmd(t, "-out", dir, "-trace", "-workers", w, "-quiet")
		require.Equal(t, 0, code, stderr)
		files := map[string][]byte{}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() == "lc.png" || e.Name() == provenance.FileName { // the record holds the command line and times
				continue
			}
			files[e.Name()], _ = os.ReadFile(filepath.Join(dir, e.Name()))
		}
		if first == nil {
			first = files
			continue
		}
		assert.Equal(t, first, files)
	}
}

func TestInitAndOrder(t *testing.T) {
	tmp := t.TempDir()
	// Per-run init files: run r starts from W = r.
	for r := 0; r < 2; r++ {
		w := make([]float64, 6)
		for i := range w {
			w[i] = float64(r)
		}
		require.NoError(t, npz.Write(filepath.Join(tmp, "type2_run"+string(rune('0'+r))+"_init.npz"),
			[]stream.Array{{Name: "W.weight", Shape: []int{2, 3}, Data: w}}))
	}
	order := "run,block,i0,i1,i2,i3,i4,i5,i6,i7\n0,0,7,6,5,4,3,2,1,0\n1,0,0,1,2,3,4,5,6,7\n"
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "order.csv"), []byte(order), 0o644))
	dir := filepath.Join(tmp, "res")
	code, _, stderr := runCmd(t, "-out", dir, "-task", "shj2", "-runs", "2", "-blocks", "1", "-quiet", "-trace",
		"-init", filepath.Join(tmp, "type{t}_run{r}_init.npz"), "-order", filepath.Join(tmp, "order.csv"))
	require.Equal(t, 0, code, stderr)
	tr, _ := os.ReadFile(filepath.Join(dir, "trace_shj2.csv"))
	lines := strings.Split(string(tr), "\n")
	assert.True(t, strings.HasPrefix(lines[1], "0,0,0,7,0,"), lines[1]) // run 0 starts with item 7
	assert.True(t, strings.HasPrefix(lines[1], "0,0,0,7,0,0.5,"), "W = 0 gives p = 0.5: %s", lines[1])
	assert.True(t, strings.HasPrefix(lines[9], "1,0,0,0,0,"), lines[9])
}

func TestBadInputWritesNothing(t *testing.T) {
	tmp := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(tmp, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	badInit := filepath.Join(tmp, "bad.npz")
	require.NoError(t, npz.Write(badInit, []stream.Array{{Name: "W.weight", Shape: []int{3, 3}, Data: make([]float64, 9)}}))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-config", write("unknown.toml", "num_runs = 2\nlearning_rate = 1\n")}, 1, `unknown.toml: unknown key "learning_rate"`},
		{[]string{"-config", write("type.toml", "num_runs = 'two'\n")}, 1, `type.toml: toml: line 1 (last key "num_runs")`},
		{[]string{"-config", filepath.Join(tmp, "none.toml")}, 1, "none.toml: no such file"},
		{[]string{"-task", write("ragged.csv", "a,b,label\n1,2,0\n1,1\n")}, 1, "ragged.csv: line 3: 2 fields, want 3"},
		{[]string{"-task", write("nan.csv", "a,b,label\n1,zz,0\n")}, 1, `nan.csv: line 2: column "b": "zz" is not a finite number`},
		{[]string{"-order", write("short.csv", "run,block,i0,i1,i2,i3,i4,i5,i6,i7\n0,0,0,1,2,3,4,5,6,7\n")}, 1, "short.csv: no order for run 0 block 1"},
		{[]string{"-init", badInit}, 1, `bad.npz: toy: array "W.weight" has shape [3 3], want [2 3]`},
		{[]string{"-init", filepath.Join(tmp, "run{r}.npz")}, 1, "run0.npz: no such file"},
		{[]string{"-task", "shj9"}, 1, `task "shj9"`},
		{[]string{"-runs", "-1"}, 1, "must not be negative"},
		{[]string{"-runs", "1000000000000"}, 1, "built-in config: -runs 1000000000000, num_blocks = 4, 8 items per block: the run would hold about"},
		{[]string{"-blocks", "1000000000", "-trace"}, 1, "num_runs = 3, -blocks 1000000000, 8 items per block, -trace: the run would hold"},
		{[]string{"-memory", "1KB"}, 1, "beyond the memory limit of 1 KiB (-memory 1KB)"},
		{[]string{"-memory", "x"}, 2, `-memory: "x" is not a memory size`},
		{[]string{"-config", write("orig.yaml", "num_runs: 2\n")}, 1, "orig.yaml: this is a YAML config of the original; convert it with `configs import`"},
		{[]string{"-config", write("orig.toml", "# head\nnum_runs: 2\n")}, 1, "orig.toml: this is a YAML config of the original"},
		{[]string{"-bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
	} {
		dir := filepath.Join(tmp, "out")
		code, _, stderr := runCmd(t, append(tc.args, "-out", dir, "-quiet")...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, tc.args)
		assert.NoDirExists(t, dir, "%v wrote results", tc.args)
		ents, _ := os.ReadDir(tmp)
		for _, e := range ents {
			assert.False(t, strings.HasPrefix(e.Name(), ".out"), "leftover %s", e.Name())
		}
	}
}

func TestIgnoredKeysReported(t *testing.T) {
	tmp := t.TempDir()
	p := filepath.Join(tmp, "c.toml")
	require.NoError(t, os.WriteFile(p, []byte("noise = 'None'\n"), 0o644))
	m := toyModel()
	load := m.Load
	m.Load = func(path string, data []byte) (*cli.Setup, error) {
		s, err := load(path, data)
		if err == nil {
			s.Ignored = []string{"noise"}
		}
		return s, err
	}
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), m, []string{"-config", p, "-out", filepath.Join(tmp, "r"), "-quiet", "-task", "shj1"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.Contains(t, errb.String(), "ignoring keys the original ignores too: noise")
}

func TestHelp(t *testing.T) {
	code, _, stderr := runCmd(t, "-help")
	assert.Equal(t, 0, code)
	for _, f := range []string{"-config", "-task", "-order", "-init", "-runs", "-blocks", "-out", "-workers", "-trace"} {
		assert.Contains(t, stderr, f)
	}
}

// TestPassesAndNoState: -passes 2 presents every item twice per block, in
// two shuffled passes; -nostate writes no per-run checkpoints.
func TestPassesAndNoState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	code, _, stderr := runCmd(t, "-out", dir, "-task", "shj3", "-passes", "2", "-runs", "2", "-blocks", "3", "-trace", "-nostate", "-quiet")
	require.Equal(t, 0, code, stderr)
	tr, err := os.ReadFile(filepath.Join(dir, "trace_shj3.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(tr)), "\n")[1:]
	require.Len(t, lines, 2*3*16)
	for b := 0; b < 3; b++ {
		seen := map[string]int{}
		for i, l := range lines[b*16 : (b+1)*16] {
			sig := strings.Split(l, ",")[3]
			seen[sig]++
			if i == 7 {
				assert.Len(t, seen, 8, "block %d: the first pass shows every item once", b)
			}
		}
		for sig, n := range seen {
			assert.Equal(t, 2, n, "block %d item %s", b, sig)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		assert.NotEqual(t, ".npz", filepath.Ext(e.Name()), "-nostate wrote %s", e.Name())
	}
}

// TestHugeWorkers: -workers beyond the runs starts no more goroutines than
// runs (a billion would not fit in memory) and gives the same results.
func TestHugeWorkers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCmd(t, "-workers", "1000000000", "-runs", "2", "-blocks", "2", "-out", dir, "-quiet")
	require.Equal(t, 0, code, stderr)
	assert.FileExists(t, filepath.Join(dir, "summary.json"))
}

// toyWith is the toy model with its setup changed by edit.
func toyWith(edit func(s *cli.Setup)) cli.Model {
	m := toyModel()
	def := m.Default
	m.Default = func() (*cli.Setup, error) {
		s, err := def()
		if err == nil {
			edit(s)
		}
		return s, err
	}
	return m
}

// TestDigestDropsModels runs a setup with a Digest: the analyses see a
// digest of every run and the model of the first task's run 0 only (the
// others are dropped as each run ends), the digests are the runs'
// checkpoints, and every other file is what the setup without a Digest
// writes (traces and observed quantities included).
func TestDigestDropsModels(t *testing.T) {
	var mu sync.Mutex
	digests := map[string]map[string]stream.Array{}
	var models, kept int
	m := toyWith(func(s *cli.Setup) {
		s.Digest = func(st stream.Stream) (any, error) { return stream.StateMap(st.State()), nil }
		s.Evaluate = func(res []run.Result) map[string]any {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range res {
				for _, rr := range r.Runs {
					digests[fmt.Sprintf("type%d_run%d.npz", r.Job.Task.SHJType, rr.Run)] = rr.Digest.(map[string]stream.Array)
					models++
					if rr.Model != nil {
						kept++
					}
				}
			}
			return map[string]any{"tasks": len(res)}
		}
	})
	files := map[bool]map[string][]byte{}
	for _, digest := range []bool{true, false} {
		dir := filepath.Join(t.TempDir(), "res")
		mod := toyModel()
		if digest {
			mod = m
		}
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), mod, []string{"-out", dir, "-workers", "2", "-quiet", "-trace"}, &out, &errb)
		require.Equal(t, 0, code, errb.String())
		files[digest] = readResults(t, dir)
	}
	assert.Equal(t, files[false], files[true])
	assert.Equal(t, 6*3, models)
	assert.Equal(t, 1, kept, "run 0's model of the first task")
	require.Len(t, digests, 18)
	for name, want := range digests {
		got, err := npz.Read(writeTemp(t, name, files[true][name]))
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
}

// readResults reads every file of a results folder but its PNG and
// provenance record.
func readResults(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		if filepath.Ext(e.Name()) == ".png" || e.Name() == provenance.FileName {
			continue
		}
		files[e.Name()], err = os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
	}
	return files
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// TestDivergedRunWritesNothing diverges the last run of one task after
// the other runs wrote their checkpoints: the command fails and leaves
// neither the results folder nor its temporary folder.
func TestDivergedRunWritesNothing(t *testing.T) {
	m := toyWith(func(s *cli.Setup) {
		s.New = func(tk *task.Task, r int, src seed.Source) (stream.Stream, error) {
			l := toy.New(tk.Dims, tk.Classes, 0.2, src)
			if tk.SHJType == 6 && r == 2 {
				l.DivergeAt = 20
			}
			return l, nil
		}
	})
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "res")
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), m, []string{"-out", dir, "-workers", "1", "-quiet"}, &out, &errb)
	require.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "nothing written: shj6: run 2 diverged at block 2 trial 3")
	assert.NoDirExists(t, dir)
	ents, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, ents, "leftovers")
}

// TestEstimateWithDigest: a fit whose setup has a Digest holds run 0's
// model and the workers' only, not every run's.
func TestEstimateWithDigest(t *testing.T) {
	tasks, err := task.Parse("shj1")
	require.NoError(t, err)
	s := &cli.Setup{Loop: config.Loop{NumRuns: 1000, NumBlocks: 4},
		Memory: func(*task.Task) budget.Estimate { return budget.Estimate{Bytes: 1 << 20} }}
	all := cli.Estimate(s, cli.Options{Workers: 2}, tasks)
	s.Digest = func(stream.Stream) (any, error) { return nil, nil }
	few := cli.Estimate(s, cli.Options{Workers: 2}, tasks)
	assert.Equal(t, budget.Bytes(997<<20), all-few, "1,000 models against 3")
}

// TestCPUProfile: -cpuprofile writes a gzipped pprof profile of the whole
// command to a new file, and refuses an existing one before running.
func TestCPUProfile(t *testing.T) {
	tmp := t.TempDir()
	prof := filepath.Join(tmp, "cpu.prof")
	code, _, stderr := runCmd(t, "-out", filepath.Join(tmp, "a"), "-quiet", "-cpuprofile", prof)
	if strings.Contains(stderr, "cpu profiling already in use") {
		t.Skip("the test binary itself is being profiled (go test -cpuprofile)")
	}
	require.Equal(t, 0, code, stderr)
	f, err := os.Open(prof)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err, "a pprof profile is gzipped")
	body, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.NotEmpty(t, body)

	mine := filepath.Join(tmp, "notes.txt")
	require.NoError(t, os.WriteFile(mine, []byte("mine"), 0o644))
	for _, path := range []string{prof, mine} {
		before, err := os.ReadFile(path)
		require.NoError(t, err)
		dir := filepath.Join(tmp, "b")
		code, _, stderr = runCmd(t, "-out", dir, "-quiet", "-cpuprofile", path)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, path+": the file exists")
		assert.NoDirExists(t, dir, "nothing runs")
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, before, after, "%s is left as it was", path)
	}
}
