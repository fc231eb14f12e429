// Package estimate fits a model's parameters to human learning curves:
// given a fit spec (a model, a config holding the fixed parameters, free
// parameters with bounds, a data set of condition,block,p_error and a
// loss), it searches the bounded parameter space with a coarse grid and
// multi-start Nelder–Mead (gonum/optimize, on logistic-transformed
// coordinates), every evaluation averaging a fixed number of simulated
// subjects per condition with common random numbers (one random_seed for
// every evaluation), and records every evaluation so that a fit can be
// audited and resumed.
//
// The loss is catlearn's ssecl (Wills et al. 2017, the sum over every
// condition and block of the squared difference between the model's and
// the humans' mean probability of error) or its root mean square; for the
// six SHJ problems the ordinal adequacy of Shepard, Hovland & Jenkins
// (1961) — mean errors I < II < {III, IV, V} < VI — can be reported,
// added as a penalty or required. Fitting category-learning models to
// Nosofsky et al.'s (1994) replication this way is the practice of
// catlearn's nosof94 simulations and of Love, Medin & Gureckis (2004,
// Psychological Review 111, 309–332).
package estimate
