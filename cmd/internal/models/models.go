// Package models lists the models the cross-module tools (sweeps, config
// import) know, by the name a sweep spec or a config uses.
package models

import (
	"fmt"
	"sort"

	alcove "github.com/fastslow/alcove/train"
	clustering "github.com/fastslow/clustering/train"
	distrlearner "github.com/fastslow/distrlearner/train"
	dnn "github.com/fastslow/dnn/train"
	dualstream "github.com/fastslow/dualstream/train"
	exit "github.com/fastslow/exit/train"
	multiunit "github.com/fastslow/multiunit/train"
	"github.com/fastslow/stream/cli"
	sustain "github.com/fastslow/sustain/train"
)

// all maps a model's name to its description for the shared fit command.
var all = map[string]func() cli.Model{
	"dualstream":   dualstream.Model,
	"clustering":   clustering.Model,
	"dnn":          dnn.Model,
	"distrlearner": distrlearner.Model,
	"multiunit":    multiunit.Model,
	"sustain":      sustain.Model,
	"alcove":       alcove.Model,
	"exit":         exit.Model,
}

// Get returns the model called name.
func Get(name string) (cli.Model, error) {
	m, ok := all[name]
	if !ok {
		return cli.Model{}, fmt.Errorf("unknown model %q (want one of %v)", name, Names())
	}
	return m(), nil
}

// Names lists the known models.
func Names() []string {
	var out []string
	for n := range all {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
