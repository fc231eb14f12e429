package dualstream_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// modules are the repository's modules that an outside module importing
// dualstream needs replaced: dualstream and every module it requires
// (replace directives of a dependency's go.mod do not apply to the module
// that imports it). docs/library.md lists the same lines.
var modules = []string{"alcove", "clustering", "distrlearner", "dnn", "dualstream", "exit", "multiunit", "stream", "sustain"}

// outsideMain is research code outside the repository: it trains the
// clustering model with the kernel's trial loop and builds the dual
// stream's built-in config.
const outsideMain = `package main

import (
	"context"
	"fmt"
	"log"

	clustering "github.com/fastslow/clustering/train"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

func main() {
	c := clustering.Default()
	t, err := task.SHJ(1)
	if err != nil {
		log.Fatal(err)
	}
	lf, err := loss.ByName(c.LossFn)
	if err != nil {
		log.Fatal(err)
	}
	job := run.Job{Name: t.Name, Task: t, Runs: 2, Blocks: 4, Seed: uint64(c.RandomSeed), Loss: lf,
		New: func(r int, src seed.Source) (stream.Stream, error) { return c.Keys.New(t, src) }}
	res := run.Do(context.Background(), []run.Job{job}, run.Options{})[0]
	if res.Err != nil {
		log.Fatal(res.Err)
	}
	for b, p := range res.PError[res.Total()] {
		fmt.Printf("block %d: %.3f\n", b+1, p)
	}
	setup, err := models.Dual().Default()
	if err != nil {
		log.Fatal(err)
	}
	s, err := setup.New(task.NewStimuli(), 0, seed.For(uint64(setup.Loop.RandomSeed), 0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.(stream.Composite).PartNames(), len(s.State()), "arrays")
}
`

// TestOutsideModule builds and runs a module outside the repository that
// imports clustering and dualstream by the replace recipe of
// docs/library.md, outside the workspace (GOWORK=off), and checks what it
// prints. The third-party modules come from the module cache (GOPROXY=off)
// or else from the Go module proxy; the test is skipped, with the reason,
// when neither has them.
func TestOutsideModule(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var mod strings.Builder
	mod.WriteString("module example.org/mylab\n\ngo 1.25.0\n\nrequire (\n" +
		"\tgithub.com/fastslow/clustering v0.0.0\n\tgithub.com/fastslow/dualstream v0.0.0\n\tgithub.com/fastslow/stream v0.0.0\n)\n\nreplace (\n")
	for _, m := range modules {
		fmt.Fprintf(&mod, "\tgithub.com/fastslow/%s => %s\n", m, filepath.Join(root, m))
	}
	mod.WriteString(")\n")
	// The repository's go.sum files hold the checksums of every module
	// the program needs, so the build needs no checksum database.
	var sum []byte
	for _, m := range []string{"dualstream", "clustering", "stream"} {
		b, err := os.ReadFile(filepath.Join(root, m, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sum = append(sum, b...)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(mod.String()), "go.sum": sum, "main.go": []byte(outsideMain)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	goRun := func(proxy string) (string, error) {
		cmd := exec.Command(gotool, "run", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY="+proxy)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return stderr.String(), fmt.Errorf("go run (GOPROXY=%s): %w\n%s", proxy, err, stderr.String())
		}
		return stdout.String(), nil
	}
	out, err := goRun("off")
	if err != nil && strings.Contains(out, "GOPROXY=off") {
		// A module is missing from the cache: try the proxy.
		proxy, perr := exec.Command(gotool, "env", "GOPROXY").Output()
		if perr != nil {
			t.Fatal(errors.Join(err, perr))
		}
		out, err = goRun(strings.TrimSpace(string(proxy)))
		if err != nil && unreachable(out) {
			t.Skipf("the module cache lacks a module and the Go module proxy is unreachable: %v", err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	want := "block 1: 0.216\nblock 2: 0.017\nblock 3: 0.006\nblock 4: 0.003\n[fast slow] 12 arrays\n"
	if out != want {
		t.Errorf("the outside module printed\n%s\nwant\n%s", out, want)
	}
}

// unreachable reports whether the go command's stderr says that the
// network is unreachable.
func unreachable(stderr string) bool {
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "network is unreachable"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}
