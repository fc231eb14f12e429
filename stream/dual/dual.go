// Package dual is the dual stream: a fast and a slow stream whose logits
// add up, both learning from the gradient of the total loss. The dual
// stream module builds it from a config's two tables; the models' tests
// put their stream in its fast slot.
package dual

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fastslow/stream"
)

// State-name prefixes of the parts, as in the original's FastSlow
// state_dict.
const (
	FastPrefix = "FastModel."
	SlowPrefix = "SlowModel."
)

// Dual is the sum of a fast and a slow stream. It is itself a
// stream.Composite, so the trial loop records both parts' curves.
type Dual struct {
	Fast, Slow stream.Stream
	z          []float64
	parts      [][]float64
	observed   []int // quantities each part observes (stream.Observer), set once
	// The parts that are stream.Failers (nil otherwise), found once: Err
	// runs after every trial.
	fastErr, slowErr stream.Failer
}

// New returns the dual stream of fast and slow.
func New(fast, slow stream.Stream) *Dual {
	d := &Dual{Fast: fast, Slow: slow, parts: make([][]float64, 2)}
	d.fastErr, _ = fast.(stream.Failer)
	d.slowErr, _ = slow.(stream.Failer)
	return d
}

// Forward runs the fast stream (which recruits on its own logits), then
// the slow one, and returns the sum of their logits.
func (d *Dual) Forward(t *stream.Trial) []float64 {
	zf := d.Fast.Forward(t)
	zs := d.Slow.Forward(t)
	if len(d.z) != len(zf) {
		d.z = make([]float64, len(zf)) // once per run: the class count is fixed
	}
	for c := range zf {
		d.z[c] = zf[c] + zs[c]
	}
	d.parts[0], d.parts[1] = zf, zs
	return d.z
}

// Learn gives both streams the gradient of the total loss: each takes its
// own SGD step, then its local rules.
func (d *Dual) Learn(t *stream.Trial, dz []float64) {
	d.Fast.Learn(t, dz)
	d.Slow.Learn(t, dz)
}

// Recruited reports the fast stream's recruitment.
func (d *Dual) Recruited() bool { return d.Fast.Recruited() }

// Active reports the fast stream's recruited units.
func (d *Dual) Active() int { return d.Fast.Active() }

// PartNames implements stream.Composite.
func (d *Dual) PartNames() []string { return []string{"fast", "slow"} }

// PartLogits implements stream.Composite.
func (d *Dual) PartLogits() [][]float64 { return d.parts }

// State returns both parts' states under the FastModel. and SlowModel.
// prefixes.
func (d *Dual) State() []stream.Array {
	var out []stream.Array
	for _, a := range d.Fast.State() {
		a.Name = FastPrefix + a.Name
		out = append(out, a)
	}
	for _, a := range d.Slow.State() {
		a.Name = SlowPrefix + a.Name
		out = append(out, a)
	}
	return out
}

// SetState loads both parts from a state with the FastModel. and
// SlowModel. prefixes; any other name is an error.
func (d *Dual) SetState(st map[string]stream.Array) error {
	var extra []string
	for k := range st {
		if !strings.HasPrefix(k, FastPrefix) && !strings.HasPrefix(k, SlowPrefix) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("arrays %v belong to neither %q nor %q", extra, FastPrefix, SlowPrefix)
	}
	fast, slow := stream.Prefixed(st, FastPrefix), stream.Prefixed(st, SlowPrefix)
	if err := d.Fast.SetState(fast); err != nil {
		return fmt.Errorf("fast stream: %w", err)
	}
	if err := d.Slow.SetState(slow); err != nil {
		return fmt.Errorf("slow stream: %w", err)
	}
	return nil
}
