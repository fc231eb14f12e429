package learner_test

import (
	"context"
	"fmt"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/internal/toymodel"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// toyKeys are the keys of the kernel's toy linear learner: a learning
// rate, required, and a schedule whose default is not the zero value.
type toyKeys struct {
	LR       float64 `toml:"lr"`
	Schedule string  `toml:"schedule"`
	Momentum float64 `toml:"momentum"` // required only with schedule = "momentum"
}

func (k *toyKeys) Check() error {
	if !(k.LR > 0) {
		return fmt.Errorf("lr = %v: want a positive number", k.LR)
	}
	return nil
}

func (k *toyKeys) New(t *task.Task, src seed.Source) (stream.Stream, error) {
	return toy.New(t.Dims, t.Classes, k.LR, src), nil
}

func (k *toyKeys) Required() []string {
	if k.Schedule == "momentum" {
		return []string{"lr", "momentum"}
	}
	return []string{"lr"}
}

func (k *toyKeys) Memory(t *task.Task) budget.Estimate {
	return budget.Estimate{Bytes: budget.Floats(t.Dims, t.Classes)}
}

func (k *toyKeys) Fill() {
	if k.Schedule == "" {
		k.Schedule = "constant"
	}
}

var _ learner.Filler = (*toyKeys)(nil)

type toyConfig struct {
	config.Loop
	toyKeys
}

func toySingle() *learner.Single[toyConfig] {
	return &learner.Single[toyConfig]{
		Name: "toy", Command: "toy", DefaultTask: "shj1",
		Default: func() toyConfig {
			return toyConfig{Loop: config.Loop{NumBlocks: 2, NumRuns: 1, LossFn: "crossentropy"}, toyKeys: toyKeys{LR: 0.5}}
		},
		Parts:   func(c *toyConfig) (*config.Loop, learner.Keys) { return &c.Loop, &c.toyKeys },
		Ignored: []string{"noise"},
		Why:     "the toy needs it",
	}
}

func TestSingleLoad(t *testing.T) {
	const loop = "num_blocks = 2\nnum_runs = 1\nrandom_seed = 1\nloss_fn = 'crossentropy'\n"
	for _, c := range []struct {
		name, body, want string
		ignored          []string
	}{
		{"ok", loop + "lr = 0.5\n", "", nil},
		{"ignored", loop + "lr = 0.5\nnoise = 1\n", "", []string{"noise"}},
		{"missing", loop + "schedule = 'constant'\n", `t.toml: missing key "lr" (the toy needs it)`, nil},
		{"missing by value", loop + "lr = 0.5\nschedule = 'momentum'\n", `t.toml: missing key "momentum"`, nil},
		{"missing loop key", "lr = 0.5\n", `t.toml: missing key "num_blocks", "num_runs", "random_seed", "loss_fn"`, nil},
		{"unknown", loop + "lr = 0.5\nlrr = 1\n", `t.toml: unknown key "lrr"`, nil},
		{"bad value", loop + "lr = -1\n", "t.toml: lr = -1: want a positive number", nil},
		{"bad loop value", loop + "lr = 0.5\noptim = 'adam'\n", `t.toml: optim = "adam"`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, ignored, err := toySingle().Load("t.toml", []byte(c.body))
			if c.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.ignored, ignored)
			assert.Equal(t, "sgd", cfg.Optim, "optim defaults to sgd")
			assert.Equal(t, "constant", cfg.Schedule, "Fill sets the default schedule")
		})
	}
}

func TestSingleModel(t *testing.T) {
	s := toySingle()
	m := s.Model()
	setup, err := m.Default()
	require.NoError(t, err)
	tk, err := task.SHJ(1)
	require.NoError(t, err)
	_, err = setup.New(tk, 0, seed.For(1, 0))
	require.NoError(t, err)
	assert.Positive(t, setup.Memory(tk).Bytes)

	s.Default = func() toyConfig { return toyConfig{Loop: config.Loop{NumBlocks: 1, NumRuns: 1, LossFn: "bcelogits"}} }
	_, err = s.Model().Default()
	assert.ErrorContains(t, err, "built-in config: lr = 0: want a positive number")
}

func TestKinds(t *testing.T) {
	ks := learner.Kinds{
		{Name: "toy", Role: learner.Fast, Keys: func() learner.Keys { return new(toyKeys) }, Ignored: []string{"noise"}},
		{Name: "big", Role: learner.Slow, Keys: func() learner.Keys { return new(toyKeys) }},
	}
	k, err := ks.Lookup("toy", learner.Fast)
	require.NoError(t, err)
	assert.Equal(t, []string{"lr", "schedule", "momentum", "noise"}, k.TableKeys())
	_, err = ks.Lookup("toy", learner.Slow)
	assert.EqualError(t, err, `slow = "toy": want one of [big]`)
	assert.Equal(t, []string{"toy"}, ks.Names(learner.Fast))
}

func TestTrain(t *testing.T) {
	k := toyKeys{LR: 0.5}
	loop := config.Loop{RandomSeed: 3, LossFn: "crossentropy"}
	_, err := learner.Train(context.Background(), &k, loop, "shj", 1, 1)
	assert.ErrorContains(t, err, `task "shj" names 6 tasks: want one`)
	loop.LossFn = "mse"
	_, err = learner.Train(context.Background(), &k, loop, "shj1", 1, 1)
	assert.Error(t, err)
	loop.LossFn = "crossentropy"
	a, err := learner.Train(context.Background(), &k, loop, "shj1", 2, 3)
	require.NoError(t, err)
	b, err := learner.Train(context.Background(), &k, loop, "shj1", 2, 3)
	require.NoError(t, err)
	assert.Equal(t, a.PError, b.PError, "a run depends on the seed and its index only")
}

// TestTrainAsCommands: Train runs what the command line runs for the same
// loop keys, passes included, to the bit.
func TestTrainAsCommands(t *testing.T) {
	c := toymodel.Default()
	c.Passes = 2
	res, err := learner.Train(context.Background(), &c.Keys, c.Loop, "shj1", 3, 4)
	require.NoError(t, err)
	p, err := cli.Prepare(toymodel.Model(), cli.Options{Task: "shj1", Runs: 3, Blocks: 4, Passes: 2, Quiet: true})
	require.NoError(t, err)
	want := run.Do(context.Background(), p.Jobs, run.Options{Workers: 1})[0]
	require.NoError(t, want.Err)
	assert.Len(t, want.Job.Task.Items, 16, "two passes through SHJ's 8 items")
	assert.Equal(t, want.PError, res.PError)
	assert.Equal(t, want.Loss, res.Loss)
}

// ExampleTrain trains the kernel's toy learner from its keys: the loop
// keys give the seed and the loss, as a config's do.
func ExampleTrain() {
	k := toyKeys{LR: 0.5}
	loop := config.Loop{RandomSeed: 999, LossFn: "crossentropy"}
	res, err := learner.Train(context.Background(), &k, loop, "shj1", 2, 4)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("p(error): %.2f\n", res.PError[res.Total()])
	// Output:
	// p(error): [0.46 0.23 0.18 0.15]
}
