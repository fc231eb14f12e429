// Package train reads dual-stream configs and builds dual streams. Its
// registry is the one place that maps the config names of the streams
// ("clustering", "dnn", …) to their modules; everything else composes
// streams through the stream.Stream contract only.
package train

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	alcove "github.com/fastslow/alcove/train"
	clustering "github.com/fastslow/clustering/train"
	dl "github.com/fastslow/distrlearner/model"
	dltrain "github.com/fastslow/distrlearner/train"
	dnn "github.com/fastslow/dnn/train"
	multiunit "github.com/fastslow/multiunit/train"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
	sustain "github.com/fastslow/sustain/train"
)

// Role says which slot of the dual stream a kind of stream fills.
type Role string

// The two slots.
const (
	Fast Role = "fast"
	Slow Role = "slow"
)

// Kind is what the registry knows of one kind of stream.
type Kind struct {
	Role Role
	// Keys returns a pointer to a zero config table of the kind, which a
	// config's [fast_config] or [slow_config] table is decoded into.
	Keys func() any
	// Required lists the keys a table must set (the original fails
	// without them).
	Required []string
	// Ignored lists the keys a table may have that the original ignores.
	Ignored []string
	// Check reports decoded keys that cannot run.
	Check func(keys any) error
	// New builds run r's stream of the kind on task t.
	New func(keys any, t *task.Task, r int, src seed.Source) (stream.Stream, error)
}

// loopKeys are keys of a whole config that the original's sub-configs
// repeat and its dual stream ignores (the top-level loss_fn, optim and
// random_seed are the ones used).
var loopKeys = []string{"loss_fn", "optim", "random_seed", "num_blocks", "num_runs", "config_version"}

func distr(kind dl.Kind) Kind {
	return Kind{
		Role:     Fast,
		Keys:     func() any { return new(dltrain.Keys) },
		Required: dltrain.RequiredKeys(kind),
		Ignored:  dltrain.Ignored,
		Check: func(k any) error {
			_, err := k.(*dltrain.Keys).Params(kind, 2)
			return err
		},
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*dltrain.Keys).New(kind, t)
		},
	}
}

// registry maps the original's config names to kinds of streams.
var registry = map[string]Kind{
	"clustering": {
		Role:     Fast,
		Keys:     func() any { return new(clustering.Keys) },
		Required: clustering.RequiredKeys,
		Ignored:  clustering.Ignored,
		Check:    func(k any) error { return k.(*clustering.Keys).Check() },
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*clustering.Keys).New(t)
		},
	},
	"multiunit_clustering": {
		Role:     Fast,
		Keys:     func() any { return new(multiunit.Keys) },
		Required: multiunit.RequiredKeys,
		Ignored:  multiunit.Ignored,
		Check:    func(k any) error { return k.(*multiunit.Keys).Check() },
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*multiunit.Keys).New(t, src)
		},
	},
	"alcove": {
		Role:     Fast,
		Keys:     func() any { return new(alcove.Keys) },
		Required: alcove.RequiredKeys,
		Ignored:  alcove.Ignored,
		Check:    func(k any) error { return k.(*alcove.Keys).Check() },
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*alcove.Keys).New(t)
		},
	},
	"sustain": {
		Role:     Fast,
		Keys:     func() any { return new(sustain.Keys) },
		Required: sustain.RequiredKeys,
		Ignored:  sustain.Ignored,
		Check:    func(k any) error { return k.(*sustain.Keys).Check() },
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*sustain.Keys).NewRun(t, src)
		},
	},
	"distr_learner":    distr(dl.Single),
	"distr_learner_mu": distr(dl.Multi),
	"dnn": {
		Role:     Slow,
		Keys:     func() any { return new(dnn.Network) },
		Required: dnn.NetworkKeys,
		Ignored:  dnn.NetworkIgnored,
		Check:    func(k any) error { return k.(*dnn.Network).Model().Validate() },
		New: func(k any, t *task.Task, r int, src seed.Source) (stream.Stream, error) {
			return k.(*dnn.Network).New(t, src, false)
		},
	},
}

// Lookup returns the kind called name for role, or an error listing the
// names that fill the role.
func Lookup(name string, role Role) (Kind, error) {
	k, ok := registry[name]
	if ok && k.Role == role {
		return k, nil
	}
	return Kind{}, fmt.Errorf("%s = %q: want one of %v", role, name, Names(role))
}

// Names lists the kinds that fill role.
func Names(role Role) []string {
	var out []string
	for n, k := range registry {
		if k.Role == role {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// TableKeys lists the keys a config table of the kind may hold: the keys
// it reads and the keys the original ignores.
func (k Kind) TableKeys() []string {
	keys := tags(reflect.TypeOf(k.Keys()).Elem())
	return append(keys, k.Ignored...)
}

func tags(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, tags(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
