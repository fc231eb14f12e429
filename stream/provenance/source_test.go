package provenance

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	shaA = "0123456789abcdef0123456789abcdef01234567"
	shaB = "89abcdef0123456789abcdef0123456789abcdef"
)

// writeFiles writes files (slash paths relative to root, to contents).
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o777))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o666))
	}
}

// TestTreeRevision reads fake git layouts below a fake toolkit tree whose
// module is example.org/kit, at the path of this package's source file.
func TestTreeRevision(t *testing.T) {
	clean := func(string) (bool, error) { return false, nil }
	const gomod = "module example.org/kit // the kernel\n\ngo 1.25.0\n"
	for _, c := range []struct {
		name   string
		files  map[string]string
		module string
		built  time.Time
		dirty  func(string) (bool, error)
		want   string
	}{
		{"HEAD names a loose ref", map[string]string{
			".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": shaA + "\n",
			".git/packed-refs": shaB + " refs/heads/main\n"}, "", time.Time{}, clean, shaA},
		{"packed-refs only", map[string]string{
			".git/HEAD": "ref: refs/heads/main\n",
			".git/packed-refs": "# pack-refs with: peeled fully-peeled sorted\n" + shaB + " refs/heads/other\n" +
				shaA + " refs/heads/main\n^" + shaB + "\n"}, "", time.Time{}, clean, shaA},
		{"detached HEAD", map[string]string{".git/HEAD": shaA + "\n"}, "", time.Time{}, clean, shaA},
		{"worktree: gitdir and commondir", map[string]string{
			".git":                                "gitdir: ../repo/.git/worktrees/wt\n",
			"../repo/.git/worktrees/wt/HEAD":      "ref: refs/heads/wt\n",
			"../repo/.git/worktrees/wt/commondir": "../..\n",
			"../repo/.git/refs/heads/wt":          shaB + "\n",
			"../repo/.git/refs/heads/main":        shaA + "\n"}, "", time.Time{}, clean, shaB},
		{"worktree, branch packed", map[string]string{
			".git":                                "gitdir: ../repo/.git/worktrees/wt\n",
			"../repo/.git/worktrees/wt/HEAD":      "ref: refs/heads/wt\n",
			"../repo/.git/worktrees/wt/commondir": "../..\n",
			"../repo/.git/packed-refs":            shaB + " refs/heads/wt\n"}, "", time.Time{}, clean, shaB},
		{"dirty", map[string]string{".git/HEAD": shaA}, "", time.Time{},
			func(string) (bool, error) { return true, nil }, shaA + "+dirty"},
		{"git absent or failing", map[string]string{".git/HEAD": shaA}, "", time.Time{},
			func(string) (bool, error) { return false, exec.ErrNotFound }, shaA + Unverified},
		{"HEAD moved after the build", map[string]string{".git/HEAD": shaA}, "", time.Now().Add(-time.Hour), clean, shaA + Unverified},
		{"built after HEAD moved", map[string]string{".git/HEAD": shaA}, "", time.Now().Add(time.Hour), clean, shaA},
		{"garbage HEAD", map[string]string{".git/HEAD": "not a commit\n"}, "", time.Time{}, clean, ""},
		{"short sha", map[string]string{".git/HEAD": shaA[:12]}, "", time.Time{}, clean, ""},
		{"upper-case sha", map[string]string{".git/HEAD": strings.ToUpper(shaA)}, "", time.Time{}, clean, ""},
		{"ref missing", map[string]string{".git/HEAD": "ref: refs/heads/gone\n"}, "", time.Time{}, clean, ""},
		{"ref escaping the git folder", map[string]string{".git/HEAD": "ref: refs/../../x\n", "x": shaA}, "", time.Time{}, clean, ""},
		{"gitdir line missing", map[string]string{".git": "nothing\n"}, "", time.Time{}, clean, ""},
		{"another module", map[string]string{".git/HEAD": shaA}, "example.org/other", time.Time{}, clean, ""},
		{"no repository", map[string]string{}, "", time.Time{}, clean, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "kit")
			writeFiles(t, root, c.files)
			writeFiles(t, root, map[string]string{"stream/go.mod": gomod, "stream/provenance/provenance.go": "package provenance\n"})
			module := "example.org/kit"
			if c.module != "" {
				module = c.module
			}
			file := filepath.Join(root, "stream", "provenance", "provenance.go")
			assert.Equal(t, c.want, treeRevision(file, module, c.built, c.dirty))
		})
	}
}

// TestTreeRevisionGone: a path built with -trimpath, or a tree removed
// since the build, tells nothing.
func TestTreeRevisionGone(t *testing.T) {
	clean := func(string) (bool, error) { return false, nil }
	assert.Empty(t, treeRevision("github.com/fastslow/stream/provenance/provenance.go", "github.com/fastslow/stream", time.Time{}, clean))
	assert.Empty(t, treeRevision(filepath.Join(t.TempDir(), "stream", "provenance", "provenance.go"), "github.com/fastslow/stream", time.Time{}, clean))
}

// TestSourceRevision: the revision read from this repository without git
// is git's own, and the test binary records it as FromSource (go test
// never stamps).
func TestSourceRevision(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH: nothing to compare with")
	}
	_, file, _, _ := runtime.Caller(0)
	if !filepath.IsAbs(file) {
		t.Skip("built with -trimpath: no source tree to read")
	}
	out, err := exec.Command(git, "-C", filepath.Dir(file), "rev-parse", "HEAD").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Skipf("not in a git repository (%s)", strings.TrimSpace(string(ee.Stderr)))
		}
		t.Skipf("git rev-parse: %v", err)
	}
	want := strings.TrimSpace(string(out))
	top, gitDir, common, err := findRepo(filepath.Dir(file))
	require.NoError(t, err)
	sha, _, err := readHead(gitDir, common)
	require.NoError(t, err)
	assert.Equal(t, want, sha)
	dirty, err := gitDirty(top)
	require.NoError(t, err)

	r := New("tool")
	assert.Equal(t, FromSource, r.RevisionSource)
	rev, suffix, _ := strings.Cut(r.Revision, "+")
	assert.Equal(t, want, rev)
	if dirty {
		assert.Equal(t, "dirty", suffix)
	} else {
		assert.Contains(t, []string{"", "unverified"}, suffix, "unverified only when HEAD moved after this test was built")
	}
}
