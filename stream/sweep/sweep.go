package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/BurntSushi/toml"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/output"
)

// Sweep is the list of configs of a sweep, in run order, for one model.
type Sweep struct {
	Name    string    // names the sweep in messages (a spec's name, a config folder's)
	Model   cli.Model // loads every config (its Load) and names the model in markers
	Source  string    // where the configs come from, for messages (a spec file, a folder)
	Keys    []string  // the key paths whose values the configs' Grid holds, in order
	Configs []Config
}

// Config is one config of a sweep.
type Config struct {
	Number int     // its number (-begin/-end select by it; shards deal configs in order)
	Name   string  // its results folder's name (and config file's, without .toml)
	Grid   []Value // its values of the sweep's Keys, in their order, for the report
	// Data is the config as the model's Load reads it (TOML). When nil,
	// Value is encoded: a Go caller sets Value to the model's config (a
	// clustering train.Config, say) and needs no TOML.
	Data  []byte
	Value any
}

// Value is one key path of a config (e.g. "fast_config.lr_nn") and its value.
type Value struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// text returns the config's TOML: Data, or Value encoded.
func (c *Config) text() ([]byte, error) {
	if c.Data != nil {
		return c.Data, nil
	}
	if c.Value == nil {
		return nil, fmt.Errorf("config %s: neither Data nor Value is set", c.Name)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c.Value); err != nil {
		return nil, fmt.Errorf("config %s: %w", c.Name, err)
	}
	c.Data = buf.Bytes()
	return c.Data, nil
}

// Checksum identifies what a finished config ran: the model and the
// config's text.
func (c *Config) Checksum(model string) string {
	data, _ := c.text() // Run has encoded it, or refused the config
	h := sha256.New()
	h.Write([]byte(model))
	h.Write([]byte{0})
	h.Write(data)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Select returns the configs numbered begin..end (inclusive; 0 means no
// bound) that fall to shard i of n: the k-th of them (from 0) goes to
// shard k mod n, so that shards get configs from all over the grid.
func (sw *Sweep) Select(begin, end, shard, shards int) ([]Config, error) {
	if shards < 1 || shard < 0 || shard >= shards {
		return nil, fmt.Errorf("shard %d/%d: want i/n with n ≥ 1 shards and 0 ≤ i < n", shard, shards)
	}
	if begin > 0 && end > 0 && end < begin {
		return nil, fmt.Errorf("-begin %d -end %d: the range is empty", begin, end)
	}
	if len(sw.Configs) == 0 {
		return nil, fmt.Errorf("%s: no configs", sw.Source)
	}
	var out []Config
	k := 0
	for _, c := range sw.Configs {
		if (begin > 0 && c.Number < begin) || (end > 0 && c.Number > end) {
			continue
		}
		if k%shards == shard {
			out = append(out, c)
		}
		k++
	}
	if k == 0 {
		return nil, fmt.Errorf("%s: no config numbered %d..%d (it has %d..%d)", sw.Source, begin, end,
			sw.Configs[0].Number, sw.Configs[len(sw.Configs)-1].Number)
	}
	return out, nil
}

// check reports configs whose names cannot name their results folders:
// not a plain name, or the name of another config.
func (sw *Sweep) check() error {
	seen := map[string]bool{}
	for _, c := range sw.Configs {
		if err := output.CheckName(c.Name); err != nil || c.Name == "configs" {
			return fmt.Errorf("%s: config name %q: want a plain folder name other than \"configs\" (it names the config's results folder)", sw.Source, c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("%s: two configs are called %q (a name is a results folder)", sw.Source, c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

func describe(sw *Sweep, o RunOptions) string {
	s := "numbers "
	first, last := sw.Configs[0].Number, sw.Configs[len(sw.Configs)-1].Number
	if o.Begin > 0 {
		first = o.Begin
	}
	if o.End > 0 {
		last = o.End
	}
	s += strconv.Itoa(first) + ".." + strconv.Itoa(last)
	if o.Shards > 1 {
		s += fmt.Sprintf(", shard %d/%d", o.Shard, o.Shards)
	}
	return s
}
