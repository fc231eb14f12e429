// Package dnn is the slow stream of the dual-stream concept learner: a
// fully connected network of ReLU layers trained trial by trial with SGD
// and momentum, after the thinking-fast-and-slow project of Luo & Love
// (research code don-tpanic/thinking_fast_and_slow, module dnn_model; the
// project has no paper of its own yet), learning the six problems of
// Shepard, Hovland & Jenkins (1961, Psychological Monographs 75(13)) or
// the project's two-category "new stimuli".
//
// The network maps input_size features through networks_depth hidden
// layers of n_units ReLU units to output_size logits; hidden layers 2 and
// beyond apply dropout before their ReLU in training (Forward); a test
// trial with learning frozen (Predict) runs in PyTorch's eval mode, where
// dropout is the identity. Weights start as PyTorch's
// default (U(−1/√fan_in, 1/√fan_in) for weights and biases), drawn from
// the run's own seeded generator so that runs are reproducible, or from a
// checkpoint whose array names are the original's state_dict keys
// (layers.{i}.weight shaped [out, in], layers.{i}.bias).
//
// Checkpoints are .npz files of float64 (or float32) arrays, so a network
// exported from PyTorch with
//
//	np.savez(f, **{k: v.double().numpy() for k, v in sd.items()})
//
// loads as it is. The fit command's -init names the initial state of every
// run: one file for all runs, or per-run files through {t} (the SHJ type,
// or the task's name) and {r} (the run), as in
// -init 'dir/type{t}_run{r}_init.npz'. A file whose arrays are missing,
// misshapen or not finite is refused with an error naming the array.
//
// The network computes in float64 by default. The optional key
// dtype = "float32" (of a dnn config, or of a dual stream's slow_config;
// any other value is refused) makes it compute in float32, the precision
// of the original itself, for speed on the widest networks: its weights
// start as the float64 ones rounded, its states (checkpoints) are still
// float64 arrays, and a state loaded into it is rounded to float32. Its
// learning curves are those of float64 within the run-to-run noise
// (model's TestCurves32), not bit for bit.
//
// The sub-packages hold the layers with their hand-written backward passes
// (layers), the network as a stream.Stream (model), the config and the
// wiring of the shared fit command (train), the comparison of learning
// curves with stored ones (eval) and the fit command itself (cmd/fit).
package dnn
