// Package triallist holds tasks given as trial lists in the convention of
// the R package catlearn (Wills et al.): one row per trial, a control code
// saying whether the model is reset, learns or only responds, the
// stimulus's features and one teaching signal per category. The
// field's benchmark phenomena (catlearn's CIRPs) are such lists, most of
// them ending in a transfer phase of trials without feedback; Run drives
// any stream.Stream through one and records its response probabilities.
package triallist

import (
	"fmt"
	"math"
)

// Ctrl is a trial's control code, numbered as catlearn's ctrl column.
type Ctrl int

const (
	// Learn is a supervised trial (ctrl 0): the model responds, then learns
	// from the teaching signals.
	Learn Ctrl = 0
	// Reset puts the model back in its initial state before a Learn trial
	// (ctrl 1); it starts each simulated subject.
	Reset Ctrl = 1
	// Frozen is a test trial (ctrl 2): the model responds with learning
	// frozen, and its state does not change.
	Frozen Ctrl = 2
)

// String returns the code's name.
func (c Ctrl) String() string {
	switch c {
	case Learn:
		return "learn"
	case Reset:
		return "reset"
	case Frozen:
		return "frozen"
	}
	return fmt.Sprintf("ctrl %d", int(c))
}

// Trial is one row of a trial list.
type Trial struct {
	Ctrl    Ctrl
	Subject int    // simulated subject, from 0: the number of Reset trials before this one
	Cond    string // condition (the cond column; "" without one)
	Phase   int    // phase (1 training, 2 transfer in catlearn's lists; 0 without the column)
	Block   int    // block as written (catlearn counts from 1; 0 without the column)
	Stim    string // the stimulus's name or number as written ("" without the column)
	Item    int    // index of the stimulus among the list's distinct stimuli, from 0
	X       []float64
	T       []float64 // teaching signals as written: Present for the category, the list's absent value for the others
	Label   int       // index of the category present, −1 on a frozen trial without one
}

// Present is the teaching signal of the category present on a trial.
const Present = 1.0

// List is a trial list: the trials of every simulated subject, one after
// another, each subject's first trial a Reset.
type List struct {
	Name     string
	Dims     int     // features per trial
	Classes  int     // categories (teaching signals per trial)
	Absent   float64 // teaching signal of an absent category (catlearn's absval: −1, or 0)
	Subjects int
	Items    int // distinct stimuli
	Trials   []Trial
}

// MaxTrials, MaxDims and MaxClasses bound a list, so that a mistyped file
// fails with an error rather than by exhausting memory.
const (
	MaxTrials  = 1 << 24
	MaxDims    = 1 << 12
	MaxClasses = 1 << 10
)

// Check reports a list the runner cannot run, naming the trial (row 1 is
// the first trial): a first trial that is not a Reset, an unknown control
// code, features or signals of the wrong count or not finite, a learning
// trial whose signals do not name exactly one category, and a frozen
// trial of a subject that has had no learning trial.
func (l *List) Check() error {
	switch {
	case len(l.Trials) == 0:
		return fmt.Errorf("%s: no trials", l.Name)
	case len(l.Trials) > MaxTrials:
		return fmt.Errorf("%s: %d trials: want at most %d", l.Name, len(l.Trials), MaxTrials)
	case l.Dims < 1 || l.Dims > MaxDims:
		return fmt.Errorf("%s: %d features: want 1 to %d", l.Name, l.Dims, MaxDims)
	case l.Classes < 2 || l.Classes > MaxClasses:
		return fmt.Errorf("%s: %d categories: want 2 to %d", l.Name, l.Classes, MaxClasses)
	case !(l.Absent < Present) || math.IsInf(l.Absent, 0):
		return fmt.Errorf("%s: absent-category signal %v: want a finite number below %v", l.Name, l.Absent, Present)
	}
	subjects, learned := 0, false
	for i := range l.Trials {
		t := &l.Trials[i]
		at := func(format string, a ...any) error {
			return fmt.Errorf("%s: trial %d: %s", l.Name, i+1, fmt.Sprintf(format, a...))
		}
		switch t.Ctrl {
		case Reset:
			subjects++
			learned = true
		case Learn:
			if subjects == 0 {
				return at("a learning trial before the first reset: the first trial must have ctrl 1")
			}
			learned = true
		case Frozen:
			if !learned {
				return at("a test trial (ctrl 2) before any training: the first trial must have ctrl 1")
			}
		case 3, 4:
			return at("ctrl %d is an unsupervised trial, which no model here learns from: want 0, 1 or 2", int(t.Ctrl))
		default:
			return at("unknown control code %d: want 0 (learn), 1 (reset, then learn) or 2 (test, learning frozen)", int(t.Ctrl))
		}
		if t.Subject != subjects-1 {
			return at("subject %d, but %d resets so far", t.Subject, subjects)
		}
		if len(t.X) != l.Dims {
			return at("%d features, want %d", len(t.X), l.Dims)
		}
		for d, v := range t.X {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return at("feature x%d is %v: want a finite number", d+1, v)
			}
		}
		if t.Item < 0 || t.Item >= l.Items {
			return at("item %d outside the list's %d stimuli", t.Item, l.Items)
		}
		if err := l.checkSignals(t); err != nil {
			return at("%v", err)
		}
	}
	if subjects != l.Subjects {
		return fmt.Errorf("%s: %d subjects, but %d resets", l.Name, l.Subjects, subjects)
	}
	return nil
}

// checkSignals checks a trial's teaching signals against its label: on a
// learning trial exactly one category is present and the others have the
// list's absent value; a frozen trial may instead give no category
// (every signal absent, or all 0 as krus96's test trials do).
func (l *List) checkSignals(t *Trial) error {
	if len(t.T) != l.Classes {
		return fmt.Errorf("%d teaching signals, want one per category (%d)", len(t.T), l.Classes)
	}
	label := -1
	for k, v := range t.T {
		switch {
		case v == Present && label < 0:
			label = k
		case v == Present:
			return fmt.Errorf("categories %d and %d both present (t%d = t%d = %v): want exactly one", label+1, k+1, label+1, k+1, Present)
		case v != l.Absent && !(t.Ctrl == Frozen && v == 0):
			return fmt.Errorf("t%d = %v: want %v (present) or %v (absent)", k+1, v, Present, l.Absent)
		}
	}
	if label < 0 && t.Ctrl != Frozen {
		return fmt.Errorf("no category present (no t = %v) on a %s trial", Present, t.Ctrl)
	}
	if label != t.Label {
		return fmt.Errorf("label %d, but the signals name category %d", t.Label, label)
	}
	return nil
}

// Head returns the list of the first n simulated subjects of l (all of
// them when n ≤ 0 or n ≥ l.Subjects); its trials are a view of l's.
func (l *List) Head(n int) *List {
	if n <= 0 || n >= l.Subjects {
		return l
	}
	h := *l
	h.Subjects = n
	end := 0
	for end < len(l.Trials) && l.Trials[end].Subject < n {
		end++
	}
	h.Trials = l.Trials[:end:end]
	return &h
}
