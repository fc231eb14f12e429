package learner

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Single describes a single-stream model to the command line. Its config
// type C is a struct that embeds config.Loop and the model's keys, so that
// a file has both at its top level; Single loads and checks such files and
// makes their setups, the same way for every model.
type Single[C any] struct {
	Name        string // e.g. "clustering"; names the model in messages and summary.json
	Command     string // how it is run, e.g. "go run ./clustering/cmd/fit", for -help
	About       string // one paragraph for -help: what the default run does
	DefaultTask string // the task when neither -task nor the config's task key gives one
	// Default returns the built-in config.
	Default func() C
	// Parts returns a config's loop keys and model keys (pointers into c).
	Parts func(c *C) (*config.Loop, Keys)
	// Ignored lists the top-level keys the original ignores.
	Ignored []string
	// Why ends the error of a missing key: what needs it and where to look.
	Why string
	// Decode, if set, replaces the strict decoding and the check of the
	// required keys in Load (a model whose files spell a key two ways).
	Decode func(path string, data []byte) (*C, []string, error)
	// Evaluate, Report and Digest are cli.Setup's (optional).
	Evaluate func(res []run.Result) map[string]any
	Report   func(w io.Writer, res []run.Result)
	Digest   func(s stream.Stream) (any, error)
}

// Load decodes a config file's data (path names it in errors) strictly:
// unknown keys, wrong types, missing keys and values the model cannot run
// with are errors naming the file and the key. It returns the ignored keys
// present.
func (s *Single[C]) Load(path string, data []byte) (*C, []string, error) {
	decode := s.Decode
	if decode == nil {
		decode = s.decode
	}
	c, ignored, err := decode(path, data)
	if err != nil {
		return nil, nil, err
	}
	loop, keys := s.Parts(c)
	if loop.Optim == "" {
		loop.Optim = "sgd"
	}
	if f, ok := keys.(Filler); ok {
		f.Fill()
	}
	if err := s.Check(path, c); err != nil {
		return nil, nil, err
	}
	return c, ignored, nil
}

// decode decodes a config strictly and requires the loop keys and the
// model keys' Required.
func (s *Single[C]) decode(path string, data []byte) (*C, []string, error) {
	c := new(C)
	md, ignored, err := config.DecodeMeta(path, data, c, s.Ignored...)
	if err != nil {
		return nil, nil, err
	}
	_, keys := s.Parts(c)
	if err := config.Require(path, md, append(slices.Clone(config.RequiredLoopKeys), keys.Required()...), s.Why); err != nil {
		return nil, nil, err
	}
	return c, ignored, nil
}

// Check reports a config that cannot run, naming the file (path) and the
// key: its loop keys first, then its model keys.
func (s *Single[C]) Check(path string, c *C) error {
	loop, keys := s.Parts(c)
	return config.Check(path, loop, keys.Check)
}

// Setup returns the command line's setup of a checked config: every run
// builds its model with the keys' New.
func (s *Single[C]) Setup(c *C, ignored []string) *cli.Setup {
	loop, keys := s.Parts(c)
	version := loop.ConfigVersion
	return &cli.Setup{
		Loop:    *loop,
		Config:  c,
		Ignored: ignored,
		Memory:  keys.Memory,
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			m, err := keys.New(t, src)
			if err != nil {
				return nil, fmt.Errorf("config %s: %w", version, err)
			}
			return m, nil
		},
		Evaluate: s.Evaluate,
		Report:   s.Report,
		Digest:   s.Digest,
	}
}

// Model returns the model's description for the command line.
func (s *Single[C]) Model() cli.Model {
	return cli.Model{
		Name:        s.Name,
		Command:     s.Command,
		About:       s.About,
		DefaultTask: s.DefaultTask,
		Default: func() (*cli.Setup, error) {
			c := s.Default()
			if err := s.Check("built-in config", &c); err != nil {
				return nil, err
			}
			return s.Setup(&c, nil), nil
		},
		Load: func(path string, data []byte) (*cli.Setup, error) {
			c, ignored, err := s.Load(path, data)
			if err != nil {
				return nil, err
			}
			return s.Setup(c, ignored), nil
		},
	}
}

// Train runs runs × blocks of the task called name (as task.Parse reads
// it; it must name one task) with fresh models of keys k, seeded by the
// loop keys' random_seed and scored by their loss, on one worker, and
// returns the trial loop's result: the short way from a config to a
// learning curve. A block presents every item the loop keys' passes
// times, in as many shuffled passes, as the commands do; orders and
// initial states are the commands' (cli).
func Train(ctx context.Context, k Keys, loop config.Loop, name string, runs, blocks int) (run.Result, error) {
	tasks, err := task.Parse(name)
	if err != nil {
		return run.Result{}, err
	}
	if len(tasks) != 1 {
		return run.Result{}, fmt.Errorf("task %q names %d tasks: want one", name, len(tasks))
	}
	lf, err := loss.ByName(loop.LossFn)
	if err != nil {
		return run.Result{}, err
	}
	t := task.Repeat(tasks[0], loop.Passes)
	job := run.Job{Name: t.Name, Task: t, Runs: runs, Blocks: blocks, Seed: uint64(loop.RandomSeed), Loss: lf,
		New: func(_ int, src seed.Source) (stream.Stream, error) { return k.New(t, src) }}
	if loop.Passes > 1 {
		job.Schedule = schedule.Passes{K: loop.Passes}
	}
	res := run.Do(ctx, []run.Job{job}, run.Options{Workers: 1})[0]
	return res, res.Err
}
