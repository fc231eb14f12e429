package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastslow/stream/provenance"
	"github.com/fastslow/stream/sweep"
)

// TestTwoSweepsOneFolder runs two sweep processes of one spec into one
// folder at once: the second leaves every config the first holds to it,
// names them and exits 1 (docs/cluster.md, "One sweep per config"); the
// first is then killed, and a rerun finishes the rest. No config is run
// by two processes. The first is stopped (SIGSTOP) once it holds a claim,
// so that the second surely meets it however loaded the machine is.
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
	// holds reports whether the first sweep holds a claim: a lock file
	// holds a process's id only once the process has locked it.
	pid := strconv.Itoa(first.Process.Pid)
	holds := func() bool {
		locks, _ := filepath.Glob(filepath.Join(out, ".k_*.lock"))
		for _, l := range locks {
			if b, _ := os.ReadFile(l); strings.TrimSpace(string(b)) == pid {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if holds() {
			if err := first.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			if holds() {
				break // and it cannot let go while stopped
			}
			first.Process.Signal(syscall.SIGCONT)
		}
		if time.Now().After(deadline) {
			t.Fatal("the first sweep took no claim in 10 s")
		}
	}

	second := exec.Command(bin, "run", "-spec", spec, "-out", out, "-workers", "2")
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
	if !strings.Contains(msg, ": left to another sweep (process "+pid+") running it into "+out) {
		t.Errorf("the second sweep did not name the first (process %d):\n%s", first.Process.Pid, msg)
	}
	left := map[string]bool{}
	for _, n := range names {
		left[n] = strings.Contains(msg, n+": left to another sweep")
	}

	// The first sweep ends without finishing, as at a time limit.
	first.Process.Signal(syscall.SIGKILL)
	<-wait
	wait <- nil // for the deferred kill
	writer := map[string]int{}
	for _, n := range names {
		if rec, err := provenance.Read(filepath.Join(out, n)); err == nil {
			writer[n] = rec.PID
		}
	}
	for _, n := range names {
		ranSecond := strings.Contains(msg, n+": done, area")
		switch {
		case left[n] && (ranSecond || writer[n] == second.Process.Pid):
			t.Errorf("%s: left to the first sweep, but the second ran it", n)
		case !left[n] && !ranSecond && writer[n] != first.Process.Pid:
			t.Errorf("%s: neither left to the first sweep nor run by the second (written by process %d)", n, writer[n])
		case ranSecond && writer[n] != second.Process.Pid:
			t.Errorf("%s: run by the second sweep but written by process %d", n, writer[n])
		}
	}

	rerun := exec.Command(bin, "run", "-spec", spec, "-out", out, "-workers", "2")
	stderr.Reset()
	rerun.Stderr = &stderr
	if b, err := rerun.Output(); err != nil {
		t.Fatalf("rerun: %v\n%s%s", err, b, stderr.String())
	}
	for _, n := range names {
		ran := strings.Contains(stderr.String(), n+": done, area")
		if ran != (writer[n] == 0) {
			t.Errorf("%s: written before the rerun by process %d, run by the rerun %v: want exactly one", n, writer[n], ran)
		}
		if _, err := sweep.ReadMarker(filepath.Join(out, n)); err != nil {
			t.Errorf("after the rerun: %v", err)
		}
	}
	if locks, _ := filepath.Glob(filepath.Join(out, ".*.lock")); len(locks) != 0 {
		t.Errorf("claims left behind: %v", locks)
	}
	t.Logf("left to the first sweep: %v; written before the rerun: %v", left, writer)
}
