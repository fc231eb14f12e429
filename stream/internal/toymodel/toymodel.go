// Package toymodel describes internal/toy's linear learner as a model of
// the command line (a cli.Model with a TOML config), so that the kernel's
// sweep and fit engines are tested and shown in examples without any real
// model.
package toymodel

import (
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Config is the toy model's config: the loop keys and a learning rate.
type Config struct {
	config.Loop
	LR float64 `toml:"lr"`
}

// Default is a small config: SHJ type I, 3 runs of 4 blocks.
func Default() Config {
	return Config{Loop: config.Loop{ConfigVersion: "toy1", NumBlocks: 4, NumRuns: 3, RandomSeed: 9,
		LossFn: "crossentropy", Optim: "sgd", Task: "shj1"}, LR: 0.2}
}

// Load decodes a config strictly over the default and checks its loop.
func Load(path string, data []byte) (*Config, []string, error) {
	c := Default()
	ign, err := config.Decode(path, data, &c)
	if err != nil {
		return nil, nil, err
	}
	if err := c.Check(path); err != nil {
		return nil, nil, err
	}
	return &c, ign, nil
}

// Setup returns the setup of a checked config.
func Setup(c *Config, ignored []string) (*cli.Setup, error) {
	lr := c.LR
	return &cli.Setup{Loop: c.Loop, Config: *c, Ignored: ignored,
		New: func(t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return toy.New(t.Dims, t.Classes, lr, src), nil
		},
	}, nil
}

// Model returns the toy model's description.
func Model() cli.Model {
	return cli.Model{Name: "toy", Command: "toy", DefaultTask: "shj1",
		Default: func() (*cli.Setup, error) {
			c := Default()
			return Setup(&c, nil)
		},
		Load: func(path string, data []byte) (*cli.Setup, error) {
			c, ignored, err := Load(path, data)
			if err != nil {
				return nil, err
			}
			return Setup(c, ignored)
		}}
}
