// Package config decodes the TOML configs of the toolkit strictly: every
// key is one the model reads, one the original ignores (accepted and
// reported), or an error naming the file and the key.
package config

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Loop holds the keys every config has, named as in the original's YAML.
type Loop struct {
	ConfigVersion string `toml:"config_version"`
	NumBlocks     int    `toml:"num_blocks"`  // blocks per run (the original's epochs)
	NumRuns       int    `toml:"num_runs"`    // independent runs (simulated subjects)
	RandomSeed    int64  `toml:"random_seed"` // seeds every run's generators with the run index
	LossFn        string `toml:"loss_fn"`     // "bcelogits" or "crossentropy"
	Optim         string `toml:"optim"`       // only "sgd"
	Task          string `toml:"task"`        // our extension: shj, shj1…shj6, new-stimuli or a CSV path
	// Passes is our extension: each block presents every item Passes
	// times, in as many shuffled passes (2 gives catlearn's 16-trial SHJ
	// blocks); 0 or 1 means once.
	Passes int `toml:"passes,omitzero"`
}

// Check reports a Loop whose values cannot run, naming the file.
func (l *Loop) Check(path string) error {
	switch {
	case l.NumBlocks < 1:
		return fmt.Errorf("%s: num_blocks = %d: want at least 1", path, l.NumBlocks)
	case l.NumRuns < 1:
		return fmt.Errorf("%s: num_runs = %d: want at least 1", path, l.NumRuns)
	case l.Passes < 0:
		return fmt.Errorf("%s: passes = %d: want 1 or more", path, l.Passes)
	case l.RandomSeed < 0:
		return fmt.Errorf("%s: random_seed = %d: want a non-negative integer", path, l.RandomSeed)
	case l.Optim != "" && l.Optim != "sgd":
		return fmt.Errorf("%s: optim = %q: only \"sgd\" is implemented (as in the original)", path, l.Optim)
	case l.LossFn != "bcelogits" && l.LossFn != "crossentropy":
		return fmt.Errorf("%s: loss_fn = %q: want \"bcelogits\" or \"crossentropy\"", path, l.LossFn)
	}
	return nil
}

// Read reads the file at path and decodes it as Decode does.
func Read(path string, v any, ignored ...string) (present []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Decode(path, data, v, ignored...)
}

// Decode decodes TOML data (read from path, which errors name) into v.
// Keys v has no field for are errors unless listed in ignored (a key path
// such as "fast_config.noise" or a bare key such as "noise", which matches
// at any depth); the ignored keys present are returned, sorted, so that a
// command can report them once. Type mismatches name the line and key.
func Decode(path string, data []byte, v any, ignored ...string) (present []string, err error) {
	md, err := toml.Decode(string(data), v)
	if err != nil {
		return nil, Wrap(path, err)
	}
	return Strict(path, md, ignored...)
}

// Wrap words a decoding error with the file's name (and the line, for a
// syntax error).
func Wrap(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: line %d: %s", path, pe.Position.Line, pe.Message)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// Strict checks the keys of a decoded file (after any PrimitiveDecode of
// its sub-tables) as Decode does.
func Strict(path string, md toml.MetaData, ignored ...string) (present []string, err error) {
	ign := make(map[string]bool, len(ignored))
	for _, k := range ignored {
		ign[k] = true
	}
	var unknown []string
	for _, k := range md.Undecoded() {
		full := k.String()
		if ign[full] || ign[k[len(k)-1]] {
			present = append(present, full)
			continue
		}
		unknown = append(unknown, full)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s: unknown key %s (not a key of this model; check the spelling against the documented keys)",
			path, strings.Join(quote(unknown), ", "))
	}
	sort.Strings(present)
	return present, nil
}

func quote(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
