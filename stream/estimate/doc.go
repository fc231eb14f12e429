// Package estimate fits parameters by minimising an objective: a function
// that runs a batch of parameter values (each with a seed and a number of
// simulated subjects) and returns their losses. It searches the bounded
// space with a coarse grid and multi-start Nelder–Mead (gonum/optimize,
// on logistic-transformed coordinates, restarted while that helps),
// repeats the search at every value of discrete parameters (a number of
// units, say), evaluates the best point at further seeds to measure the
// noise of its loss, and records every evaluation in a trace, so that a
// fit can be audited and a killed one resumes and ends exactly as an
// uninterrupted one.
//
// Every evaluation of the search uses the same seed (common random
// numbers): the loss is a deterministic function of the parameters, so
// Nelder–Mead does not chase noise. The package knows no model: fitting a
// model's learning curves to human data from a TOML fit spec (the
// conditions, the aggregation of blocks, catlearn's ssecl loss, the SHJ
// ordinal adequacy) is cmd/internal/fitspec's, whose objective is one
// Objective; a Go caller writes its own (see the example).
package estimate
