// Package multiunit is the multi-unit clustering model of Mok & Love
// (2023, "A multilevel account of hippocampal function in spatial and
// concept learning: bridging models of behavior and neural assemblies",
// Science Advances 9(29), eadg6415): a fast, hippocampus-like learner made of
// many units (10,000 by default) scattered in stimulus space, of which the
// 0.5 % most active win each trial and vote for a class through learned
// association weights.
//
// On an error the model recruits fresh units at the stimulus (as many as
// the winners that mispredicted); the association weights learn by
// gradient descent, the attention over stimulus dimensions by a local rule
// that sharpens the winners against the other active units, and the
// winners move towards the stimulus and then towards one another.
//
// The module reproduces the original PyTorch code (the
// don-tpanic/thinking_fast_and_slow repository, multiunit_clustering/)
// trial by trial, including its quirks, in float64:
//
//   - layers: the unit activation and its derivative with respect to the
//     attention, and the association layer and its gradient (the top-k
//     winner selection that breaks ties exactly as torch.topk does is the
//     kernel's stream/topk);
//   - model: the model itself, a stream.Stream usable alone or as the fast
//     stream of the dual-stream model;
//   - train: the config (the original's YAML keys in TOML) and its
//     defaults (the original's config1);
//   - eval: model-specific analyses of finished runs;
//   - cmd/fit: the command that trains it on the six SHJ problems or any
//     other task.
package multiunit
