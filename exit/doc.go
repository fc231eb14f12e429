// Package exit is EXIT, Kruschke's (2001, "The inverse base-rate effect is
// not explained by eliminative inference", JEP: Learning, Memory, and
// Cognition 27(6), 1385–1400) exemplar-based model of attention shifts
// that are learned, as the R package catlearn implements it (slpEXIT;
// Wills et al., repository ajwills72/catlearn, version 1.1). It explains
// the inverse base-rate effect (Kruschke 1996): after learning that I+PC
// signals a common disease and I+PR a rare one, people diagnose the
// conflicting PC+PR as the rare disease, because attention has learned to
// shift away from the cue I towards the rare disease's distinctive cue.
//
// Input node i has activation a_i (1 if cue i is present, 0 if absent).
// Exemplar node j, at the cue pattern e_j, has activation
// a_j = exp(−c·Σ_i σ_i |e_ji − a_i|), with σ_i the salience of cue i. The
// gain of cue i is g_i = a_i·σ_i·exp(Σ_j u_ji a_j), with u the
// exemplar-to-gain weights, and its attention α_i = g_i/(Σ_k g_k^P)^(1/P).
// The output node of category k has activation o_k = Σ_i w_ki α_i and the
// response probabilities are P(k) ∝ exp(φ·o_k). On a learning trial the
// gains first shift, in a fixed number of steps, down the gradient of the
// error E = ½ Σ_k (t_k − o_k)² (rate λ_g, clipped at 0); then the
// association weights learn from the shifted attention,
// Δw_ki = λ_w (t_k − o_k) α_i, and the exemplar-to-gain weights learn to
// produce the shifted gains, Δu_ji = λ_x (g_i − g_i⁰)·e_ji·a_j·g_i⁰, g⁰
// being the gains before the shift.
//
// As a stream (stream.Stream), Forward returns the logits φ·o_k, whose
// softmax is the response probability; Learn applies EXIT's own rule from
// the trial's correct category (t.Label; the teacher is 1 for it and
// absval, 0 in catlearn's simulation, for the others) and ignores the
// loss gradient it is handed. EXIT recruits nothing; its state is the
// exemplars [E,D], the exemplar-to-gain weights [E,D] and the association
// weights [C,D].
//
// The model reproduces catlearn trial by trial, including its quirks:
//
//   - the gain shift of a cue is the gradient of E times the cue's
//     presence a_i, so that only present cues' gains move (an absent
//     cue's gain is 0 and stays 0);
//   - where every present cue's gain is 0, the normaliser uses the
//     smallest normal double for each present cue instead of 0^P, but the
//     gain shift's normaliser does not (it is then 0, and the trial
//     diverges);
//   - an exemplar-to-gain sum whose exp overflows gives the largest
//     double instead of +Inf;
//   - the exemplar-to-gain change uses the exemplar's cue pattern e_ji
//     (not the input a_i) and the gains before the shift g_i⁰ as a factor.
//
// The packages:
//
//   - model: the model, a stream.Stream and stream.Predictor, with
//     finite-difference checks of its gain shift and weight change;
//   - sims: catlearn's krus96exit, EXIT on the inverse base-rate effect
//     (stream/cirp's krus96), reproduced trial by trial;
//   - train: the config (catlearn's names as TOML keys), its default
//     (krus96exit's parameters on the training design) and the wiring of
//     the shared fit command; the exemplars are the task's distinct items
//     that have a category, and tasks whose features are not cue
//     presences (0 or 1) are refused;
//   - cmd/fit: the command (go run ./exit/cmd/fit).
package exit
