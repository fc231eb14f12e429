package provenance

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRevision(t *testing.T) {
	for _, c := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, Unknown},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}, "abc"},
		{[]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: "abc"}}, "abc+dirty"},
		{[]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, Unknown},
	} {
		assert.Equal(t, c.want, revision(c.settings), "%v", c.settings)
	}
}

func TestComparable(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"abc", "def", true}, {"abc", "abc", true}, {"abc", Unknown, false}, {Unknown, Unknown, false},
		{"abc+dirty", "def", false}, {"abc", "", false},
		{"abc" + Unverified, "def", false}, {"abc", "abc" + Unverified, false}, {"abc" + Unverified, "abc" + Unverified, false},
		{"v1.2-3-gabc+dirty", "abc", false},
	} {
		assert.Equal(t, c.want, Comparable(c.a, c.b), "%q %q", c.a, c.b)
	}
}

func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	_, err := Read(dir)
	assert.ErrorIs(t, err, ErrNone)
	r := New("tool")
	r.SetConfig("c.toml", []byte("a = 1\n"))
	r.SetSeed(-3)
	require.NoError(t, r.Write(dir))
	got, err := Read(dir)
	require.NoError(t, err)
	assert.Equal(t, "tool", got.Tool)
	assert.Equal(t, "c.toml", got.Config)
	assert.Equal(t, "cb78bd8a17f7b751fe0d4663366dcbc257204033ef7ddd64b1f2969573b5b2e2", got.ConfigSHA256, "sha256sum of the config")
	assert.Equal(t, int64(-3), *got.Seed)
	assert.Equal(t, os.Args, got.Command)
	assert.True(t, got.End.IsZero(), "no end before the folder is finished")
	for name, body := range map[string]string{"not JSON": "{", "not ours": `{"name": "x"}`} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(body), 0o644))
		_, err := Read(dir)
		assert.ErrorContains(t, err, "not a provenance record of this toolkit", name)
	}
}
