// Package config decodes the TOML configs of the toolkit strictly: every
// key is one the model reads, one the original ignores (accepted and
// reported), or an error naming the file and the key.
package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream/budget"
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

// RequiredLoopKeys are the keys of Loop that a single-stream config must
// set (the original fails without them); config_version, optim, task and
// passes have defaults.
var RequiredLoopKeys = []string{"num_blocks", "num_runs", "random_seed", "loss_fn"}

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

// Check reports a single-stream config that cannot run, naming the file
// (path): its loop keys first (Loop.Check), then its model keys (check,
// whose error is prefixed with path).
func Check(path string, loop *Loop, check func() error) error {
	if err := loop.Check(path); err != nil {
		return err
	}
	if err := check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Read reads the file at path (ReadFile) and decodes it as Decode does.
func Read(path string, v any, ignored ...string) (present []string, err error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Decode(path, data, v, ignored...)
}

// MaxFile bounds the size of a config file: the largest config of the
// original is a few kilobytes, so a larger file (or an endless one such
// as /dev/zero) is not a config and is refused without reading it all.
const MaxFile = 1 << 20

// ReadFile reads a config file of at most MaxFile bytes. A YAML config of
// the original (a .yaml or .yml file, or "key: value" lines that are not
// TOML) is refused with the way to convert it.
func ReadFile(path string) ([]byte, error) {
	data, err := budget.ReadFile(path, MaxFile)
	if err != nil {
		return nil, err
	}
	if isYAML(path, data) {
		return nil, fmt.Errorf("%s: this is a YAML config of the original; convert it with `configs import` (go run ./cmd/configs import %s) and pass the TOML file it writes", path, path)
	}
	return data, nil
}

// yamlKey returns the expression of a YAML mapping line ("key: value"
// or "key:"), compiled on first use: only a config that is not TOML
// needs it, and every command would compile it at start-up otherwise.
var yamlKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*:(\s|$)`)
})

// isYAML tells a YAML file: by its extension, or, when it is not TOML, by
// its first line that is neither blank nor a comment.
func isYAML(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return true
	}
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err == nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || line == "---" {
			continue
		}
		return yamlKey().MatchString(line)
	}
	return false
}

// Decode decodes TOML data (read from path, which errors name) into v.
// Keys v has no field for are errors unless listed in ignored (a key path
// such as "fast_config.noise" or a bare key such as "noise", which matches
// at any depth); the ignored keys present are returned, sorted, so that a
// command can report them once. Type mismatches name the line and key.
func Decode(path string, data []byte, v any, ignored ...string) (present []string, err error) {
	_, present, err = DecodeMeta(path, data, v, ignored...)
	return present, err
}

// DecodeMeta is Decode that also returns the file's metadata, which tells
// which keys it sets (Missing, Require).
func DecodeMeta(path string, data []byte, v any, ignored ...string) (md toml.MetaData, present []string, err error) {
	md, err = toml.Decode(string(data), v)
	if err != nil {
		return md, nil, Wrap(path, err)
	}
	present, err = Strict(path, md, ignored...)
	return md, present, err
}

// Missing returns the keys of want, in their order, that a decoded file
// does not set in the table at the key path table (none: the top level),
// each named by its whole key path ("slow_config.n_units").
func Missing(md toml.MetaData, want []string, table ...string) []string {
	var miss []string
	for _, k := range want {
		key := append(append(make([]string, 0, len(table)+1), table...), k)
		if !md.IsDefined(key...) {
			miss = append(miss, strings.Join(key, "."))
		}
	}
	return miss
}

// MissingError returns nil for no keys, else the error that names the
// file and the missing keys, with why (what needs them and where to look;
// none if empty) in parentheses: path: missing key "a", "b" (why).
func MissingError(path string, keys []string, why string) error {
	if len(keys) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s: missing key %s", path, strings.Join(quote(keys), ", "))
	if why != "" {
		msg += " (" + why + ")"
	}
	return errors.New(msg)
}

// Require returns the error MissingError gives for the top-level keys of
// want that a decoded file does not set, or nil if it sets them all.
func Require(path string, md toml.MetaData, want []string, why string) error {
	return MissingError(path, Missing(md, want), why)
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
