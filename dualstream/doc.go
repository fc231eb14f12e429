// Package dualstream composes a fast learner (hippocampus-like: any of
// the toolkit's fast kinds of stream, models.Kinds) with a slow
// one (the ATL-like deep network) into one learner whose logits are the
// sum of both, after the thinking-fast-and-slow project (Luo & Love, "A
// novel multi-region computational-modelling framework for conceptual
// knowledge learning and consolidation", repository
// don-tpanic/thinking_fast_and_slow).
//
// Each trial the fast stream decides recruitment on its own logits, the
// total logits are the sum, fast, slow and total probabilities of error and
// losses are recorded, and both streams learn from the gradient of the
// total loss with their own learning rates and momentum (the composition
// is the kernel's, package stream/dual). Package train reads the TOML
// configs with the kinds of stream it is given; package models is the
// toolkit's one registry of models and kinds; cmd/main runs a config.
package dualstream
