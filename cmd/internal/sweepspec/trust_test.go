package sweepspec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fastslow/stream/sweep"
)

// TestResumeChecksFiles: a finished config whose files are missing or
// differ from the sums in sweep.json is redone, bit-identically; the
// others are skipped.
func TestResumeChecksFiles(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	out := filepath.Join(dir, "out")
	runSweep(t, sw, sweep.RunOptions{Out: out, Workers: 2})
	want := tree(t, out)
	m, err := sweep.ReadMarker(filepath.Join(out, "s_1"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Blocks != 4 || len(m.Files) == 0 {
		t.Fatalf("marker records blocks %d and %d files", m.Blocks, len(m.Files))
	}
	if err := os.Remove(filepath.Join(out, "s_1", "lc_total.npy")); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(out, "s_3", "lc.csv")
	data, _ := os.ReadFile(csv)
	if err := os.WriteFile(csv, bytes.Replace(data, []byte("0."), []byte("1."), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sum := runSweep(t, sw, sweep.RunOptions{Out: out, Workers: 2, Log: &log})
	if sum.Done != 2 || sum.Skipped != 2 {
		t.Errorf("rerun: %d done, %d skipped; want the two damaged configs redone and the two diverged skipped\n%s", sum.Done, sum.Skipped, log.String())
	}
	for _, w := range []string{"s_1: redone: lc_total.npy is missing", "s_3: redone: lc.csv differs from what the sweep wrote"} {
		if !strings.Contains(log.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, log.String())
		}
	}
	assert.Equal(t, want, tree(t, out), "after redoing")
}

// TestReportFlagsDamaged: a truncated lc.csv (or any file changed since
// the sweep wrote it) is left out of the ranking and listed with why.
func TestReportFlagsDamaged(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	out := filepath.Join(dir, "out")
	runSweep(t, sw, sweep.RunOptions{Out: out, Workers: 2})
	csv := filepath.Join(out, "s_1", "lc.csv")
	data, _ := os.ReadFile(csv)
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(csv, []byte(strings.Join(lines[:3], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := sweep.ParseMetric("last:2")
	rk, err := sweep.Report(out, m, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rk.Rows) != 1 || rk.Rows[0].Marker.Config != "s_3" {
		t.Errorf("ranked %d configs; want s_3 alone", len(rk.Rows))
	}
	if len(rk.Damaged) != 1 || !strings.Contains(rk.Damaged[0], "s_1: lc.csv holds") {
		t.Errorf("damaged %q; want s_1's lc.csv named", rk.Damaged)
	}
	var buf bytes.Buffer
	rk.Print(&buf, 5)
	if !strings.Contains(buf.String(), "1 damaged folders left out") {
		t.Errorf("print lacks the damaged folders:\n%s", buf.String())
	}
	// A marker without sums (an older sweep's) cannot vouch for its files.
	mk := &sweep.Marker{Status: sweep.Done}
	if err := mk.Verify(filepath.Join(out, "s_3")); err == nil || !strings.Contains(err.Error(), "records no file checksums") {
		t.Errorf("a marker without sums: %v", err)
	}
}

// TestSelectByNameNumber: -begin/-end select by the number at the end of
// a config's name, whatever its prefix, even when some names have none.
func TestSelectByNameNumber(t *testing.T) {
	dir := t.TempDir()
	sw := sweepOf(t, writeSpec(t, dir, smallSpec))
	src := filepath.Join(dir, "configs")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"config_dl_dnn_192", "config_dlMU_dnn_134", "config_dl_dnn_135", "config_n"} {
		if err := os.WriteFile(filepath.Join(src, name+".toml"), sw.Configs[i].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rd, err := ReadDir(src, dualstream(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := rd.Select(134, 136, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range sel {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "config_dlMU_dnn_134 config_dl_dnn_135" {
		t.Errorf("-begin 134 -end 136 selected %v", names)
	}
}

func TestShardMessages(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0/0", `-shard "0/0": want i/n with n ≥ 1 shards and 0 ≤ i < n, e.g. 0/4`},
		{"4/4", `shard 4 is outside 0..3`},
		{"x", `-shard "x": want i/n, e.g. 0/4`},
	} {
		_, _, err := ParseShard(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-shard %s: %v; want %q", c.in, err, c.want)
		}
	}
}
