package stream

import (
	"fmt"
	"math"
)

// Trial is one presentation of one item to a learner.
type Trial struct {
	Run   int // run index, from 0
	Block int // block index, from 0 (the original calls a block an epoch)
	Index int // position of the trial within its block, from 0

	Item      int       // index of the item in the task
	Signature int       // the item's signature (its index unless a CSV says otherwise)
	X         []float64 // the stimulus, D values
	Target    []float64 // the one-hot target over the classes
	Label     int       // index of the correct class
}

// First reports whether t is the first trial of its run.
func (t *Trial) First() bool { return t.Block == 0 && t.Index == 0 }

// Stream is a learner that the trial loop and the dual stream drive.
//
// Forward computes the logits of a trial; a fast stream may first recruit
// units, deciding on its own logits. The returned slice is owned by the
// stream and valid until the next call. Forward caches whatever Learn
// needs (activations, winners, the recruited set).
//
// Learn receives ∂L/∂z, the gradient of the loss with respect to the
// logits that Forward returned (in the dual stream: of the loss of the
// summed logits), takes the stream's own SGD step with its own per-group
// learning rates and momentum, and then applies its local rules (a
// multi-unit model's attention rule and unit moves, say). Models whose
// learning is not SGD on the logits read the target from t.
//
// Recruited and Active describe the last trial: whether the recruitment
// step ran on it, and how many units are recruited after it.
//
// State returns a copy of the learner's state as named arrays, named as
// the original PyTorch state_dict names them; SetState loads such a state
// (as read from an .npz checkpoint) and checks every name and shape.
//
// The trial loop and the tools look for optional interfaces beside it:
// Viewer (the state without a copy), Finisher (memory given back after
// the last trial), Releaser (all of it given back once the stream is
// dropped), Composite (parts whose logits add up), Predictor (a
// trial with learning frozen), Failer (a learning step that can fail) and
// Observer (quantities such as attention recorded at every block's end,
// observe.go). Each model package states what it implements with var _
// lines.
type Stream interface {
	Forward(t *Trial) []float64
	Learn(t *Trial, dLogits []float64)
	Recruited() bool
	Active() int
	State() []Array
	SetState(st map[string]Array) error
}

// Viewer is a Stream that can show its state without copying it: View
// returns the arrays State would, its large ones views of the stream's own
// memory, for callers that only read them while the stream is not used
// (the analyses and checkpoints of a finished run). Copying the state of
// every run of a large model costs more than its trials.
type Viewer interface {
	View() []Array
}

// Finisher is a Stream that can give back memory it needs only while it
// learns: the trial loop calls Finish after a run's last trial, and keeps
// the stream for its state (View, State). A stream may still be used after
// Finish (it then rebuilds what it dropped, or runs without it).
type Finisher interface {
	Finish()
}

// Releaser is a Stream that can give all its memory back for the next
// stream of its kind to reuse, instead of fresh memory the system must
// map and clear: a command calls Release once it has written a finished
// run's checkpoint and kept what its analyses read. The stream must not
// be used afterwards; nothing any stream computes depends on the memory
// it reuses.
type Releaser interface {
	Release()
}

// Failer is a Stream whose learning step can fail on its own terms (an
// attention that collapses, say): the trial loop calls Err after every
// Learn and reports a non-nil error as a divergence of the run, naming its
// block and trial. Err is nil while the stream learns normally.
type Failer interface {
	Stream
	Err() error
}

// View returns s's state as a Viewer shows it, or a copy (State) if s is
// not a Viewer. The caller must not modify the arrays.
func View(s Stream) []Array {
	if v, ok := s.(Viewer); ok {
		return v.View()
	}
	return s.State()
}

// Composite is a Stream made of named parts whose logits add up to its
// own, such as the dual stream's fast and slow learners. The trial loop
// records the probability of error and the loss of every part beside the
// total's.
type Composite interface {
	Stream
	// PartNames names the parts, e.g. "fast", "slow".
	PartNames() []string
	// PartLogits returns the parts' logits of the last Forward, in the
	// order of PartNames; the slices are owned by the stream.
	PartLogits() [][]float64
}

// Predictor is a Stream that can respond to a trial with learning frozen
// (catlearn's ctrl = 2, a test trial without feedback): Predict returns
// the logits of t as Forward would, but recruits nothing and leaves the
// state unchanged, so that what State returns after any number of Predict
// calls equals what it returned before. The trial-list runner
// (stream/triallist) uses it; for a stream without it, it calls Forward and
// restores the state the frozen trials started from.
type Predictor interface {
	Stream
	Predict(t *Trial) []float64
}

// Array is a named float64 array in row-major order.
type Array struct {
	Name  string
	Shape []int
	Data  []float64
}

// NewArray returns an array holding a copy of data.
func NewArray(name string, data []float64, shape ...int) Array {
	return Array{Name: name, Shape: shape, Data: append([]float64(nil), data...)}
}

// Take copies the array called name from st into dst, checking that it
// exists, that its shape is shape and that every value is finite.
func Take(st map[string]Array, name string, dst []float64, shape ...int) error {
	a, ok := st[name]
	if !ok {
		return fmt.Errorf("missing array %q (want shape %v)", name, shape)
	}
	if !sameShape(a.Shape, shape) {
		return fmt.Errorf("array %q has shape %v, want %v", name, a.Shape, shape)
	}
	if len(a.Data) != len(dst) {
		return fmt.Errorf("array %q holds %d values, want %d", name, len(a.Data), len(dst))
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("array %q: value %d is %v", name, i, v)
		}
	}
	copy(dst, a.Data)
	return nil
}

// Unknown returns an error naming the arrays of st that are not in known.
func Unknown(st map[string]Array, known ...string) error {
	seen := make(map[string]bool, len(known))
	for _, k := range known {
		seen[k] = true
	}
	var extra []string
	for k := range st {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("unexpected arrays %v (this model has %v)", extra, known)
	}
	return nil
}

func sameShape(a, b []int) bool {
	// A leading or trailing dimension of 1 is accepted either way, as
	// PyTorch stores a [1,D] parameter where a numpy user may write [D].
	a, b = squeeze(a), squeeze(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func squeeze(s []int) []int {
	out := make([]int, 0, len(s))
	for _, v := range s {
		if v != 1 {
			out = append(out, v)
		}
	}
	return out
}

// Prefixed returns the arrays of st whose names start with prefix, with
// the prefix removed: the dual stream hands each part its own state.
func Prefixed(st map[string]Array, prefix string) map[string]Array {
	out := make(map[string]Array)
	for k, a := range st {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			a.Name = k[len(prefix):]
			out[a.Name] = a
		}
	}
	return out
}

// StateMap indexes arrays by name.
func StateMap(arrays []Array) map[string]Array {
	m := make(map[string]Array, len(arrays))
	for _, a := range arrays {
		m[a.Name] = a
	}
	return m
}
