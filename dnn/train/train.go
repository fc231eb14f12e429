// Package train holds the slow stream's config, named with the original's
// YAML keys, its default (the original's dnn_model config1) and its wiring
// into the command line and the dual stream.
package train

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/learner"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"

	"github.com/fastslow/dnn/eval"
	"github.com/fastslow/dnn/model"
)

// Keys holds the keys of the network, as the original's NeuralNetwork
// reads them: the single-stream config embeds it, and the dual stream's
// slow_config block is one (whose keys bias, n_classes, optim and loss_fn
// the original ignores: see Ignored).
type Keys struct {
	ActFunc       string  `toml:"act_func"`        // "relu"
	LRDNN         float64 `toml:"lr_dnn"`          // SGD learning rate
	NUnits        int     `toml:"n_units"`         // units per hidden layer
	Mom           float64 `toml:"mom"`             // SGD momentum
	Dropout       float64 `toml:"dropout"`         // rate before the ReLU of hidden layers 2..depth
	NetworksDepth int     `toml:"networks_depth"`  // hidden layers
	InputSize     int     `toml:"input_size"`      // features per stimulus
	OutputSize    int     `toml:"output_size"`     // logits (classes)
	DType         string  `toml:"dtype,omitempty"` // optional: "float64" (default) or "float32"

	// followTask makes the input and output sizes the task's: the
	// built-in default's, so that it runs on any task.
	followTask bool
}

// RequiredKeys lists the network keys the original requires: all
// but dtype, the toolkit's own optional key (the original computes in
// float32; the toolkit in float64 unless dtype = "float32").
var RequiredKeys = []string{"act_func", "lr_dnn", "n_units", "mom", "dropout", "networks_depth", "input_size", "output_size"}

// Ignored lists the keys a network block may have that the
// original's NeuralNetwork does not read: it always builds biases and two
// classes.
var Ignored = []string{"bias", "n_classes"}

// Params returns the network's model.Params.
func (n Keys) Params() model.Params {
	return model.Params{
		InputSize: n.InputSize, OutputSize: n.OutputSize, NUnits: n.NUnits, Depth: n.NetworksDepth,
		ActFunc: n.ActFunc, LR: n.LRDNN, Momentum: n.Mom, Dropout: n.Dropout, DType: n.DType,
	}
}

// Config is a single-stream DNN config: the loop keys and the network's.
// The original names runs and blocks n_sims and n_epochs; the toolkit's
// num_runs and num_blocks are accepted as well (one spelling per config).
type Config struct {
	config.Loop
	Keys
	NSims   int `toml:"n_sims,omitzero"`   // runs (the original's key)
	NEpochs int `toml:"n_epochs,omitzero"` // blocks per run (the original's key)
}

// Default returns the original's dnn_model/configs/config1.yaml: a
// 3-25-25-25-2 network, lr_dnn 0.0075, momentum 0.3, no dropout,
// bcelogits, 50 runs of 350 blocks, seed 999. Its network's input and
// output sizes follow the task, so that it runs on any task.
func Default() Config {
	return Config{
		Loop: config.Loop{ConfigVersion: "config1", RandomSeed: 999, LossFn: "bcelogits", Optim: "sgd"},
		Keys: Keys{ActFunc: "relu", LRDNN: 0.0075, NUnits: 25, Mom: 0.3, Dropout: 0,
			NetworksDepth: 3, InputSize: 3, OutputSize: 2, followTask: true},
		NSims: 50, NEpochs: 350,
	}
}

// Decode decodes a config file (path names it in errors) strictly: every
// key the original requires must be there, unknown keys are errors, and
// the keys the original ignores are returned. A config that has lr but no
// lr_dnn (the original's own config2 and config3) is refused with the
// reason, since the original crashes on it.
func Decode(path string, data []byte) (*Config, []string, error) {
	c := new(Config)
	md, err := toml.Decode(string(data), c)
	if err != nil {
		return nil, nil, config.Wrap(path, err)
	}
	if md.IsDefined("lr") && !md.IsDefined("lr_dnn") {
		return nil, nil, fmt.Errorf("%s: key \"lr\": the network's learning rate is lr_dnn, not lr "+
			"(the original's dnn_model config2 and config3 use lr and crash on the missing lr_dnn); rename lr to lr_dnn", path)
	}
	ignored, err := config.Strict(path, md, append([]string{"lr"}, Ignored...)...)
	if err != nil {
		return nil, nil, err
	}
	missing := config.Missing(md, append(slices.Clone(RequiredKeys), "random_seed", "optim", "loss_fn"))
	for _, pair := range [][2]string{{"n_sims", "num_runs"}, {"n_epochs", "num_blocks"}} {
		switch {
		case md.IsDefined(pair[0]) && md.IsDefined(pair[1]):
			return nil, nil, fmt.Errorf("%s: keys %q and %q both given: they are one setting (the original's spelling and the toolkit's); keep one", path, pair[0], pair[1])
		case !md.IsDefined(pair[0]) && !md.IsDefined(pair[1]):
			missing = append(missing, pair[0])
		}
	}
	if err := config.MissingError(path, missing,
		"the original requires every one; its dnn_model config1 is the default, see configs/dnn/config1.toml"); err != nil {
		return nil, nil, err
	}
	if c.ConfigVersion == "" {
		c.ConfigVersion = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return c, ignored, nil
}

// Normalize returns c with runs and blocks in the loop keys (num_runs,
// num_blocks), whichever spelling the config used, so that the command
// line's overrides and the echo in summary.json agree.
func (c Config) Normalize() Config {
	if c.NSims != 0 {
		c.NumRuns, c.NSims = c.NSims, 0
	}
	if c.NEpochs != 0 {
		c.NumBlocks, c.NEpochs = c.NEpochs, 0
	}
	return c
}

// Check reports network keys that cannot run, naming the key.
func (n *Keys) Check() error {
	p := n.Params()
	return p.Check()
}

// Required returns the keys a network's table must set: RequiredKeys.
func (n *Keys) Required() []string { return slices.Clone(RequiredKeys) }

// New returns a network for task t with generators from src, checking
// that the task's features and classes are the network's inputs and
// outputs (unless its sizes follow the task, as the default's do).
func (n *Keys) New(t *task.Task, src seed.Source) (stream.Stream, error) {
	mc := n.Params()
	if n.followTask {
		mc.InputSize, mc.OutputSize = t.Dims, t.Classes
	}
	var errs []error
	if mc.InputSize != t.Dims {
		errs = append(errs, fmt.Errorf("input_size = %d, but task %s has %d features per item", mc.InputSize, t.Name, t.Dims))
	}
	if mc.OutputSize != t.Classes {
		errs = append(errs, fmt.Errorf("output_size = %d, but task %s has %d classes", mc.OutputSize, t.Name, t.Classes))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return model.Open(mc, src)
}

// single describes the DNN to the command line. A config's runs and
// blocks go to the loop keys (num_runs, num_blocks), whichever spelling
// it used, so that the command line's overrides and the echo in
// summary.json agree.
func single() *learner.Single[Config] {
	return &learner.Single[Config]{
		Name:    "dnn",
		Command: "go run ./dnn/cmd/fit",
		About: "Trains the slow stream's network (affine layers with ReLU, dropout before the ReLU of hidden layers 2..depth, " +
			"SGD with momentum) trial by trial. Without -config it runs the original's dnn_model config1: a 3-25-25-25-2 network, " +
			"lr_dnn 0.0075, momentum 0.3, bcelogits, 50 runs of 350 blocks on the six SHJ types; its input and output sizes then " +
			"follow the task (so -task new-stimuli runs a 2-25-25-25-2 network). A config file's input_size and output_size must " +
			"match the task. Initial weights are PyTorch's default drawn from (random_seed, run), or -init FILE.npz with the " +
			"original's state_dict names (layers.{i}.weight [out,in], layers.{i}.bias); {t} and {r} in the path expand to the " +
			"SHJ type (or task name) and the run, for per-run files. The optional key dtype = \"float32\" (default \"float64\") " +
			"computes in float32, the original's precision, faster on the widest networks; checkpoints stay float64.",
		DefaultTask: "shj",
		Default:     Default,
		Parts: func(c *Config) (*config.Loop, learner.Keys) {
			*c = c.Normalize()
			return &c.Loop, &c.Keys
		},
		Decode:   Decode,
		Evaluate: eval.Summary,
	}
}

// Model returns the DNN's description for the command line.
func Model() cli.Model { return single().Model() }

// Load decodes a config file's data (path names it in errors) as Decode
// does and checks it, as learner.Single.Load does, and returns the ignored
// keys present.
func Load(path string, data []byte) (*Config, []string, error) { return single().Load(path, data) }

// Kinds returns the kind of stream the DNN gives the dual stream: the
// slow stream, with its keys under slow_config.
func Kinds() learner.Kinds {
	return learner.Kinds{{Name: "dnn", Role: learner.Slow, Keys: func() learner.Keys { return new(Keys) }, Ignored: Ignored}}
}

var _ learner.Keys = (*Keys)(nil)

// Memory implements cli.Sizer:: networks_depth hidden layers of n_units
// (an n_units × n_units weight matrix between two of them), the input and
// output layers, each with its gradient, momentum buffer and a
// checkpoint's copy, and the activations.
func (n *Keys) Memory(t *task.Task) budget.Estimate {
	in, out := max(n.InputSize, t.Dims), max(n.OutputSize, t.Classes)
	u := max(n.NUnits, 1)
	w := budget.Floats(u, u).Times(max(n.NetworksDepth-1, 0)).Plus(budget.Floats(u, in+out+n.NetworksDepth+1))
	return budget.Estimate{Bytes: w.Times(5),
		Keys: fmt.Sprintf("n_units = %d, networks_depth = %d", n.NUnits, n.NetworksDepth)}
}
