// Package fitspec is the fit command's layer over stream/estimate: a fit
// spec (a model, a config holding the fixed parameters, free parameters
// with bounds or lists of values, a data set of condition,block,p_error,
// a loss) is checked against its model and data and becomes an
// estimate.Problem whose objective runs the model's configs at the
// parameter values and scores their learning curves against the data;
// it writes the fit's results folder.
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
package fitspec
