// Command configs converts the original project's YAML configs into the
// toolkit's TOML configs.
//
//	go run ./cmd/configs import [-out configs] FILE_OR_DIR...
//
// Every YAML file named (or found below a folder) is converted, checked by
// loading it as the toolkit's commands would and building a stream on its
// task, and written to <out>/<model>/<name>.toml. A config that cannot run
// is refused with the reason; nothing is written for it. An existing file
// that differs (a shipped, commented config, say) is kept unless -force is
// given. The command exits with status 1 when any config was refused or
// kept, and its last line counts them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fastslow/cmd/internal/convert"
	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

func main() { os.Exit(command(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `Usage: go run ./cmd/configs import [flags] FILE_OR_DIR...

Converts the original's YAML configs (single-stream and dual-stream) into TOML
configs with the same keys, checks each one, and writes
<out>/<model>/<name>.toml. SHJ-era dual-stream configs (3-D inputs) get
task = "shj"; flat ones get [fast_config] and [slow_config] tables. A config
that cannot run is refused with the reason. An existing file that differs is
kept (never overwritten) unless -force is given. The exit status is 1 when
any config was refused or kept; the last line says how many.

Flags:
`

func command(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, usage)
		fmt.Fprintln(stderr, "  (the only subcommand is import)")
		if len(args) > 0 && (args[0] == "-help" || args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	fl := flag.NewFlagSet("configs import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "configs", "folder to write <model>/<name>.toml into")
	force := fl.Bool("force", false, "overwrite existing files that differ from the conversion")
	dry := fl.Bool("n", false, "check and report only; write nothing")
	fl.Usage = func() { fmt.Fprint(stderr, usage); fl.PrintDefaults() }
	if err := fl.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "configs import: name at least one YAML file or folder")
		return 2
	}
	files, err := yamlFiles(fl.Args())
	if err != nil {
		fmt.Fprintln(stderr, "configs import:", err)
		return 1
	}
	keys := Keys()
	var converted, refused, kept int
	for _, f := range files {
		res, err := Import(f, keys)
		if err != nil {
			refused++
			fmt.Fprintf(stdout, "refused   %s\n          %v\n", f, err)
			continue
		}
		dst := filepath.Join(*out, res.Kind, res.Name+".toml")
		if old, err := os.ReadFile(dst); err == nil && !*force {
			if bytes.Equal(old, res.TOML) {
				converted++
				fmt.Fprintf(stdout, "unchanged %s = %s\n", f, dst)
				continue
			}
			kept++
			fmt.Fprintf(stdout, "kept      %s\n          %s exists and differs from the conversion; -force overwrites it (or give another -out)\n", f, dst)
			continue
		}
		if !*dry {
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				fmt.Fprintln(stderr, "configs import:", err)
				return 1
			}
			if err := os.WriteFile(dst, res.TOML, 0o644); err != nil {
				fmt.Fprintln(stderr, "configs import:", err)
				return 1
			}
		}
		converted++
		fmt.Fprintf(stdout, "converted %s -> %s\n", f, dst)
		for _, n := range res.Notes {
			fmt.Fprintf(stdout, "          note: %s\n", n)
		}
	}
	fmt.Fprintf(stdout, "%d converted, %d refused, %d kept (existing files not overwritten)\n", converted, refused, kept)
	if refused > 0 || kept > 0 {
		return 1
	}
	return 0
}

// Keys lists, per kind of stream of the registry, the keys its config
// table may hold.
func Keys() convert.Keys {
	k := convert.Keys{Fast: map[string][]string{}, Slow: map[string][]string{}}
	for _, kind := range models.Kinds() {
		if kind.Role == learner.Fast {
			k.Fast[kind.Name] = kind.TableKeys()
		} else {
			k.Slow[kind.Name] = kind.TableKeys()
		}
	}
	return k
}

// Import converts one file and checks the result: it must load as its
// model's config and build a stream on each of its tasks.
func Import(path string, keys convert.Keys) (*convert.Result, error) {
	data, err := budget.ReadFile(path, config.MaxFile)
	if err != nil {
		return nil, err
	}
	res, err := convert.Convert(path, data, keys)
	if err != nil {
		return nil, err
	}
	m, err := models.Get(res.Kind)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	name := strings.TrimSuffix(path, filepath.Ext(path)) + ".toml (converted)"
	setup, err := m.Load(name, res.TOML)
	if err != nil {
		return nil, err
	}
	tasks, err := task.Parse(setup.Loop.Task)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lim, err := budget.Default()
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if setup.Memory != nil {
			// Building the model allocates it: refuse sizes no machine holds first.
			if e := setup.Memory(t); lim.Check(e.Keys, e.Bytes) != nil {
				return nil, fmt.Errorf("%s: %w", name, lim.Check(e.Keys, e.Bytes))
			}
		}
		if _, err := setup.New(t, 0, seed.For(uint64(setup.Loop.RandomSeed), 0)); err != nil {
			return nil, fmt.Errorf("%s: cannot build the model on task %s: %w", name, t.Name, err)
		}
	}
	return res, nil
}

// yamlFiles lists the .yaml/.yml files named or found below named folders,
// sorted.
func yamlFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}
