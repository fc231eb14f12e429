package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBenchOneModel(t *testing.T) {
	var out, errb bytes.Buffer
	code := command([]string{"-models", "clustering", "-runs", "2"}, &out, &errb)
	assert.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), "clustering")
	assert.Contains(t, out.String(), "4.56ms")
	assert.Equal(t, 2, command([]string{"-models", "nope"}, &out, &errb))
}

// TestBenchProfile checks that -cpuprofile writes a profile into a new
// file and refuses a file that exists, leaving it as it was.
func TestBenchProfile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "cpu.prof")
	var out, errb bytes.Buffer
	require.Equal(t, 0, command([]string{"-models", "clustering", "-runs", "1", "-cpuprofile", name}, &out, &errb), errb.String())
	fi, err := os.Stat(name)
	require.NoError(t, err)
	assert.Positive(t, fi.Size(), "an empty profile")

	mine := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(mine, []byte("a user's file"), 0o644))
	errb.Reset()
	assert.Equal(t, 1, command([]string{"-models", "clustering", "-runs", "1", "-cpuprofile", mine}, &out, &errb))
	assert.Contains(t, errb.String(), "-cpuprofile")
	assert.Contains(t, errb.String(), "exists")
	b, err := os.ReadFile(mine)
	require.NoError(t, err)
	assert.Equal(t, "a user's file", string(b))
}

func TestBenchMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for about 1.2 s")
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 0, command([]string{"-machine"}, &out, &errb), errb.String())
	for _, y := range []string{"scalar FMA", "affine.Step in L1", "read 16 MB", "update 16 MB"} {
		assert.Contains(t, out.String(), y)
	}
}

func TestSlice(t *testing.T) {
	for _, c := range []struct {
		trials, items, blocks int
		runs, perRun          int
	}{
		{500, 8, 32, 2, 32},    // clustering: whole runs of 32 blocks
		{500, 8, 350, 1, 63},   // dnn: the first 63 blocks of a run
		{500, 100, 10, 1, 5},   // config_dlMU_1
		{5000, 100, 10, 5, 10}, // more trials than a run holds
		{1, 100, 350, 1, 1},    // at least one block
		{0, 8, 32, 1, 1},       // at least one run
		{256, 8, 32, 1, 32},    // exactly one run
		{257, 8, 32, 2, 32},    // a trial more: two
		{16, 8, 350, 1, 2},     // whole blocks
		{17, 8, 350, 1, 3},     // rounded up to a block
		{700, 100, 350, 1, 7},  // config_dlMU_dnn_1
		{3600, 100, 10, 4, 10}, // rounded up to a run
		{100, 16, 350, 1, 7},   // catlearn's 16-trial blocks
		{10, 100, 350, 1, 1},   // fewer trials than a block
		{2000, 8, 32, 8, 32},   // the six SHJ types, and two more
		{350 * 8, 8, 350, 1, 350},
	} {
		runs, perRun := slice(c.trials, c.items, c.blocks)
		assert.Equal(t, [2]int{c.runs, c.perRun}, [2]int{runs, perRun}, "slice(%d, %d, %d)", c.trials, c.items, c.blocks)
	}
}

func TestDriverArgs(t *testing.T) {
	got := driverArgs("d.py", originals["dualstream"], 2, 5, 999)
	assert.Equal(t, []string{"d.py", "--config", "config_dlMU_dnn_1", "--model", "FastSlow", "--task", "new_stimuli",
		"--runs", "2", "--blocks", "5", "--seed", "999"}, got)
	got = driverArgs("d.py", originals["multiunit"], 1, 32, 7)
	assert.Equal(t, []string{"d.py", "--config", "config1", "--model", "MultiUnitCluster", "--task", "shj",
		"--runs", "1", "--blocks", "32", "--seed", "7"}, got)
}

func TestParseRound(t *testing.T) {
	for _, c := range []struct {
		line string
		want round
		err  string
	}{
		{`{"trials": 400, "cpu": 1.2, "wall": 4.9, "build_cpu": 0.003, "runs": 1, "anomaly": true}`,
			round{Trials: 400, CPU: 1.2, Wall: 4.9, BuildCPU: 0.003, Runs: 1, Anomaly: true}, ""},
		{`{"trials": 0, "cpu": 1.2, "wall": 4.9, "build_cpu": 0.003, "runs": 1}`, round{}, "want trials and runs > 0"},
		{`{"trials": 10, "cpu": 0, "wall": 4.9, "build_cpu": 0.003, "runs": 1}`, round{}, "cpu > 0"},
		{`{"trials": 10, "cpu": 1, "wall": 1, "build_cpu": 0, "runs": 1, "extra": 2}`, round{}, `unknown field "extra"`},
		{`Traceback (most recent call last):`, round{}, "invalid character"},
	} {
		got, err := parseRound([]byte(c.line))
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.line)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
		assert.Equal(t, 3*time.Millisecond, got.perTrial())
	}
}

func TestMedianAndRatios(t *testing.T) {
	ms := func(r round) time.Duration { return r.perTrial() }
	rs := []round{{Trials: 1, CPU: 0.003}, {Trials: 1, CPU: 0.001}, {Trials: 2, CPU: 0.004}}
	assert.Equal(t, 2*time.Millisecond, median(rs, ms))
	assert.Equal(t, 1500*time.Microsecond, median(rs[1:], ms))
	ours := []timing{{trials: 1000, cpu: time.Millisecond}, {trials: 1000, cpu: 2 * time.Millisecond}, {trials: 1, cpu: time.Microsecond}}
	med, lo, hi := ratios(ours, rs)
	assert.Equal(t, []float64{2000, 500, 3000}, []float64{med, lo, hi})
}

// checkout makes a stand-in for a checkout of the original in dir: the
// files cmd/bench looks for, empty.
func checkout(t *testing.T, dir string) {
	t.Helper()
	for _, o := range originals {
		files := []string{"models.py", "train.py", "utils.py", filepath.Join("configs", o.config+".yaml"), "new_stimuli.npy"}
		for _, f := range files {
			p := filepath.Join(dir, o.dir, f)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, nil, 0o644))
		}
	}
}

// fakePython writes an executable standing in for Python that records
// its arguments and folder in log and answers the driver's protocol with
// body (a shell script's text after the log is written).
func fakePython(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "python")
	script := "#!/bin/sh\necho \"$(pwd) $*\" >> " + filepath.Join(dir, "log") + "\n" + body
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

// TestOriginalProtocol runs -original with a stand-in for Python that
// answers 1 ms per trial with anomaly detection and 0.25 ms without, and
// checks the rounds, the slices asked for and the figures printed.
func TestOriginalProtocol(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in for Python is a shell script")
	}
	dir := t.TempDir()
	checkout(t, filepath.Join(dir, "orig"))
	py := fakePython(t, dir, `echo '{"ready": true, "torch": "9.9", "python": "3.99", "threads": 1}'
while read mode; do
  if [ "$mode" = anomaly ]; then
    echo '{"trials": 200, "cpu": 0.2, "wall": 0.3, "build_cpu": 0.004, "runs": 2, "anomaly": true}'
  else
    echo '{"trials": 200, "cpu": 0.05, "wall": 0.06, "build_cpu": 0.002, "runs": 2, "anomaly": false}'
  fi
  echo "$mode" >> `+filepath.Join(dir, "log")+`
done
`)
	var out, errb bytes.Buffer
	code := command([]string{"-models", "clustering,sustain", "-runs", "1", "-original", filepath.Join(dir, "orig"),
		"-python", py, "-rounds", "2", "-original-trials", "200"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	log, err := os.ReadFile(filepath.Join(dir, "log"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	require.Len(t, lines, 5, string(log))
	assert.True(t, strings.HasPrefix(lines[0], filepath.Join(dir, "orig", "clustering_model")+" "), lines[0])
	assert.Contains(t, lines[0], "original.py --config config1 --model ClusteringModel --task shj --runs 1 --blocks 25 --seed 999")
	assert.Equal(t, []string{"anomaly", "lean", "anomaly", "lean"}, lines[1:])
	s := out.String()
	assert.Contains(t, s, "original (this run)")
	assert.Contains(t, s, "1.00 ms")
	assert.Contains(t, s, "250.00 µs")
	assert.Contains(t, s, "1 × 25 blocks, 200 trials")
	assert.Contains(t, s, "PyTorch 9.9")
	assert.Contains(t, s, "its model built")
	assert.Contains(t, s, "1.50 ms", "its model built per run: the median of 2 ms and 1 ms")
	assert.Contains(t, s, "catlearn (R)", "a model the original lacks keeps its reference")
}

func TestOriginalRefusals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in for Python is a shell script")
	}
	dir := t.TempDir()
	checkout(t, filepath.Join(dir, "orig"))
	dying := fakePython(t, dir, "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n")
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no checkout", []string{"-original", filepath.Join(dir, "none")}, 2,
			[]string{"none: no dnn_model/models.py", "want a checkout of the original"}},
		{"no Python", []string{"-original", filepath.Join(dir, "orig"), "-python", filepath.Join(dir, "no-python")}, 1,
			[]string{"-original needs Python 3 with PyTorch", "-python"}},
		{"no torch", []string{"-original", filepath.Join(dir, "orig"), "-python", dying}, 1,
			[]string{"the driver stopped before it was ready", "No module named 'torch'", "-original needs Python 3 with PyTorch"}},
		{"no rounds", []string{"-original", filepath.Join(dir, "orig"), "-python", dying, "-rounds", "0"}, 2,
			[]string{"-rounds 0", "want both ≥ 1"}},
		{"no trials", []string{"-original", filepath.Join(dir, "orig"), "-python", dying, "-original-trials", "0"}, 2,
			[]string{"-original-trials 0", "want both ≥ 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, c.code, command(append([]string{"-models", "dnn", "-runs", "1"}, c.args...), &out, &errb))
			for _, w := range c.want {
				assert.Contains(t, errb.String(), w)
			}
		})
	}
}

// TestOriginalReal times every model of a real checkout of the original
// for a few trials, where one is given ($FASTSLOW_ORIGINAL) and Python
// with PyTorch ($FASTSLOW_PYTHON, else python3) is installed.
func TestOriginalReal(t *testing.T) {
	root := os.Getenv("FASTSLOW_ORIGINAL")
	if root == "" {
		t.Skip("set FASTSLOW_ORIGINAL to a checkout of the original (github.com/don-tpanic/thinking_fast_and_slow) to time it")
	}
	py := os.Getenv("FASTSLOW_PYTHON")
	if py == "" {
		py = "python3"
	}
	if b, err := exec.Command(py, "-c", "import torch, numpy, yaml, scipy, matplotlib").CombinedOutput(); err != nil {
		t.Skipf("%s lacks what the original imports: %v: %s", py, err, b)
	}
	var out, errb bytes.Buffer
	code := command([]string{"-models", "clustering,dnn,multiunit,distrlearner,dualstream", "-runs", "1",
		"-original", root, "-python", py, "-rounds", "1", "-original-trials", "8"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	for _, m := range []string{"clustering", "dnn", "multiunit", "distrlearner", "dualstream"} {
		assert.Regexp(t, `(?m)^ +`+m+` .* original \(this run\) .*×`, out.String())
	}
	t.Log(out.String())
}

// TestBenchMinCPU: -min-cpu runs the whole config again until it has
// spent that much CPU, so the trials counted are a multiple of one
// pass's; a negative duration is refused.
func TestBenchMinCPU(t *testing.T) {
	trials := func(args ...string) int {
		var out, errb bytes.Buffer
		require.Equal(t, 0, command(append([]string{"-models", "distrlearner", "-runs", "1"}, args...), &out, &errb), errb.String())
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		require.Len(t, lines, 2)
		f := strings.Fields(lines[1])
		n, err := strconv.Atoi(f[1])
		require.NoError(t, err, lines[1])
		return n
	}
	one := trials()
	more := trials("-min-cpu", "30ms")
	assert.Greater(t, more, one)
	assert.Zero(t, more%one, "whole passes: %d trials against %d", more, one)
	var out, errb bytes.Buffer
	assert.Equal(t, 2, command([]string{"-models", "distrlearner", "-min-cpu", "-1s"}, &out, &errb))
	assert.Contains(t, errb.String(), "-min-cpu -1s: want 0 or more")
}
