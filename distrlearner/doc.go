// Package distrlearner holds the distribution learners of the
// thinking-fast-and-slow project (Luo & Love's dual-stream account of
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
// weights then take one SGD step on the loss. The model has no paper of
// its own: it is R. M. Mok's dl_model in the project's unpublished,
// work-in-progress code (github.com/don-tpanic/thinking_fast_and_slow);
// the behaviour reproduced here, quirks included, is section 5 of the
// toolkit's reference-models document.
//
// Quirks of the original are kept: the scales are clamped at 1e-6 in the
// state before every forward pass (the gradient is taken at the clamped
// value), the off-diagonal of each unit's Cholesky factor takes an SGD
// step that the next forward pass discards (saved states show it), and a
// multi-unit recruitment drops units whose density underflowed to 0, so a
// stimulus far from every inactive unit recruits nothing (such events are
// counted and reported). Our extensions: the cross-entropy loss and tasks
// with more than two classes (the original has BCE-with-logits and two
// outputs only), and a config key model choosing the learner (the
// original's dl_model/main.py hard-codes distr_learner_mu).
//
// Packages: layers (the density and association layers with their
// backward passes), model (the learners; stream.Stream), train (configs
// and the fit command's setup), eval (analyses for summary.json), and
// cmd/fit (the command); internal/fmath holds the exponential and the
// logarithm of the densities, which round as torch.exp and torch.log do
// (SLEEF's), so that the learners reproduce the original's float64 runs
// bit for bit.
package distrlearner
