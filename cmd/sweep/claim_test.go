package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastslow/cmd/internal/sweep"
	"github.com/fastslow/stream/provenance"
)

// TestTwoSweepsOneFolder runs two sweep processes of one spec into one
// folder at once: the second leaves every config the first holds to it,
// names them and exits 1 (docs/cluster.md, "One sweep per config"); the
// first is then killed, and a rerun finishes the rest. No config is ever
// written by the second process, and none is run twice.
func TestTwoSweepsOneFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs three sweeps")
	}
	bin := build(t)
	dir := t.TempDir()
	spec := writeSpec(t, dir, `
[fixed]
num_runs = 2
num_blocks = 30
[grid]
fast_config.lr_nn = [0.001, 0.002, 0.005, 0.01]
`)
	names := []string{"k_1", "k_2", "k_3", "k_4"}
	out := filepath.Join(dir, "out")

	// The first sweep, on one worker, claims every config before it runs
	// any, then runs them one after another.
	first := exec.Command(bin, "run", "-spec", spec, "-out", out, "-workers", "1", "-quiet")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	wait := make(chan error, 1)
	go func() { wait <- first.Wait() }()
	defer func() {
		first.Process.Kill()
		<-wait
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		locks, _ := filepath.Glob(filepath.Join(out, ".k_*.lock"))
		if len(locks) == len(names) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first sweep took %d claims of %d in 5 s", len(locks), len(names))
		}
	}

	second := exec.Command(bin, "run", "-spec", spec, "-out", out, "-workers", "1")
	var stdout, stderr bytes.Buffer
	second.Stdout, second.Stderr = &stdout, &stderr
	err := second.Run()
	code := -1
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err == nil {
		code = 0
	}
	if code != 1 {
		t.Fatalf("second sweep: exit %d (%v), want 1\nstdout:\n%s\nstderr:\n%s", code, err, stdout.String(), stderr.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, "configs are being run by another sweep into "+out) ||
		!strings.Contains(msg, "left to it; rerun when it ends") {
		t.Errorf("second sweep's message:\n%s", msg)
	}
	left := 0
	for _, n := range names {
		if strings.Contains(msg, n+": left to another sweep (process "+strconv.Itoa(first.Process.Pid)+")") {
			left++
		}
	}
	if left == 0 {
		t.Errorf("the second sweep named no config left to process %d:\n%s", first.Process.Pid, msg)
	}
	if strings.Contains(msg, ": done, area") {
		t.Errorf("the second sweep ran a config the first held:\n%s", msg)
	}

	// Stop the first sweep midway, as a time limit would.
	first.Process.Signal(syscall.SIGKILL)
	<-wait
	wait <- nil // for the deferred kill
	byFirst := map[string]bool{}
	for _, n := range names {
		rec, err := provenance.Read(filepath.Join(out, n))
		if err != nil {
			continue // unfinished: the rerun's
		}
		if rec.PID != first.Process.Pid {
			t.Errorf("%s was written by process %d, not by the first sweep (%d)", n, rec.PID, first.Process.Pid)
		}
		byFirst[n] = true
	}

	rerun := exec.Command(bin, "run", "-spec", spec, "-out", out, "-workers", "2")
	stderr.Reset()
	rerun.Stderr = &stderr
	if b, err := rerun.Output(); err != nil {
		t.Fatalf("rerun: %v\n%s%s", err, b, stderr.String())
	}
	for _, n := range names {
		ran := strings.Contains(stderr.String(), n+": done, area")
		if ran == byFirst[n] {
			t.Errorf("%s: finished by the first sweep %v, run by the rerun %v: want exactly one", n, byFirst[n], ran)
		}
		if _, err := sweep.ReadMarker(filepath.Join(out, n)); err != nil {
			t.Errorf("after the rerun: %v", err)
		}
	}
	if locks, _ := filepath.Glob(filepath.Join(out, ".*.lock")); len(locks) != 0 {
		t.Errorf("claims left behind: %v", locks)
	}
	t.Logf("the first sweep finished %d of %d configs before its kill", len(byFirst), len(names))
}
