// Package task holds the learning problems: the six Shepard, Hovland &
// Jenkins (1961) problems, the 100 "new stimuli" of the dual-stream work,
// the training design of Kruschke's (1996) inverse base-rate experiment,
// and stimuli a user brings in a CSV file.
package task

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// Item is one stimulus with its class.
type Item struct {
	X         []float64 // features
	Label     int       // index of the correct class
	Signature int       // the item's identity (its index unless given)
	Target    []float64 // one-hot over the task's classes
}

// Task is a list of items to learn.
type Task struct {
	Name    string // e.g. "shj4", "new-stimuli", or a CSV file's base name
	Items   []Item
	Dims    int // features per item
	Classes int // number of classes (at least 2)
	SHJType int // 1..6 for an SHJ problem, 0 otherwise
}

// shjClassB lists, per SHJ type, the label (0 = A, 1 = B) of items 0..7.
var shjLabels = [6][8]int{
	{0, 0, 0, 0, 1, 1, 1, 1},
	{0, 0, 1, 1, 1, 1, 0, 0},
	{1, 1, 1, 0, 0, 1, 0, 0},
	{1, 1, 1, 0, 1, 0, 0, 0},
	{1, 1, 1, 0, 0, 0, 0, 1},
	{1, 0, 0, 1, 0, 1, 1, 0},
}

// SHJ returns problem type typ (1..6): item k has the three bits of k as
// features, most significant first (item 5 = 1,0,1), and signature k.
func SHJ(typ int) (*Task, error) {
	if typ < 1 || typ > 6 {
		return nil, fmt.Errorf("SHJ type %d: want 1..6", typ)
	}
	t := &Task{Name: fmt.Sprintf("shj%d", typ), Dims: 3, Classes: 2, SHJType: typ}
	for k := 0; k < 8; k++ {
		x := []float64{float64(k >> 2 & 1), float64(k >> 1 & 1), float64(k & 1)}
		t.Items = append(t.Items, newItem(x, shjLabels[typ-1][k], k, 2))
	}
	return t, nil
}

//go:embed new_stimuli.csv
var newStimuliCSV string

// NewStimuli returns the 100 two-dimensional items of the dual-stream work
// (50 per category, category A first; signature = row index), exactly as
// the original stores them.
func NewStimuli() *Task {
	t, err := parseCSV("new-stimuli", "new_stimuli.csv", strings.NewReader(newStimuliCSV), nil)
	if err != nil {
		panic(err) // the embedded file is part of the program
	}
	return t
}

//go:embed krus96_training.csv
var krus96TrainingCSV string

// Krus96Training returns one training block of Kruschke's (1996, Exp. 1)
// inverse base-rate design, EXIT's default task: cue-presence features I1,
// PC1, PR1, I2, PC2, PR2 and an always-present context cue; categories
// C1, R1, C2, R2; I1+PC1 → C1 three times, I1+PR1 → R1 once, and the same
// for the second copy (8 items, signature = row index). It is built in so
// that a command needs no file to run it, from any folder.
func Krus96Training() *Task {
	t, err := parseCSV("krus96-training", "krus96_training.csv", strings.NewReader(krus96TrainingCSV), nil)
	if err != nil {
		panic(err) // the embedded file is part of the program
	}
	return t
}

func newItem(x []float64, label, sig, classes int) Item {
	y := make([]float64, classes)
	y[label] = 1
	return Item{X: x, Label: label, Signature: sig, Target: y}
}

// Names lists the built-in task names Parse accepts besides a CSV path.
const Names = "shj (all six types), shj1 … shj6, new-stimuli, krus96-training, or a CSV file"

// Parse returns the tasks a -task flag or a config's task key names:
// "shj" (the six SHJ types), "shj1" … "shj6", "new-stimuli",
// "krus96-training", or the path of a stimuli CSV file (see ReadCSV).
func Parse(spec string) ([]*Task, error) {
	switch {
	case spec == "shj":
		var ts []*Task
		for typ := 1; typ <= 6; typ++ {
			t, _ := SHJ(typ)
			ts = append(ts, t)
		}
		return ts, nil
	case strings.HasPrefix(spec, "shj") && len(spec) == 4:
		typ, err := strconv.Atoi(spec[3:])
		if err != nil {
			return nil, fmt.Errorf("task %q: want %s", spec, Names)
		}
		t, err := SHJ(typ)
		if err != nil {
			return nil, fmt.Errorf("task %q: %w", spec, err)
		}
		return []*Task{t}, nil
	case spec == "new-stimuli" || spec == "new_stimuli":
		return []*Task{NewStimuli()}, nil
	case spec == "krus96-training" || spec == "krus96_training":
		return []*Task{Krus96Training()}, nil
	case strings.HasSuffix(strings.ToLower(spec), ".csv"):
		t, err := ReadCSV(spec)
		if err != nil {
			return nil, err
		}
		return []*Task{t}, nil
	}
	return nil, fmt.Errorf("unknown task %q: want %s", spec, Names)
}

// Repeat returns t with every item listed k times in a row of copies
// (items 0..n−1, then the same items again, …), for blocks in which each
// item is presented k times, as Nosofsky et al. (1994) and catlearn's SHJ
// simulations do (k = 2: 16-trial blocks of the 8 SHJ items).
func Repeat(t *Task, k int) *Task {
	if k <= 1 {
		return t
	}
	r := *t
	r.Items = make([]Item, 0, k*len(t.Items))
	for range k {
		r.Items = append(r.Items, t.Items...)
	}
	return &r
}
