package provenance

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Where a Record's revision came from, from most to least trusted.
const (
	FromBuild  = "build"  // the go command's vcs.revision and vcs.modified
	FromStamp  = "stamp"  // Stamp, set at link time
	FromSource = "source" // the source tree the binary was compiled from, read when it ran
	FromNone   = "none"   // nowhere: the revision is Unknown
)

// Unverified is the suffix of a revision read from the source tree when
// nobody could check that the binary was built from that revision as it
// is: git is absent or failed, so uncommitted changes could not be seen,
// or the tree's HEAD moved after the binary was built. Like "+dirty", it
// makes the revision not Comparable.
const Unverified = "+unverified"

// statusTimeout bounds git status on the source tree, so a huge or
// network-mounted tree delays a run by at most this.
const statusTimeout = 2 * time.Second

// sourceRevision is the revision of the source tree this binary was
// compiled from, computed once: it is a fact of the process, and a sweep
// writes a record per config.
var sourceRevision = sync.OnceValue(func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	built := time.Time{}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			built = fi.ModTime()
		}
	}
	pkg := reflect.TypeFor[Record]().PkgPath()
	return treeRevision(file, strings.TrimSuffix(pkg, "/provenance"), built, gitDirty)
})

// treeRevision reads the git revision of the tree holding file, this
// package's source file as compiled, whose module (two folders up) must be
// module, the module of this package: the sha, with "+dirty" when dirty
// reports changes and Unverified when it cannot tell or when HEAD moved
// after built (the binary's modification time; zero skips the check).
// It returns "" when the tree is gone, is another module, a path built
// with -trimpath, or no readable git repository.
func treeRevision(file, module string, built time.Time, dirty func(top string) (bool, error)) string {
	if !filepath.IsAbs(file) {
		return "" // -trimpath: no tree to look at
	}
	if _, err := os.Stat(file); err != nil {
		return ""
	}
	modDir := filepath.Dir(filepath.Dir(file))
	if got, err := modulePath(filepath.Join(modDir, "go.mod")); err != nil || got != module {
		return ""
	}
	top, gitDir, common, err := findRepo(modDir)
	if err != nil {
		return ""
	}
	sha, moved, err := readHead(gitDir, common)
	if err != nil {
		return ""
	}
	if !built.IsZero() && moved.After(built) {
		return sha + Unverified
	}
	switch d, err := dirty(top); {
	case err != nil:
		return sha + Unverified
	case d:
		return sha + "+dirty"
	}
	return sha
}

// modulePath is the module path declared by the go.mod file at path.
func modulePath(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p, nil
			}
			return f[1], nil
		}
	}
	return "", fmt.Errorf("%s: no module line", path)
}

// findRepo walks up from dir to the folder holding .git and returns it
// (top), the repository's git folder (for a worktree, the worktree's own,
// named by the "gitdir:" line of its .git file) and the common git folder
// holding refs (a worktree's commondir; else the git folder itself).
func findRepo(dir string) (top, gitDir, common string, err error) {
	for d := dir; ; {
		p := filepath.Join(d, ".git")
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return d, p, p, nil
		case err == nil && fi.Mode().IsRegular():
			gitDir, err := readGitFile(p)
			if err != nil {
				return "", "", "", err
			}
			common := gitDir
			if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
				common = strings.TrimSpace(string(data))
				if !filepath.IsAbs(common) {
					common = filepath.Join(gitDir, common)
				}
			}
			return d, gitDir, common, nil
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return "", "", "", err
		}
		up := filepath.Dir(d)
		if up == d {
			return "", "", "", errors.New("no .git above " + dir)
		}
		d = up
	}
}

// readGitFile resolves a .git file's "gitdir: <path>" line; a relative
// path is relative to the file's folder.
func readGitFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	dir = strings.TrimSpace(dir)
	if !ok || dir == "" {
		return "", fmt.Errorf("%s: want a gitdir: line", path)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(path), dir)
	}
	return dir, nil
}

// readHead resolves HEAD to a commit sha without the git binary: a
// detached HEAD holds it; otherwise "ref: <name>" names a loose ref file
// (in gitDir for refs private to a worktree, else in common) or a line of
// common's packed-refs. moved is the latest modification time of the
// files read, when the revision last changed at the latest.
func readHead(gitDir, common string) (sha string, moved time.Time, err error) {
	path := filepath.Join(gitDir, "HEAD")
	for range 5 { // HEAD → branch, perhaps → another symbolic ref
		data, err := os.ReadFile(path)
		if err != nil {
			return "", moved, err
		}
		if fi, err := os.Stat(path); err == nil && fi.ModTime().After(moved) {
			moved = fi.ModTime()
		}
		s := strings.TrimSpace(string(data))
		ref, ok := strings.CutPrefix(s, "ref:")
		if !ok {
			return checkSHA(path, s, moved)
		}
		ref = strings.TrimSpace(ref)
		if !strings.HasPrefix(ref, "refs/") || strings.Contains(ref, "..") {
			return "", moved, fmt.Errorf("%s: bad ref %q", path, ref)
		}
		path = filepath.Join(gitDir, filepath.FromSlash(ref))
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(common, filepath.FromSlash(ref))
		}
		if _, err := os.Stat(path); err != nil {
			return packedRef(common, ref, moved)
		}
	}
	return "", moved, fmt.Errorf("%s: symbolic refs nested too deep", path)
}

// packedRef looks ref up in common's packed-refs.
func packedRef(common, ref string, moved time.Time) (string, time.Time, error) {
	path := filepath.Join(common, "packed-refs")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", moved, fmt.Errorf("ref %s: neither a loose ref nor packed: %w", ref, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.ModTime().After(moved) {
		moved = fi.ModTime()
	}
	for _, line := range strings.Split(string(data), "\n") {
		if sha, name, ok := strings.Cut(strings.TrimSpace(line), " "); ok && name == ref {
			return checkSHA(path, sha, moved)
		}
	}
	return "", moved, fmt.Errorf("%s: no ref %s", path, ref)
}

// checkSHA accepts s when it is a SHA-1 commit id: 40 lower-case hex digits.
func checkSHA(path, s string, moved time.Time) (string, time.Time, error) {
	if len(s) != 40 || strings.Trim(s, "0123456789abcdef") != "" {
		return "", moved, fmt.Errorf("%s: want a 40-digit commit id, got %q", path, s)
	}
	return s, moved, nil
}

// gitDirty reports whether the tracked files of the work tree top differ
// from its HEAD, by git status within statusTimeout; an error when git is
// not on PATH or fails. --no-optional-locks keeps git from writing the
// user's index.
func gitDirty(top string) (bool, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, git, "--no-optional-locks", "-C", top, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return false, fmt.Errorf("git status in %s: %w", top, err)
	}
	return len(bytes.TrimSpace(out)) > 0, nil
}
