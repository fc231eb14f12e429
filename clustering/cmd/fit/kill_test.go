package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/provenance"
)

// complete requires that dir is a finished results folder: a record with
// an end time and every file it lists.
func complete(t *testing.T, dir string) {
	t.Helper()
	rec, err := provenance.Read(dir)
	require.NoError(t, err, "after a kill, %s is not a finished results folder", dir)
	assert.False(t, rec.End.IsZero(), "the record has no end")
	for _, f := range rec.Files {
		assert.FileExists(t, filepath.Join(dir, f))
	}
}

// TestKillWhileReplacing kills the command with SIGKILL at random moments
// while it replaces a results folder of ours, beside a user's files: after
// every kill the folder is a complete result (the old or the new one) and
// the user's files are byte-identical; the next run leaves no temporary
// folder beside them.
func TestKillWhileReplacing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it about fifteen times")
	}
	bin := filepath.Join(t.TempDir(), "fit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "proj"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "proj", "thesis.tex"), []byte("x"), 0o644))
	res := filepath.Join(dir, "res")
	args := []string{"-out", res, "-task", "shj", "-runs", "2", "-blocks", "4", "-quiet"}
	start := time.Now()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	full := time.Since(start)
	user := fixture.Tree(t, filepath.Join(dir, "proj"))
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 2))
	t.Logf("one run %v; kill moments drawn with seed %d", full, seed)
	for range 12 {
		cmd := exec.Command(bin, args...)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(rng.Float64() * 1.2 * float64(full)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(res); os.IsNotExist(err) {
			// Killed between setting the old results aside and renaming the
			// new ones in: the next run puts the old ones back.
			continue
		}
		complete(t, res)
		assert.Equal(t, user, fixture.Tree(t, filepath.Join(dir, "proj")))
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	complete(t, res)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "left beside the results: %s", e.Name())
	}
}
