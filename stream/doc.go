// Package stream holds the contract that every learner of the toolkit
// satisfies, so that one trial loop, one loss and one dual-stream
// composition serve every model.
//
// A trial runs in three steps, whatever the model:
//
//	z := s.Forward(t)        // may recruit units first, on the stream's own logits
//	L := lossFn.Eval(z, y, dz) // the kernel's loss: value and ∂L/∂z
//	s.Learn(t, dz)           // the stream's own SGD step from dz, then its local rules
//
// In the dual stream (Fast and Slow, after the thinking-fast-and-slow
// project of Luo & Love) only the middle step changes: the loss is taken on
// the sum of both streams' logits and both receive the same ∂L/∂z. A test
// trial, with learning frozen, is one step: Predict (Predictor), which
// responds without recruiting or learning and changes no state.
//
// The sub-packages hold what every stream needs once: tasks and stimuli
// (task), trial orders (schedule), losses (loss), per-run random number
// generators (seed), SGD parameter groups (sgd), checkpoints as numpy .npz
// files (npz), the trial loop over runs and blocks (run), curves and their
// areas (curve), strict TOML configs (config), result files and plots
// (output), the dual stream that sums a fast and a slow stream (dual), the
// command line shared by every model's fit command (fit), the originals'
// powers bit for bit (power), R's random numbers (rrand) and catlearn's
// training lists drawn with them (catlearn), torch.topk's choice among
// tied values (topk), tasks given as trial lists with test phases
// (triallist) and the field's benchmark phenomena as such lists
// (cirp). For the models' tests it holds the finite-difference
// checks of hand-written gradients (fdcheck) and the shared test helpers
// (fixture: CSV fixtures, golden files, config edits, CPU time, the
// whole-fit benchmark).
package stream
