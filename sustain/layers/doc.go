// Package layers holds the equations of SUSTAIN (Love, Medin & Gureckis
// 2004) as catlearn's slpSUSTAIN computes them: the padded input coding,
// the distances (Eq. 4), the cluster activations (Eq. 5), the cluster
// competition (Eq. 6), the decision (Eqs. 7–8), the humble teacher
// (Eq. 9) and the three learning rules (Eqs. 12–14).
//
// The learning rules are gradient steps, and each comes with the objective
// it climbs or descends and that objective's hand-written gradient, so
// that tests can check the rules against finite differences: the cluster
// move (Eq. 12) descends ½‖x − p‖², the tuning update (Eq. 13) climbs the
// receptive field λ·e^(−λμ) (Eq. 3), and the weight update (Eq. 14) is the
// delta rule, descending ½Σ(t − C)² with the humble teacher's t held fixed.
//
// Every function works on caller-owned []float64, so a trial allocates
// nothing, and computes in catlearn's order of operations: R's sum() (a
// long double accumulator, see internal/extended) where catlearn sums, and
// explicit float64 conversions where a fused multiply-add would change the
// rounding on architectures that have one.
package layers
