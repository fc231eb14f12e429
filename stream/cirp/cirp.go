// Package cirp holds the field's benchmark phenomena of category learning
// as the R package catlearn (Wills et al., version 1.1) defines them, its
// "canonical independently replicated phenomena" (CIRPs): for each, the
// conditions as trial lists (the trial orders of catlearn's own 100
// simulated subjects, so that a port replays catlearn's simulations), the
// human data, the dependent measure computed from a learner's response
// probabilities, and the ordinal adequacy test (OAT) that decides whether
// a learner reproduces the phenomenon.
//
// The phenomena: Shin & Nosofsky (1992, Exp. 3), the category-size
// effect; Nosofsky (1988, Exp. 1), the instantiation-frequency effect;
// Kruschke (1996, Exp. 1), the inverse base-rate effect (an auxiliary
// phenomenon without an OAT in catlearn; its test here is the effect's
// direction); Nosofsky, Gluck, Palmeri, McKinley & Glauthier (1994), the
// six Shepard, Hovland & Jenkins problems.
package cirp

import (
	"fmt"
	"math"
	"strings"

	"github.com/fastslow/stream/task"
	"github.com/fastslow/stream/triallist"
)

// Stimulus is one stimulus of a condition.
type Stimulus struct {
	Name     string    // catlearn's stim: a number, or a cue compound (krus96)
	X        []float64 // features
	T        []float64 // teaching signals (1 present, −1 absent)
	Label    int       // category, from 0
	Training bool      // presented in training (shin92's old items)
	// Frequency is the stimulus's presentations per training block
	// (nosof88's instantiation frequency; 1 where all are equal).
	Frequency float64
}

// Condition is one condition of a phenomenon: its stimuli and the trial
// list of catlearn's simulated subjects.
type Condition struct {
	Name    string // e.g. "equal3", "E2", "type4"
	Stimuli []Stimulus
	List    *triallist.List
}

// Cell is one value of a dependent measure: for condition Cond and item
// Item (a stimulus, a block, or a symptom/disease pair).
type Cell struct {
	Cond, Item string
	Value      float64
}

// Phenomenon is one benchmark phenomenon.
type Phenomenon struct {
	Name       string // catlearn's name: shin92, nosof88, krus96, nosof94
	Title      string // what it is, with its paper
	Measure    string // the dependent measure in words
	Conditions []*Condition
	Human      []Cell // the human data's dependent measure
	// Cells computes the dependent measure from a learner's results, one
	// per condition in the order of Conditions, in the order of Human.
	Cells func(res []*triallist.Result) ([]Cell, error)
	// OAT is the ordinal adequacy test of a dependent measure: pass or
	// fail, and the summary it decides on (catlearn's xtdo = TRUE table).
	OAT func(cells []Cell) (bool, []Cell, error)
}

// Names lists the phenomena All returns.
var Names = []string{"shin92", "nosof88", "krus96", "nosof94"}

// ByName returns the phenomenon called name.
func ByName(name string) (*Phenomenon, error) {
	switch name {
	case "shin92":
		return Shin92(), nil
	case "nosof88":
		return Nosof88(), nil
	case "krus96":
		return Krus96(), nil
	case "nosof94":
		return Nosof94(), nil
	}
	return nil, fmt.Errorf("cirp: unknown phenomenon %q: want one of %s", name, strings.Join(Names, ", "))
}

// SSE returns the sum of squared differences between a learner's cells and
// the human ones, joined on condition and item; every human cell must
// have its learner's cell.
func SSE(model, human []Cell) (float64, error) {
	at := make(map[[2]string]float64, len(model))
	for _, c := range model {
		at[[2]string{c.Cond, c.Item}] = c.Value
	}
	var s float64
	for _, h := range human {
		v, ok := at[[2]string{h.Cond, h.Item}]
		if !ok {
			return math.NaN(), fmt.Errorf("cirp: no value for condition %q item %q", h.Cond, h.Item)
		}
		s += (v - h.Value) * (v - h.Value)
	}
	return s, nil
}

// lookup indexes cells by condition and item.
func lookup(cells []Cell) func(cond, item string) (float64, error) {
	at := make(map[[2]string]float64, len(cells))
	for _, c := range cells {
		at[[2]string{c.Cond, c.Item}] = c.Value
	}
	return func(cond, item string) (float64, error) {
		v, ok := at[[2]string{cond, item}]
		if !ok {
			return math.NaN(), fmt.Errorf("cirp: no value for condition %q item %q", cond, item)
		}
		return v, nil
	}
}

// checkResults checks that res holds one result per condition of p, each
// of the condition's list or of its first subjects (List.Head).
func (p *Phenomenon) checkResults(res []*triallist.Result) error {
	if len(res) != len(p.Conditions) {
		return fmt.Errorf("cirp: %s: %d results for %d conditions", p.Name, len(res), len(p.Conditions))
	}
	for i, r := range res {
		l := p.Conditions[i].List
		if r == nil || len(r.List.Trials) == 0 || &r.List.Trials[0] != &l.Trials[0] {
			return fmt.Errorf("cirp: %s: result %d is not of condition %s's list", p.Name, i+1, p.Conditions[i].Name)
		}
	}
	return nil
}

// perStimulus returns P(category 2) per stimulus of each condition (in
// stimulus order), averaged over the trials of its result that keep
// accepts (all when nil).
func (p *Phenomenon) perStimulus(res []*triallist.Result, keep func(*triallist.Trial) bool) ([]Cell, error) {
	if err := p.checkResults(res); err != nil {
		return nil, err
	}
	var out []Cell
	for ci, r := range res {
		c := p.Conditions[ci]
		at := make(map[string]float64, len(c.Stimuli))
		for _, g := range r.Aggregate(keep, func(t *triallist.Trial) string { return t.Stim }) {
			at[g.Key] = g.Mean[1]
		}
		for _, s := range c.Stimuli {
			v, ok := at[s.Name]
			if !ok {
				return nil, fmt.Errorf("cirp: %s %s: stimulus %s has no trial to average", p.Name, c.Name, s.Name)
			}
			out = append(out, Cell{Cond: c.Name, Item: s.Name, Value: v})
		}
	}
	return out, nil
}

// mean is the mean of v.
func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// Task returns the condition's stimuli as a task for the toolkit's
// learners (their configs check that they can take it): item k is
// Stimuli[k] with signature k; a test stimulus without a category
// (krus96's novel compounds) has label 0 and an all-zero target, and the
// trial lists never teach it.
func (c *Condition) Task(phenomenon string) *task.Task {
	name := phenomenon
	if c.Name != "" {
		name += "-" + c.Name
	}
	t := &task.Task{Name: name, Dims: c.List.Dims, Classes: c.List.Classes}
	for k, s := range c.Stimuli {
		y := make([]float64, t.Classes)
		if s.Label >= 0 {
			y[s.Label] = 1
		}
		t.Items = append(t.Items, task.Item{X: s.X, Label: max(s.Label, 0), Signature: k, Target: y})
	}
	return t
}
