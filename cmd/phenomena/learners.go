package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	alcovemodel "github.com/fastslow/alcove/model"
	alcove "github.com/fastslow/alcove/sims"
	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/dualstream/models"
	exitmodel "github.com/fastslow/exit/model"
	exit "github.com/fastslow/exit/sims"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/config"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
)

// learner is one row group of the scoreboard: a model at given parameters
// that runs a phenomenon's conditions.
type learner struct {
	Name   string
	Params string // the parameters in words
	// Takes reports whether the learner is meant for phenomenon p (nil:
	// every phenomenon; a learner that cannot take one says why when run).
	Takes func(p *cirp.Phenomenon) bool
	// Run runs the first subjects (all when 0) of every condition of p.
	Run func(ctx context.Context, p *cirp.Phenomenon, subjects, workers int) ([]*triallist.Result, error)
}

// catlearnSims returns catlearn's own simulations: its ALCOVE variants and
// EXIT, each on its phenomenon only.
func catlearnSims() []learner {
	var out []learner
	for _, s := range alcove.All {
		f := s.Fit
		out = append(out, learner{
			Name:   "alcove:" + s.Name,
			Params: fmt.Sprintf("c=%.6g phi=%.6g la=%.6g lw=%.6g", f.C, f.Phi, f.LA, f.LW),
			Takes:  func(p *cirp.Phenomenon) bool { return p.Name == s.Phenomenon },
			Run: func(ctx context.Context, p *cirp.Phenomenon, subjects, workers int) ([]*triallist.Result, error) {
				var out []*triallist.Result
				for _, c := range p.Conditions {
					par, err := s.Params(c, f)
					if err != nil {
						return nil, err
					}
					res, err := runList(ctx, c.List.Head(subjects), s.Name+" "+c.Name, workers, 0, nil,
						func(int, seed.Source) (stream.Stream, error) { return alcoveNew(par) })
					if err != nil {
						return nil, err
					}
					out = append(out, res)
				}
				return out, nil
			},
		})
	}
	f := exit.Krus96Default
	out = append(out, learner{
		Name: "exit:krus96exit",
		Params: fmt.Sprintf("c=%.6g P=%.6g phi=%.6g l_gain=%.6g l_weight=%.6g l_ex=%.6g sigma_bias=%.6g",
			f.C, f.P, f.Phi, f.LGain, f.LWeight, f.LEx, f.SigmaBias),
		Takes: func(p *cirp.Phenomenon) bool { return p.Name == "krus96" },
		Run: func(ctx context.Context, p *cirp.Phenomenon, subjects, workers int) ([]*triallist.Result, error) {
			var out []*triallist.Result
			for _, c := range p.Conditions {
				par, err := exit.Krus96Params(c, f)
				if err != nil {
					return nil, err
				}
				res, err := runList(ctx, c.List.Head(subjects), "krus96exit", workers, 0, nil,
					func(int, seed.Source) (stream.Stream, error) { return exitNew(par) })
				if err != nil {
					return nil, err
				}
				out = append(out, res)
			}
			return out, nil
		},
	})
	return out
}

// toolkitLearner returns the row of model name run with the config at
// path, or with the model's built-in config (the registry's default, the
// shipped config1 or the config the README's commands run) when path is
// empty; with adapt, the config's shape keys are set to each condition's.
func toolkitLearner(name, path string, adapt bool) (learner, error) {
	m, err := modelsGet(name)
	if err != nil {
		return learner{}, err
	}
	tree, source, err := readTree(m, path)
	if err != nil {
		return learner{}, err
	}
	params := source
	if adapt {
		params += " (shape keys set per condition)"
	}
	return learner{
		Name:   name,
		Params: params,
		Run: func(ctx context.Context, p *cirp.Phenomenon, subjects, workers int) ([]*triallist.Result, error) {
			var out []*triallist.Result
			for _, c := range p.Conditions {
				t := c.Task(p.Name)
				setup, err := configure(m, source, tree, c, adapt)
				if err != nil {
					return nil, err
				}
				lf, err := loss.ByName(setup.Loop.LossFn)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", source, err)
				}
				// A learner that cannot take the task says so before any trial.
				if _, err := setup.New(t, 0, seed.For(uint64(setup.Loop.RandomSeed), 0)); err != nil {
					return nil, fmt.Errorf("cannot take %s: %w", t.Name, err)
				}
				res, err := runList(ctx, c.List.Head(subjects), name+" "+t.Name, workers, uint64(setup.Loop.RandomSeed), lf,
					func(s int, src seed.Source) (stream.Stream, error) { return setup.New(t, s, src) })
				if err != nil {
					return nil, err
				}
				out = append(out, res)
			}
			return out, nil
		},
	}, nil
}

// modelsGet returns the toolkit's model called name.
func modelsGet(name string) (cli.Model, error) { return models.Get(name) }

// readTree reads the config at path as a key tree, or model m's built-in
// config when path is empty, checks it with m's Load, and returns it with
// the name that errors and the scoreboard give it: the path, or "built-in
// config <config_version>".
func readTree(m cli.Model, path string) (map[string]any, string, error) {
	var (
		tree map[string]any
		err  error
	)
	source := path
	if path == "" {
		source = "built-in config"
		tree, err = keypath.Builtin(m)
	} else {
		var data []byte
		if data, err = config.ReadFile(path); err != nil {
			return nil, "", fmt.Errorf("%s: %w", m.Name, err)
		}
		tree, err = keypath.Decode(path, data)
	}
	if err != nil {
		return nil, "", err
	}
	s, _, err := keypath.Load(m, source, tree)
	if err != nil {
		return nil, "", err
	}
	if path == "" {
		source += " " + s.Loop.ConfigVersion
	}
	return tree, source, nil
}

// configure returns model m's setup from the config tree (named source),
// with its shape keys set to condition c's when adapt is set.
func configure(m cli.Model, source string, tree map[string]any, c *cirp.Condition, adapt bool) (*cli.Setup, error) {
	if !adapt {
		setup, _, err := keypath.Load(m, source, tree)
		return setup, err
	}
	tree = keypath.Clone(tree)
	set, err := keypath.SetShape(tree, c.List.Dims, c.List.Classes, len(c.Stimuli))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	setup, _, err := keypath.Load(m, source+" with "+strings.Join(set, ", "), tree)
	return setup, err
}

// runList runs a list with fresh learners from newModel.
func runList(ctx context.Context, l *triallist.List, name string, workers int, sd uint64, lf loss.Func,
	newModel func(int, seed.Source) (stream.Stream, error)) (*triallist.Result, error) {
	return triallist.Run(ctx, l, triallist.Options{Name: name, New: newModel, Seed: sd, Loss: lf, Workers: workers})
}

// learners returns the rows for the comma-separated names in list:
// "catlearn" (catlearn's own simulations) and the toolkit's models, each
// with its config (from configs, else its built-in config).
func learners(list string, configs map[string]string, adapt bool) ([]learner, error) {
	var out []learner
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if name == "catlearn" {
			out = append(out, catlearnSims()...)
			continue
		}
		if !slices.Contains(models.Names(), name) {
			names := append([]string{"catlearn"}, models.Names()...)
			slices.Sort(names)
			return nil, fmt.Errorf("unknown model %q: want some of %s", name, strings.Join(names, ", "))
		}
		l, err := toolkitLearner(name, configs[name], adapt)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func alcoveNew(p alcovemodel.Params) (stream.Stream, error) { return alcovemodel.New(p) }

func exitNew(p exitmodel.Params) (stream.Stream, error) { return exitmodel.New(p) }
