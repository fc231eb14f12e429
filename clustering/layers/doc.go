// Package layers holds the layers of the clustering model, each a forward
// pass and a hand-written backward pass over buffers allocated once, so that
// a trial allocates nothing.
//
// Every layer computes in the order the original PyTorch layers do, and its
// backward pass follows the chain of operations that autograd differentiates
// (including the quirks: the clip of the distances passes no gradient where it
// bites, and the "equivalent" temperature of the competition is differentiated
// through the temperature itself). A layer keeps whatever its backward pass
// needs from the last forward pass.
//
// The layers work on row-major []float64: K units (clusters), D stimulus
// dimensions, C classes. Forward passes take a list of rows to compute (the
// recruited units, in increasing order); rows that are not listed produce 0,
// which is what the original's mask makes of them.
package layers
