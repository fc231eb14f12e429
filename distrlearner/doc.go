// Package distrlearner holds the distribution learners of the
// thinking-fast-and-slow project (Luo, Mok & Love's dual-stream account of
// concept learning: a fast, hippocampus-like learner beside a slow deep
// network), re-implemented in float64 as fast streams of the toolkit.
//
// A distribution learner has up to N units, each a normal distribution
// over the stimulus space with a mean and one scale per dimension (a
// diagonal covariance); a unit's activation is its density at the
// stimulus, and the logits are the activations of the recruited units
// weighted by association weights. A wrong answer recruits inactive units
// at the stimulus (feedback recruitment, as in SUSTAIN: Love, Medin &
// Gureckis 2004, Psychological Review 111(2), 309–332): one unit for
// distr_learner, int(N·k) units for the multi-unit distr_learner_mu (after
// Mok & Love 2019, Nature Communications 10, 5074). Means, scales and
// weights then take one SGD step on the loss. The model was written by
// R. M. Mok in the original code (github.com/don-tpanic/thinking_fast_and_slow,
// dl_model); the behaviour reproduced here, quirks included, is section 5
// of the project's reference-models document.
//
// Packages: layers (the density and association layers with their
// backward passes), model (the learners; stream.Stream), train (configs
// and the fit command's setup), eval (analyses for summary.json), and
// cmd/fit (the command).
package distrlearner
