package stream

// Observer is a Stream with named quantities worth following over
// training, such as its attention weights: the trial loop records them at
// the end of every block, beside the learning curves, so that a run shows
// how they moved and not only where they ended.
//
// Observables names the quantities and gives their sizes; both are fixed
// for the life of the stream (the loop allocates its records once per
// run). Observe copies the current value of every quantity into dst, one
// slice per quantity in the order of Observables, each of its size. It
// only reads the stream, which must behave the same whether it is
// observed or not, and it allocates nothing.
type Observer interface {
	Observables() []Observable
	Observe(dst [][]float64)
}

// Observable is one quantity an Observer reports: its name, used in the
// results folder's file names ("attention"), and how many values it has.
type Observable struct {
	Name string
	Size int
}

// Observables returns what s reports as an Observer, or nil.
func Observables(s Stream) []Observable {
	if o, ok := s.(Observer); ok {
		return o.Observables()
	}
	return nil
}
