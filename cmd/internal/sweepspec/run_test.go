package sweepspec

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/sweep"
)

// smallSpec is a 2 × 2 dual-stream sweep of 3 runs × 4 blocks whose
// configs with lr_dnn = 1e100 diverge on the second trial. (lr_dnn = 50
// does not: its ReLUs die and the slow stream's error stays at 0.5, but
// every logit stays finite.)
const smallSpec = `
[fixed]
num_runs = 3
num_blocks = 4
[grid]
fast_config.lr_nn = [0.001, 0.025]
slow_config.lr_dnn = [0.1, 1e100]
`

// tree returns the files under dir by their relative paths, the reports
// and the records (which hold times and the command line) aside.
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	return fixture.Results(t, dir, func(rel string) bool {
		return strings.HasPrefix(rel, "report_") || filepath.Base(rel) == provenance.FileName
	})
}

func runSweep(t testing.TB, sw *sweep.Sweep, o sweep.RunOptions) *sweep.Summary {
	t.Helper()
	sum, err := sweep.Run(context.Background(), sw, o)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestWorkersAndShards checks that the results are bit-identical for 1, 2
// and 8 workers and for 1 and 4 shards into one folder, diverged configs
// included, and that diverging configs are recorded as such, without
// results, while the sweep goes on.
func TestWorkersAndShards(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	ref := filepath.Join(dir, "w1")
	sum := runSweep(t, sw, sweep.RunOptions{Out: ref, Workers: 1})
	if sum.Selected != 4 || sum.Done != 2 || sum.Diverged != 2 || sum.Unfinished() {
		t.Fatalf("summary %+v", sum)
	}
	want := tree(t, ref)
	for _, c := range []string{"s_1", "s_3"} {
		if _, ok := want[c+"/lc_total.npy"]; !ok {
			t.Errorf("%s: no results", c)
		}
	}
	for _, c := range []string{"s_2", "s_4"} {
		m, err := sweep.ReadMarker(filepath.Join(ref, c))
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != sweep.Diverged || m.Diverged == nil || m.Diverged.Run != 0 || m.Diverged.Block != 0 || m.Diverged.Task != "new-stimuli" {
			t.Errorf("%s: marker %+v %+v", c, m, m.Diverged)
		}
		for k := range want {
			if strings.HasPrefix(k, c+"/") && k != c+"/"+sweep.MarkerName && k != c+"/config.toml" {
				t.Errorf("diverged %s has a result file %s", c, k)
			}
		}
	}
	for _, w := range []int{2, 8} {
		out := filepath.Join(dir, "w"+string(rune('0'+w)))
		runSweep(t, sw, sweep.RunOptions{Out: out, Workers: w})
		assert.Equal(t, want, tree(t, out), "workers "+string(rune('0'+w)))
	}
	// A memory limit of one config and a half: one config in flight at a
	// time, diverging ones included, and the same files.
	plan, err := cli.Prepare(sw.Model, cli.Options{Config: filepath.Join(ref, "configs", "s_1.toml"), Workers: 8, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	tight := budget.Limit{Bytes: cli.Estimate(plan.Setup, plan.Options, plan.Tasks) * 3 / 2, Source: "test"}
	out := filepath.Join(dir, "tight")
	sum = runSweep(t, sw, sweep.RunOptions{Out: out, Workers: 8, Limit: &tight})
	assert.Equal(t, 1, sum.InFlight, "configs in flight at once under the limit")
	assert.Equal(t, want, tree(t, out), "workers 8, a limit of one config")
	shards := filepath.Join(dir, "shards")
	for i := 0; i < 4; i++ {
		sum := runSweep(t, sw, sweep.RunOptions{Out: shards, Workers: 2, Shard: i, Shards: 4})
		if sum.Selected != 1 || sum.Skipped != 0 {
			t.Errorf("shard %d/4: %+v", i, sum)
		}
	}
	assert.Equal(t, want, tree(t, shards), "4 shards")
	p, err := sweep.ReadPlan(shards)
	if err != nil || p.Total != 4 {
		t.Errorf("4 shards: plan %+v, %v: want the 4 configs of all shards", p, err)
	}
}

// TestResume checks that a rerun skips finished configs and redoes the
// others: a marker with another checksum, a folder without marker, and
// what a killed run leaves (hidden temporary folders) are not finished.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	out := filepath.Join(dir, "out")
	runSweep(t, sw, sweep.RunOptions{Out: out})
	want := tree(t, out)
	if sum := runSweep(t, sw, sweep.RunOptions{Out: out}); sum.Skipped != 4 || sum.Trials != 0 {
		t.Fatalf("rerun: %+v", sum)
	}
	// s_1 finished with another config; s_3 lost its marker; s_4 left a
	// half-written temporary folder.
	m, _ := sweep.ReadMarker(filepath.Join(out, "s_1"))
	m.Checksum = "sha256:0"
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "s_1", sweep.MarkerName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "s_3", sweep.MarkerName)); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, ".s_4.tmp-12345")
	os.MkdirAll(stale, 0o755)
	provenance.New("sweep").Write(stale) // a temporary folder holds its record from the start
	os.WriteFile(filepath.Join(stale, "lc.csv"), []byte("partial"), 0o644)
	sum := runSweep(t, sw, sweep.RunOptions{Out: out})
	if sum.Skipped != 2 || sum.Done != 2 || sum.Diverged != 0 {
		t.Errorf("resume: %+v", sum)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary folder is still there: %v", err)
	}
	assert.Equal(t, want, tree(t, out), "resumed")
	// Another config under the same name (an override) is redone.
	sw2 := sweepOf(t, writeSpec(t, dir, smallSpec), sweep.Value{Key: "random_seed", Value: int64(7)})
	if sum := runSweep(t, sw2, sweep.RunOptions{Out: out}); sum.Skipped != 0 || sum.Done+sum.Diverged != 4 {
		t.Errorf("changed configs: %+v", sum)
	}
}

// cancelOnDone cancels a context when the first config is written.
type cancelOnDone struct {
	mu     sync.Mutex
	cancel func()
	buf    bytes.Buffer
}

func (c *cancelOnDone) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(": done,")) {
		c.cancel()
	}
	return c.buf.Write(p)
}

// TestInterrupt checks that a cancelled sweep leaves the configs in
// flight unfinished (nothing of them where results are expected), keeps
// the finished ones, and that a rerun completes it bit-identically.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, `
[fixed]
num_runs = 2
num_blocks = 30
[grid]
fast_config.lr_nn = [0.001, 0.002, 0.003, 0.004, 0.005, 0.006]
`)
	sw := sweepOf(t, spec)
	ref := filepath.Join(dir, "ref")
	runSweep(t, sw, sweep.RunOptions{Out: ref, Workers: 2})
	want := tree(t, ref)

	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithCancel(context.Background())
	log := &cancelOnDone{cancel: cancel}
	sum, err := sweep.Run(ctx, sw, sweep.RunOptions{Out: out, Workers: 2, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Unfinished() || sum.Done == 0 || sum.Done == 6 {
		t.Fatalf("interrupted run: %+v\n%s", sum, log.buf.String())
	}
	got := tree(t, out)
	for k, v := range got {
		if strings.HasPrefix(k, "configs/") {
			continue
		}
		if v != want[k] {
			t.Errorf("after the interrupt, %s differs from the uninterrupted sweep's", k)
		}
	}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if e.IsDir() && e.Name() != "configs" && !strings.HasPrefix(e.Name(), ".") {
			if _, err := sweep.ReadMarker(filepath.Join(out, e.Name())); err != nil {
				t.Errorf("%s: a results folder without a marker", e.Name())
			}
		}
	}
	sum = runSweep(t, sw, sweep.RunOptions{Out: out, Workers: 2})
	if sum.Unfinished() || sum.Skipped+sum.Done != 6 {
		t.Errorf("rerun: %+v", sum)
	}
	assert.Equal(t, want, tree(t, out), "resumed after the interrupt")
}

// TestMetrics checks the ranking metrics on curves worked by hand.
func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.csv")
	os.WriteFile(target, []byte("block,value\n0,0.5\n2,0.1\n"), 0o644)
	plain := filepath.Join(dir, "plain.csv")
	os.WriteFile(plain, []byte("0.5\n0.4\n"), 0o644)
	y := []float64{0.5, 0.3, 0.2, 0.1}
	for _, c := range []struct {
		metric string
		want   float64
	}{
		{"last:1", 0.1},
		{"last:2", 0.15000000000000002},
		{"last:4", 0.275},
		{"area", 0.8},                             // (0.5+0.3)/2 + (0.3+0.2)/2 + (0.2+0.1)/2
		{"target:" + target, math.Sqrt(0.01 / 2)}, // blocks 0 and 2: errors 0 and 0.1
		{"target:" + plain, math.Sqrt(0.01 / 2)},  // blocks 0 and 1: errors 0 and 0.1
	} {
		m, err := sweep.ParseMetric(c.metric)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Eval(y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s = %v, want %v", c.metric, got, c.want)
		}
	}
	for _, bad := range []string{"last:0", "last:x", "mean", "target:" + filepath.Join(dir, "none.csv")} {
		if _, err := sweep.ParseMetric(bad); err == nil {
			t.Errorf("-metric %s: no error", bad)
		}
	}
	m, _ := sweep.ParseMetric("last:5")
	if _, err := m.Eval(y); err == nil {
		t.Error("last:5 of 4 blocks: no error")
	}
}

// TestReport checks the ranking of a finished sweep: order, CSV columns,
// diverged configs listed apart, and the PNG sheet.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	out := filepath.Join(dir, "out")
	runSweep(t, sw, sweep.RunOptions{Out: out})
	os.MkdirAll(filepath.Join(out, "half"), 0o755) // unfinished: no marker
	m, _ := sweep.ParseMetric("area")
	rk, err := sweep.Report(out, m, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rk.Rows) != 2 || len(rk.Diverged) != 2 || rk.Unfinished != 1 || rk.Curve != "total" {
		t.Fatalf("ranking: %d rows, %d diverged, %d unfinished, curve %q", len(rk.Rows), len(rk.Diverged), rk.Unfinished, rk.Curve)
	}
	if !reflect.DeepEqual(rk.Keys, []string{"fast_config.lr_nn", "slow_config.lr_dnn"}) {
		t.Errorf("keys %v", rk.Keys)
	}
	if rk.Rows[0].Score > rk.Rows[1].Score || rk.Rows[0].Rank != 1 {
		t.Errorf("not ranked: %v, %v", rk.Rows[0].Score, rk.Rows[1].Score)
	}
	csvPath := filepath.Join(out, "report_area.csv")
	if err := rk.WriteCSV(csvPath); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(csvPath)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 5 || lines[0] != "rank,config,number,status,area_total,final_total,fast_config.lr_nn,slow_config.lr_dnn,diverged_at" {
		t.Fatalf("CSV:\n%s", data)
	}
	if !strings.HasPrefix(lines[3], ",s_2,2,diverged,,,0.001,1e+100,new-stimuli run 0 block 0 trial ") {
		t.Errorf("diverged row %q", lines[3])
	}
	var buf bytes.Buffer
	rk.Print(&buf, 1)
	if !strings.Contains(buf.String(), "2 diverged (s_2, s_4)") || strings.Count(buf.String(), "\n") != 3 {
		t.Errorf("printed:\n%s", buf.String())
	}
	png := filepath.Join(out, "report_area.png")
	if err := rk.Sheet(png, 9); err != nil {
		t.Fatal(err)
	}
	if head, _ := os.ReadFile(png); !bytes.HasPrefix(head, []byte("\x89PNG")) {
		t.Error("the sheet is not a PNG")
	}
	if _, err := sweep.Report(out, m, "nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown curve: %v", err)
	}
}

// BenchmarkSweep times whole small sweeps (4 configs × 2 runs of the 100
// new stimuli, written to disk) and reports configs/s, ns per trial and
// allocations per config: these do not grow with the blocks, so the
// per-trial path allocates nothing (allocations are per run and per
// config: models, curves, files, the PNG).
func BenchmarkSweep(b *testing.B) {
	for _, blocks := range []int{20, 80} {
		b.Run("blocks="+strconv.Itoa(blocks), func(b *testing.B) {
			dir := b.TempDir()
			sw := sweepOf(b, writeSpec(b, dir, `
[fixed]
num_runs = 2
num_blocks = `+strconv.Itoa(blocks)+`
[grid]
fast_config.lr_nn = [0.001, 0.025]
slow_config.n_units = [16, 64]
`))
			b.ReportAllocs()
			var trials int64
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for i := 0; b.Loop(); i++ {
				sum := runSweep(b, sw, sweep.RunOptions{Out: filepath.Join(dir, "out", strconv.Itoa(i))})
				trials += sum.Trials
			}
			runtime.ReadMemStats(&ms1)
			s := b.Elapsed().Seconds()
			n := float64(b.N * len(sw.Configs))
			b.ReportMetric(n/s, "configs/s")
			b.ReportMetric(s*1e9/float64(trials), "ns/trial")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/config")
		})
	}
}
