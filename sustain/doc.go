// Package sustain is SUSTAIN, the Supervised and Unsupervised STratified
// Adaptive Incremental Network of Love, Medin & Gureckis (2004, "SUSTAIN:
// A network model of category learning", Psychological Review 111(2),
// 309–332), in supervised mode, computed exactly as the R package catlearn
// computes it (slpSUSTAIN; Wills et al. 2017, "Progress in modeling
// through distributed collaboration", Psychology of Learning and
// Motivation 66, 79–115): the field's reference implementation, here a
// fast stream of the toolkit beside the project's SUSTAIN-like clustering
// model.
//
// Each stimulus dimension is coded by two units, (x, 1 − x) (catlearn's
// padded coding of a binary dimension), followed by the category's label
// units. A cluster is a point over all those units. Its activation is a
// tuning-weighted sum of receptive fields over the stimulus dimensions
// (Eq. 5, focus r); the clusters compete (Eq. 6, beta), only the most
// active one keeps its output, and its weights to the label units give the
// outputs C, which the decision turns into response probabilities
// e^(d·C_k)/Σ e^(d·C) (Eq. 8, consistency d). After responding, a wrong or
// tied answer recruits a new cluster on the item (unless one sits exactly
// there already); then the winner moves towards the item (Eq. 12), the
// tunings sharpen (Eq. 13) and the winner's weights follow the delta rule
// against Kruschke's (1992) humble teacher (Eqs. 9, 14), all with rate
// eta. The trial's extended output (catlearn's xtdo) is the winning
// cluster, its activation and the recognition score (Love & Gureckis 2007,
// Eq. A6).
//
// As a stream.Stream, Forward returns the logits d·C, whose softmax is the
// model's response probability, after deciding and making any recruitment
// (the first trial of a run resets the model to its initial state, placing
// the first cluster on the item); Learn applies SUSTAIN's own learning
// rules from the trial's label and ignores the loss gradient it is given.
// In a dual stream the slow stream therefore learns from the gradient of
// the loss of the summed logits while SUSTAIN keeps its own rules, and its
// responses enter the sum as d·C. Recruited reports a new cluster, Active
// the number of clusters; the state is the arrays clusters [n, 2D+C],
// weights [n, C] (to the label units) and lambda [D], and a state loaded
// with SetState (the fit command's -init) becomes the initial state that
// every reset restores, as catlearn's st$cluster, st$w and st$lambda.
//
// catlearn's behaviour is kept where it departs from the paper or from
// plain float64 arithmetic (catlearn-notes.md quirks 1 and 2, and what
// its code does besides):
//
//   - the weight update of a trial that recruits uses the outputs and the
//     teacher of the response, from the old winner, with the new cluster's
//     output;
//   - the activation's sums, the competition's sum, the recognition score
//     and the decision's sum are R's sum(): a long double accumulator
//     (internal/extended emulates the x87's 64-bit significand), which
//     decides exact ties between symmetrical clusters;
//   - the output C is read from the first most active cluster (which.max)
//     even when ties = "random" made another one the winner, whose output
//     is then the only one left: C = 0, a tie, and a recruitment attempt;
//   - a recruitment due on an item that a cluster already sits on exactly
//     updates that cluster, with its output as competition left it (0 if it
//     did not win);
//   - with more than two classes, the tie that recruits is between the two
//     least active label units, as catlearn compares the first two sorted
//     outputs;
//   - the humble teacher changes only label values of 1 and 0.
//
// Not implemented: unsupervised trials (catlearn's ctrl 3 and 4, with tau
// and maxcat) and nominal dimensions of more than two values. Features
// that are not 0 or 1 are coded as (x, 1 − x) too, so their distance is
// |x − p|. With ties = "random" the tie-breaking generator is the run's
// own, not R's.
//
// The packages: layers (the equations; the learning rules with the
// objectives they are gradient steps on), model (the model and its
// stream.Stream methods), train (the config, the dual stream's Keys, the
// fit command's wiring), eval (the SSE against Nosofsky et al. 1994) and
// cmd/fit (go run ./sustain/cmd/fit).
package sustain
