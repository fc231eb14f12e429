package sweepspec

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
	"github.com/fastslow/stream/sweep"
)

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
			runSweep(t, sw, sweep.RunOptions{Out: out})
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
			sum, err := sweep.Run(context.Background(), sw, sweep.RunOptions{Out: out, Log: &log})
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
