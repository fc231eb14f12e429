package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/provenance"
)

func TestMixedRevisions(t *testing.T) {
	const a, b = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	for _, c := range []struct {
		name      string
		cur       string
		made      map[string][]string
		warn, err string
	}{
		{"none finished", a, nil, "", ""},
		{"same revision", a, map[string][]string{a: {"s_1"}}, "", ""},
		{"another clean revision", b, map[string][]string{a: {"s_1", "s_2"}}, "", "2 finished configs (s_1…) were made by revision " + a + " and this binary is revision " + b + ": finishing the sweep would mix"},
		{"this one dirty", b + "+dirty", map[string][]string{a: {"s_1"}}, "they are kept as they are", ""},
		{"this one unverified", b + provenance.Unverified, map[string][]string{a: {"s_1"}}, "they are kept as they are", ""},
		{"theirs unverified", b, map[string][]string{a + provenance.Unverified: {"s_1"}}, "made by revision " + a + provenance.Unverified, ""},
		{"theirs unknown", a, map[string][]string{provenance.Unknown: {"s_1"}}, "made by revision unknown", ""},
		{"this one unknown", provenance.Unknown, map[string][]string{a: {"s_1"}}, "this binary is revision unknown", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			warn, err := mixedRevisions(c.cur, c.made, "out")
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.Contains(t, err.Error(), "nothing was run")
				return
			}
			require.NoError(t, err)
			if c.warn == "" {
				assert.Empty(t, warn)
			} else {
				assert.Contains(t, warn, c.warn)
			}
		})
	}
}

// TestResumeSaysWhatItKeeps: configs finished by a revision nobody can
// compare (here: one read from a source tree git could not check) are kept
// on resume, and the log says so; configs finished by another clean
// revision are refused when this binary's revision is clean too.
func TestResumeSaysWhatItKeeps(t *testing.T) {
	const other = "1111111111111111111111111111111111111111"
	cur := provenance.New("sweep").Revision // the source tree's under go test
	for _, c := range []struct {
		name, theirs string
		refused      bool
	}{
		{"theirs unverified", other + provenance.Unverified, false},
		{"theirs dirty", other + "+dirty", false},
		{"theirs unknown", provenance.Unknown, false},
		{"theirs clean", other, provenance.Comparable(cur, other)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			sw := sweepOf(t, writeSpec(t, dir, smallSpec))
			out := filepath.Join(dir, "out")
			runSweep(t, sw, RunOptions{Out: out})
			path := filepath.Join(out, "s_1", provenance.FileName)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var rec map[string]any
			require.NoError(t, json.Unmarshal(data, &rec))
			rec["revision"] = c.theirs
			data, _ = json.Marshal(rec)
			require.NoError(t, os.WriteFile(path, data, 0o644))
			require.NoError(t, os.RemoveAll(filepath.Join(out, "s_3")))
			var log bytes.Buffer
			sum, err := Run(context.Background(), sw, RunOptions{Out: out, Log: &log})
			said := "1 finished configs (s_1…) were made by revision " + c.theirs + " and this binary is revision " + cur
			if c.refused {
				require.Error(t, err)
				assert.Contains(t, err.Error(), said)
				assert.NoDirExists(t, filepath.Join(out, "s_3"), "nothing was run")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, sum.Done)
			assert.True(t, strings.Contains(log.String(), said), log.String())
		})
	}
}
