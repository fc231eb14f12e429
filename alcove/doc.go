// Package alcove is ALCOVE, the attention learning covering map of
// Kruschke (1992, "ALCOVE: An exemplar-based connectionist model of
// category learning", Psychological Review 99(1), 22–44), as the R package
// catlearn implements it (slpALCOVE; Wills et al., repository
// ajwills72/catlearn, version 1.1), with the background-noise decision rule
// and attention constraint of Nosofsky, Gluck, Palmeri, McKinley &
// Glauthier (1994, "Comparing models of rule-based classification
// learning: A replication and extension of Shepard, Hovland, and Jenkins
// (1961)", Memory & Cognition 22(3), 352–369). It is one of the field's
// standard models of category learning, here beside the toolkit's
// hippocampus-like learners and usable as the fast stream of the dual
// stream.
//
// Hidden node j sits at a fixed position h_j (by default on each distinct
// training stimulus: exemplar ALCOVE). Its activation falls with the
// attention-weighted distance to the stimulus x,
//
//	a_j = exp(−c·(Σ_i α_i |h_ji − x_i|^r)^(q/r)),
//
// the output nodes (one per category) sum the hidden activations through
// association weights, a_k = Σ_j w_kj a_j, and a decision rule turns them
// into response probabilities: the exponential ratio rule
// P(k) ∝ exp(φ·a_k), or the background-noise rule
// P(k) = (max(a_k, 0) + φ)/Σ_k'(max(a_k', 0) + φ). Learning is gradient
// descent on the humble teacher's error E = ½Σ_k (t_k − a_k)², whose
// teacher is 1 for the correct category and absval (−1, or 0) for the
// others, and does not punish an output beyond its teacher:
// Δw_kj = λ_w (t_k − a_k) a_j and Δα_i = −λ_α ∂E/∂α_i, both from the state
// before the trial; attention strengths are clipped at 0, and with the
// attention constraint the changes are centred and the strengths
// renormalised to sum 1.
//
// As a stream (stream.Stream), Forward returns logits whose softmax is the
// model's response probability: φ·a_k under the exponential ratio rule,
// log P(k) under the background-noise rule (which has no softmax form).
// Learn applies ALCOVE's own rule from the trial's correct category
// (t.Label) and ignores the loss gradient it is handed: in a dual stream
// the slow stream learns from the gradient of the summed logits' loss
// while ALCOVE keeps its own rule. ALCOVE recruits nothing (Recruited is
// false); Active is the number of hidden nodes. Its state is three named
// arrays: hidden [H,D] (the node positions, catlearn's h transposed),
// attention [D] (α) and weights [C,H] (w).
//
// The model reproduces catlearn trial by trial, including its quirks:
//
//   - the attention change is Kruschke's Eq. 6, the derivative for r = q =
//     1, whatever r and q (catlearn's unit test uses r = 2); the option
//     attention_rule = "gradient" (our extension) uses the exact gradient;
//   - under the background-noise rule the outputs are clipped at 0 in
//     place, so the teacher and the error of the trial see the clipped
//     outputs too (catlearn's Rcpp vector is a shallow copy);
//   - the exponential ratio is computed without subtracting the maximum;
//   - with the constraint, the changes are centred over every dimension,
//     missing ones included (a NaN feature is a missing dimension,
//     catlearn's m flag: it is left out of the distances and gets no
//     change of its own).
//
// The packages:
//
//   - layers: the hidden nodes, the association layer, the two decision
//     rules and the teacher, each learning layer with a hand-written
//     backward pass checked against finite differences;
//   - model: the model, a stream.Stream;
//   - train: the config (catlearn's names as TOML keys), its default
//     (Nosofsky et al.'s 1994 fit, catlearn's nosof94bnalcove) and the
//     wiring of the shared fit command; Keys for a dual stream's
//     fast_config table;
//   - eval: the SSE of the six SHJ curves against Nosofsky et al.'s human
//     curves (catlearn's ssecl) and the mean final attention;
//   - cmd/fit: the command (go run ./alcove/cmd/fit).
//
// catlearn's own training lists (R's set.seed and sample) are the
// kernel's: stream/catlearn, over stream/rrand.
package alcove
