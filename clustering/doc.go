// Package clustering is the clustering model of the thinking-fast-and-slow
// project (research code don-tpanic/thinking_fast_and_slow, module
// clustering_model, "a PyTorch implementation of sustain_plus"): a fast,
// hippocampus-like concept learner after SUSTAIN (Love, Medin & Gureckis
// 2004, "SUSTAIN: A network model of category learning", Psychological
// Review 111(2), 309–332), here learning the six problems of Shepard,
// Hovland & Jenkins (1961, Psychological Monographs 75(13)), the project's
// two-category "new stimuli", or any two-class task.
//
// A cluster is a point in stimulus space. Its activation falls with its
// attention-weighted distance to the stimulus; the recruited clusters
// compete (a softmax whose "equivalent" temperature makes the output
// h·h^β/Σh^β), a soft winner-take-all sharpens the competition, and the
// winners' association weights give the logits. When the recruited
// clusters do not support the correct answer well enough (their total
// support is below thr) the model recruits a cluster on the stimulus:
// the one whose index is the item's signature, as the original does. Each
// trial takes one SGD step on the centres, the attention and the
// association weights, through every step of the prediction.
//
// The module reproduces the original trial by trial in float64, including
// its quirks (attention that starts at 1/3 whatever the number of
// dimensions, the sum-to-one constraint applied to the stored attention at
// every prediction, two predictions on trials that evaluate support):
//
//   - layers: the dimensional distances, the attention-weighted activation,
//     the cluster softmax (competition and soft winner-take-all) and the
//     association layer, each with a hand-written backward pass;
//   - model: the model, a stream.Stream usable alone or as the fast stream
//     of the dual-stream model, with checkpoints under the original's
//     state_dict names (Distance.weight, DimensionWiseAttnLayer.weight,
//     MaskNonRecruit.weight, ClsLayer.weight);
//   - train: the config (the original's YAML keys in TOML), its default
//     (the original's config1) and the wiring of the shared fit command;
//   - eval: the original's analyses: recruited units per run, the rate of
//     canonical solutions per SHJ type, the mean final attention;
//   - cmd/fit: the command (go run ./clustering/cmd/fit).
package clustering
