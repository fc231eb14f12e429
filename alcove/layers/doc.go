// Package layers holds the layers of ALCOVE, each a forward pass over
// buffers allocated once and, where ALCOVE learns through it, a
// hand-written backward pass, so that a trial allocates nothing.
//
// ALCOVE's learning rule (Kruschke 1992) is gradient descent on the
// humble-teacher error E = ½ Σ_k (t_k − a_k)², so each learning layer's
// backward pass is the chain rule of that error: the teacher's error gives
// ∂E/∂a_out, the association layer gives ∂E/∂w and ∂E/∂a_hid, and the
// hidden layer gives ∂E/∂α. The decision rules turn output activations
// into response probabilities and are not learned through.
//
// Every pass computes in the order catlearn's slpALCOVE does (sums over
// dimensions and nodes in index order, the same grouping of products), so
// that the model reproduces catlearn's trials to the last bits where the
// elementary functions agree.
//
// The layers work on row-major []float64: H hidden nodes, D stimulus
// dimensions, C output (category) nodes.
package layers
