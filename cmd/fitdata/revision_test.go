package main

import (
	"os"
	"path/filepath"
	"regexp"
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
		note, err string
	}{
		{"a new trace", a, map[string][]string{}, "", ""},
		{"same revision", a, map[string][]string{a: nil}, "", ""},
		{"another clean revision", b, map[string][]string{a: nil}, "", "made by revision " + a + " and this binary is revision " + b + ": resuming would mix"},
		{"this one dirty", b + "+dirty", map[string][]string{a: nil}, "they are reused as they are", ""},
		{"this one unverified", b + provenance.Unverified, map[string][]string{a: nil}, "they are reused as they are", ""},
		{"theirs unverified", b, map[string][]string{a + provenance.Unverified: nil}, "made by revision " + a + provenance.Unverified, ""},
		{"theirs unknown", a, map[string][]string{provenance.Unknown: nil}, "made by revision unknown", ""},
		{"this one unknown", provenance.Unknown, map[string][]string{a: nil}, "this binary is revision unknown", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			note, err := mixedRevisions(c.cur, "res.trace.csv", c.made)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.Contains(t, err.Error(), "-fresh (nothing was run)")
				return
			}
			require.NoError(t, err)
			if c.note == "" {
				assert.Empty(t, note)
			} else {
				assert.Contains(t, note, c.note)
			}
		})
	}
}

// TestResumeChecksRevision: a trace records the revision of every binary
// that appended to it; a resume by another clean revision is refused
// (when this binary's is clean too), one by a revision nobody can compare
// goes on and says so, and a refused resume leaves the trace as it was.
func TestResumeChecksRevision(t *testing.T) {
	const other = "1111111111111111111111111111111111111111"
	cur := provenance.New("fitdata").Revision // the source tree's under go test
	out := filepath.Join(t.TempDir(), "res")
	code, _, errs := runCmd("-spec", small, "-out", out, "-quiet")
	require.Equal(t, 0, code, errs)
	trace := out + ".trace.csv"
	data, err := os.ReadFile(trace)
	require.NoError(t, err)
	line := regexp.MustCompile(`(?m)^# revision (.*)$`)
	m := line.FindSubmatch(data)
	require.NotNil(t, m, "the trace records no revision:\n%s", data)
	assert.Equal(t, cur, string(m[1]))
	for _, c := range []struct {
		name, theirs string
		refused      bool
	}{
		{"theirs unverified", other + provenance.Unverified, false},
		{"theirs dirty", other + "+dirty", false},
		{"theirs unknown", "", false}, // a trace of before revisions were recorded
		{"theirs clean", other, provenance.Comparable(cur, other)},
	} {
		t.Run(c.name, func(t *testing.T) {
			edited := line.ReplaceAll(data, nil)
			if c.theirs != "" {
				edited = line.ReplaceAll(data, []byte("# revision "+c.theirs))
			}
			require.NoError(t, os.WriteFile(trace, edited, 0o644))
			code, _, errs := runCmd("-spec", small, "-out", out, "-quiet")
			want := c.theirs
			if want == "" {
				want = provenance.Unknown
			}
			if c.refused {
				assert.Equal(t, 1, code)
				assert.Contains(t, errs, "made by revision "+want+" and this binary is revision "+cur+": resuming would mix")
				assert.Contains(t, errs, "-fresh")
				after, err := os.ReadFile(trace)
				require.NoError(t, err)
				assert.Equal(t, string(edited), string(after), "a refused resume changed the trace")
				return
			}
			require.Equal(t, 0, code, errs)
			assert.Contains(t, errs, "note: "+trace+" holds evaluations made by revision "+want)
			assert.Contains(t, errs, "resuming from")
			after, err := os.ReadFile(trace)
			require.NoError(t, err)
			assert.Contains(t, string(after), "# revision "+cur+"\n", "the resume records its revision")
		})
	}
}
