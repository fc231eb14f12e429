// Package learner is the contract between a model's config and the rest
// of the toolkit: a model's keys (one TOML table) check themselves, build
// a stream for a task and estimate its memory, whether a single-stream
// config holds them beside the loop keys or a dual-stream config gives
// them a table of their own. Single turns a model's keys into the command
// line's setups and Kind names them for the dual stream, once for every
// model.
//
// The contract has a package of its own, not a place in package stream,
// because it names task.Task, seed.Source and budget.Estimate (package
// task imports package stream) and builds stream/cli's setups.
package learner

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// Keys is what every model's keys satisfy, with a pointer receiver (the
// pointer is what a config table is decoded into).
type Keys interface {
	// Check reports keys the model cannot run with, naming the key.
	Check() error
	// New returns a fresh model for task t whose random numbers come from
	// src alone, or an error naming the key that does not fit the task.
	New(t *task.Task, src seed.Source) (stream.Stream, error)
	// Required returns the keys a table must set, given the values it
	// was decoded with (a key may be needed only with another's value).
	Required() []string
	// Memory estimates what one model of a task holds.
	cli.Sizer
}

// Filler is Keys with optional keys whose default is not the zero value:
// Fill sets those a decoded file left out.
type Filler interface {
	Keys
	Fill()
}

// Role says which slot of the dual stream a kind of stream fills.
type Role string

// The two slots.
const (
	Fast Role = "fast"
	Slow Role = "slow"
)

// Kind is a kind of stream that a dual-stream config names in its fast or
// slow key, and whose keys its [fast_config] or [slow_config] table holds.
type Kind struct {
	Name string // as a config names it, e.g. "clustering", "distr_learner_mu"
	Role Role
	// Keys returns fresh zero keys of the kind to decode a table into.
	Keys func() Keys
	// Ignored lists the keys a table may have that the original ignores.
	Ignored []string
}

// TableKeys lists the keys a table of the kind may hold: the keys it
// reads and the keys the original ignores.
func (k Kind) TableKeys() []string {
	return append(tags(reflect.TypeOf(k.Keys()).Elem()), k.Ignored...)
}

// tags lists the TOML keys of struct type t, with its embedded structs'.
func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, tags(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name != "" && name != "-" && f.IsExported() {
			out = append(out, name)
		}
	}
	return out
}

// Kinds is a list of kinds of stream, such as the registry's.
type Kinds []Kind

// Lookup returns the kind called name for role, or an error listing the
// names that fill the role.
func (ks Kinds) Lookup(name string, role Role) (Kind, error) {
	for _, k := range ks {
		if k.Name == name && k.Role == role {
			return k, nil
		}
	}
	return Kind{}, fmt.Errorf("%s = %q: want one of %v", role, name, ks.Names(role))
}

// Names lists, sorted, the kinds that fill role.
func (ks Kinds) Names(role Role) []string {
	var out []string
	for _, k := range ks {
		if k.Role == role {
			out = append(out, k.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Stream returns a model constructor's result as a stream.Stream: m, or
// a nil Stream with err, so that a constructor's nil pointer never becomes
// a non-nil Stream. Keys.New ends with it: return learner.Stream(model.New(p)).
func Stream[M stream.Stream](m M, err error) (stream.Stream, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}
