// Package models is the toolkit's one registry of models: every model by
// the name the tools use (sweep -model, a fit spec's model, bench -models,
// configs import, phenomena), with its command line and the kinds of
// stream it gives the dual stream, whose fast and slow tables are read
// with the keys listed here.
//
// The registry lives in the dualstream module, the one module that
// already depends on every learner. The dual stream itself
// (dualstream/train) is given the kinds and imports no learner, so that
// the registry can list it beside them.
package models

import (
	"fmt"
	"slices"

	alcove "github.com/fastslow/alcove/train"
	clustering "github.com/fastslow/clustering/train"
	distrlearner "github.com/fastslow/distrlearner/train"
	dnn "github.com/fastslow/dnn/train"
	dualstream "github.com/fastslow/dualstream/train"
	exit "github.com/fastslow/exit/train"
	multiunit "github.com/fastslow/multiunit/train"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/learner"
	sustain "github.com/fastslow/sustain/train"
)

// Entry is one model of the registry.
type Entry struct {
	Name  string           // as the tools name it, e.g. "clustering"
	Model func() cli.Model // its command line: defaults, loader, description
	// Kinds returns the kinds of stream it gives the dual stream (nil
	// for the dual stream itself).
	Kinds func() learner.Kinds
}

// Entries returns every model, sorted by name.
func Entries() []Entry {
	return []Entry{
		{Name: "alcove", Model: alcove.Model, Kinds: alcove.Kinds},
		{Name: "clustering", Model: clustering.Model, Kinds: clustering.Kinds},
		{Name: "distrlearner", Model: distrlearner.Model, Kinds: distrlearner.Kinds},
		{Name: "dnn", Model: dnn.Model, Kinds: dnn.Kinds},
		{Name: "dualstream", Model: Dual},
		{Name: "exit", Model: exit.Model, Kinds: exit.Kinds},
		{Name: "multiunit", Model: multiunit.Model, Kinds: multiunit.Kinds},
		{Name: "sustain", Model: sustain.Model, Kinds: sustain.Kinds},
	}
}

// Kinds returns every kind of stream the models give the dual stream.
func Kinds() learner.Kinds {
	var ks learner.Kinds
	for _, e := range Entries() {
		if e.Kinds != nil {
			ks = append(ks, e.Kinds()...)
		}
	}
	return ks
}

// Dual returns the dual stream of every kind of stream to the command
// line.
func Dual() cli.Model { return dualstream.Model(Kinds()) }

// Get returns the command line of the model called name.
func Get(name string) (cli.Model, error) {
	for _, e := range Entries() {
		if e.Name == name {
			return e.Model(), nil
		}
	}
	return cli.Model{}, fmt.Errorf("unknown model %q (want one of %v)", name, Names())
}

// Names lists the models, sorted.
func Names() []string {
	var out []string
	for _, e := range Entries() {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}
