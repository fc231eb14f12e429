// Package toymodel describes internal/toy's linear learner as a model of
// the command line (keys satisfying learner.Keys, a TOML config, a
// learner.Single), so that the kernel's sweep and fit engines are tested
// and shown in examples without any real model.
package toymodel

import (
	"fmt"
	"math"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys are the toy learner's keys: its learning rate.
type Keys struct {
	LR float64 `toml:"lr"`
}

var _ learner.Keys = (*Keys)(nil)

// Check reports a learning rate that is not a finite number ≥ 0.
func (k *Keys) Check() error {
	if !(k.LR >= 0) || math.IsInf(k.LR, 0) {
		return fmt.Errorf("lr = %v: want a finite number ≥ 0", k.LR)
	}
	return nil
}

// New returns a toy learner for task t with weights drawn from src.
func (k *Keys) New(t *task.Task, src seed.Source) (stream.Stream, error) {
	return toy.New(t.Dims, t.Classes, k.LR, src), nil
}

// Required returns the keys a config must set: lr.
func (k *Keys) Required() []string { return []string{"lr"} }

// Memory implements cli.Sizer: the weights, their gradient and the logits.
func (k *Keys) Memory(t *task.Task) budget.Estimate {
	return budget.Estimate{Bytes: budget.Floats(t.Dims+1, t.Classes).Times(2)}
}

// Config is the toy model's config: the loop keys and a learning rate.
type Config struct {
	config.Loop
	Keys
}

// Default is a small config: SHJ type I, 3 runs of 4 blocks.
func Default() Config {
	return Config{Loop: config.Loop{ConfigVersion: "toy1", NumBlocks: 4, NumRuns: 3, RandomSeed: 9,
		LossFn: "crossentropy", Optim: "sgd", Task: "shj1"}, Keys: Keys{LR: 0.2}}
}

// Model returns the toy model's description.
func Model() cli.Model {
	s := &learner.Single[Config]{Name: "toy", Command: "toy", DefaultTask: "shj1", Default: Default,
		Parts: func(c *Config) (*config.Loop, learner.Keys) { return &c.Loop, &c.Keys }}
	return s.Model()
}
