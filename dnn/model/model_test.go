package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/seed"

	"github.com/fastslow/stream/fdcheck"
)

// gradTol is the developer guide's bound on the relative error of a
// hand-written gradient against central differences.
const gradTol = 1e-6

// gradCheck compares gradients with central differences at the balanced
// step ε^(1/3)·max(1, |p|) ≈ 6e-6 (truncation and round-off both near
// 1e-11 relative). A gradient below its floor of 1e-4 is held to an
// absolute error of 1e-10 instead: round-off of a loss of order 1 gives
// the differences about that much absolute noise, so a smaller gradient
// cannot be checked to 1e-6 relative.
var gradCheck = fdcheck.Checker{Method: fdcheck.Balanced, Floor: 1e-4}

func randomTrial(rng *rand.Rand, in, out int) *stream.Trial {
	x := make([]float64, in)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	y := make([]float64, out)
	label := rng.IntN(out)
	y[label] = 1
	return &stream.Trial{X: x, Target: y, Label: label}
}

// TestNetworkGradient checks the whole network's backward pass (all
// weights and biases, through ReLU and dropout with a fixed mask) against
// central differences of the kernel's losses.
func TestNetworkGradient(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Params
		lf   loss.Func
	}{
		{"config1", config1, loss.BCELogits{}},
		{"config1 crossentropy", config1, loss.CrossEntropy{}},
		{"config1 dropout", Params{InputSize: 3, OutputSize: 2, NUnits: 25, Depth: 3, ActFunc: "relu", LR: 0.1, Dropout: 0.3}, loss.BCELogits{}},
		{"depth0", Params{InputSize: 2, OutputSize: 2, Depth: 0, ActFunc: "relu"}, loss.BCELogits{}},
		{"depth1", Params{InputSize: 2, OutputSize: 2, NUnits: 6, Depth: 1, ActFunc: "relu", Dropout: 0.5}, loss.BCELogits{}},
		{"depth5 dropout", Params{InputSize: 4, OutputSize: 3, NUnits: 9, Depth: 5, ActFunc: "relu", Dropout: 0.2}, loss.CrossEntropy{}},
		{"wide", Params{InputSize: 2, OutputSize: 2, NUnits: 64, Depth: 2, ActFunc: "relu", Dropout: 0.5}, loss.BCELogits{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := New(tc.cfg, seed.For(7, 3))
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(11, 12))
			for trial := range 3 {
				tr := randomTrial(rng, tc.cfg.InputSize, tc.cfg.OutputSize)
				net.frozen = false
				z := net.Forward(tr) // draws the masks of this trial
				net.frozen = true
				dz := make([]float64, len(z))
				tc.lf.Eval(z, tr.Target, dz)
				net.backward(dz)
				grad := append([]float64(nil), net.grads...)

				f := func() float64 { return tc.lf.Eval(net.Forward(tr), tr.Target, nil) }
				worst, at := gradCheck.Worst(f, net.params, grad)
				t.Logf("trial %d: worst relative error %.2g (parameter %d of %d)", trial, worst, at, len(net.params))
				assert.LessOrEqualf(t, worst, gradTol, "trial %d: worst relative error at parameter %d", trial, at)

				if tc.cfg.Dropout > 0 && tc.cfg.Depth >= 2 {
					dropped := 0
					for _, m := range net.drop[1].Mask {
						if m == 0 {
							dropped++
						}
					}
					assert.Positive(t, dropped, "a dropout mask of %d units with rate %v dropped nothing", len(net.drop[1].Mask), tc.cfg.Dropout)
				}
				// Move on, so that later trials check other weights.
				net.frozen = false
				net.Learn(tr, dz)
			}
		})
	}
}

// TestDropoutPlacement checks where dropout acts: with rate 1 every
// hidden layer from the second on is zeroed, so the logits are the output
// layer's bias; the first hidden layer never drops (the original applies
// dropout for layer index > 0 only).
func TestDropoutPlacement(t *testing.T) {
	cfg := config1
	cfg.Dropout = 1
	net, err := New(cfg, seed.For(1, 0))
	require.NoError(t, err)
	tr := &stream.Trial{X: []float64{1, 0, 1}, Target: []float64{1, 0}}
	z := net.Forward(tr)
	assert.Equal(t, net.layers[3].B, z)
	nonzero := 0
	for _, v := range net.act[0] {
		if v != 0 {
			nonzero++
		}
	}
	assert.Positive(t, nonzero, "the first hidden layer must not drop")

	// Depth 1: the only hidden layer is the first, so no dropout at all.
	cfg = Params{InputSize: 3, OutputSize: 2, NUnits: 5, Depth: 1, ActFunc: "relu", Dropout: 1}
	net, err = New(cfg, seed.For(1, 0))
	require.NoError(t, err)
	z = net.Forward(tr)
	assert.NotEqual(t, net.layers[1].B, z)
}

func TestSGDMomentum(t *testing.T) {
	// Two steps on a 1→1 linear network: p₁ = p₀ − lr g₀,
	// p₂ = p₁ − lr (m g₀ + g₁), with g = dz·x for the weight.
	cfg := Params{InputSize: 1, OutputSize: 1, Depth: 0, ActFunc: "relu", LR: 0.5, Momentum: 0.3}
	net, err := New(cfg, seed.For(1, 0))
	require.NoError(t, err)
	require.NoError(t, net.SetState(map[string]stream.Array{
		"layers.0.weight": {Name: "layers.0.weight", Shape: []int{1, 1}, Data: []float64{2}},
		"layers.0.bias":   {Name: "layers.0.bias", Shape: []int{1}, Data: []float64{1}},
	}))
	tr := &stream.Trial{X: []float64{3}}
	net.Forward(tr)
	net.Learn(tr, []float64{0.25}) // g₀ = (0.75, 0.25)
	assert.Equal(t, []float64{2 - 0.5*0.75, 1 - 0.5*0.25}, net.params)
	net.Forward(tr)
	net.Learn(tr, []float64{-1}) // g₁ = (−3, −1)
	assert.InDeltaSlice(t, []float64{2 - 0.5*0.75 - 0.5*(0.3*0.75-3), 1 - 0.5*0.25 - 0.5*(0.3*0.25-1)}, net.params, 1e-15)
}

func TestInit(t *testing.T) {
	a, err := New(config1, seed.For(999, 0))
	require.NoError(t, err)
	b, err := New(config1, seed.For(999, 0))
	require.NoError(t, err)
	c, err := New(config1, seed.For(999, 1))
	require.NoError(t, err)
	assert.Equal(t, a.params, b.params, "the same run must start from the same weights")
	assert.NotEqual(t, a.params, c.params, "different runs must start from different weights")
	assert.Len(t, a.params, 3*25+25+2*(25*25+25)+25*2+2)
	assert.Nil(t, a.rng, "no dropout generator without dropout")

	// PyTorch's default: U(−1/√fan_in, 1/√fan_in) for weights and biases;
	// check the bound and that the draws fill it (a variance of bound²/3).
	for i, l := range a.layers {
		bound := 1 / math.Sqrt(float64(l.In))
		var ss float64
		vals := append(append([]float64(nil), l.W...), l.B...)
		for _, v := range vals {
			require.Less(t, math.Abs(v), bound, "layer %d", i)
			ss += v * v
		}
		if len(vals) > 100 {
			v := ss / float64(len(vals))
			se := bound * bound * math.Sqrt(4.0/45/float64(len(vals))) // sd of x² for x ~ U(−b, b), over √n
			assert.InDelta(t, bound*bound/3, v, 5*se, "layer %d variance", i)
		}
	}
}

// TestDropoutReproducible checks that with dropout two networks of the
// same run follow the same trajectory, and another run a different one.
func TestDropoutReproducible(t *testing.T) {
	cfg := config1
	cfg.Dropout = 0.4
	cfg.LR = 0.5
	trajectory := func(run int) []float64 {
		net, err := New(cfg, seed.For(5, run))
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(1, 1))
		var zs []float64
		dz := make([]float64, 2)
		for range 50 {
			tr := randomTrial(rng, 3, 2)
			z := net.Forward(tr)
			zs = append(zs, z...)
			loss.BCELogits{}.Eval(z, tr.Target, dz)
			net.Learn(tr, dz)
		}
		return zs
	}
	assert.Equal(t, trajectory(0), trajectory(0))
	assert.NotEqual(t, trajectory(0), trajectory(1))
}

func TestParamsCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Params)
		want   string
	}{
		{"ok", func(*Params) {}, ""},
		{"input", func(c *Params) { c.InputSize = 0 }, "input_size = 0"},
		{"output", func(c *Params) { c.OutputSize = -1 }, "output_size = -1"},
		{"depth", func(c *Params) { c.Depth = -1 }, "networks_depth = -1"},
		{"units", func(c *Params) { c.NUnits = 0 }, "n_units = 0"},
		{"units unused at depth 0", func(c *Params) { c.NUnits, c.Depth = 0, 0 }, ""},
		{"act", func(c *Params) { c.ActFunc = "tanh" }, `act_func = "tanh"`},
		{"lr", func(c *Params) { c.LR = math.NaN() }, "lr_dnn = NaN"},
		{"lr negative", func(c *Params) { c.LR = -1 }, "lr_dnn = -1"},
		{"mom", func(c *Params) { c.Momentum = math.Inf(1) }, "mom = +Inf"},
		{"dropout", func(c *Params) { c.Dropout = 1.5 }, "dropout = 1.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := config1
			tc.change(&c)
			_, err := New(c, seed.For(1, 0))
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestStateRoundTrip(t *testing.T) {
	a, err := New(config1, seed.For(1, 0))
	require.NoError(t, err)
	b, err := New(config1, seed.For(1, 1))
	require.NoError(t, err)
	st := a.State()
	require.Equal(t, a.Names(), names(st))
	assert.Equal(t, []int{25, 3}, st[0].Shape, "weights are stored [out, in]")
	assert.Equal(t, []int{25}, st[1].Shape)
	assert.Equal(t, []int{2, 25}, st[6].Shape)

	// Through an .npz file, as a checkpoint travels.
	path := t.TempDir() + "/a.npz"
	require.NoError(t, npz.Write(path, st))
	read, err := npz.Read(path)
	require.NoError(t, err)
	require.NoError(t, b.SetState(read))
	assert.Equal(t, a.params, b.params)

	st[0].Data[0] = 42 // State returns a copy
	assert.NotEqual(t, 42.0, a.params[0])
}

func names(st []stream.Array) []string {
	var n []string
	for _, a := range st {
		n = append(n, a.Name)
	}
	return n
}

// TestSetStateErrors checks that a bad checkpoint is refused with an
// error naming the array and the problem, and leaves the network as it was.
func TestSetStateErrors(t *testing.T) {
	good, err := npz.Read("../testdata/dnn_shj_type1_run0_init.npz")
	require.NoError(t, err)
	clone := func() map[string]stream.Array {
		m := make(map[string]stream.Array, len(good))
		for k, a := range good {
			a.Data = append([]float64(nil), a.Data...)
			a.Shape = append([]int(nil), a.Shape...)
			m[k] = a
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		cfg    Params
		change func(map[string]stream.Array)
		want   []string
	}{
		{"good", config1, func(map[string]stream.Array) {}, nil},
		{"missing bias", config1, func(m map[string]stream.Array) { delete(m, "layers.2.bias") },
			[]string{`missing array "layers.2.bias"`, "[25]"}},
		{"missing layer", config1, func(m map[string]stream.Array) {
			delete(m, "layers.3.weight")
			delete(m, "layers.3.bias")
		}, []string{`"layers.3.weight"`, `"layers.3.bias"`}},
		{"NaN", config1, func(m map[string]stream.Array) { m["layers.1.weight"].Data[17] = math.NaN() },
			[]string{`"layers.1.weight"`, "value 17 is NaN"}},
		{"Inf", config1, func(m map[string]stream.Array) { m["layers.0.bias"].Data[0] = math.Inf(-1) },
			[]string{`"layers.0.bias"`, "-Inf"}},
		{"transposed weight", config1, func(m map[string]stream.Array) {
			a := m["layers.0.weight"]
			a.Shape = []int{3, 25}
			m["layers.0.weight"] = a
		}, []string{`"layers.0.weight" has shape [3 25], want [25 3]`}},
		{"wider network", Params{InputSize: 3, OutputSize: 2, NUnits: 30, Depth: 3, ActFunc: "relu"}, func(map[string]stream.Array) {},
			[]string{"[3 30 30 30 2] network", `"layers.0.weight" has shape [25 3], want [30 3]`}},
		{"deeper network", Params{InputSize: 3, OutputSize: 2, NUnits: 25, Depth: 4, ActFunc: "relu"}, func(map[string]stream.Array) {},
			[]string{`"layers.4.weight"`, `"layers.3.weight" has shape [2 25], want [25 25]`}},
		{"shallower network", Params{InputSize: 3, OutputSize: 2, NUnits: 25, Depth: 2, ActFunc: "relu"}, func(map[string]stream.Array) {},
			[]string{"unexpected arrays", "layers.3.weight"}},
		{"2-D input", Params{InputSize: 2, OutputSize: 2, NUnits: 25, Depth: 3, ActFunc: "relu"}, func(map[string]stream.Array) {},
			[]string{`"layers.0.weight" has shape [25 3], want [25 2]`}},
		{"dual-stream prefix", config1, func(m map[string]stream.Array) {
			a := m["layers.0.bias"]
			delete(m, "layers.0.bias")
			a.Name = "SlowModel.layers.0.bias"
			m[a.Name] = a
		}, []string{"unexpected arrays [SlowModel.layers.0.bias]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := New(tc.cfg, seed.For(1, 0))
			require.NoError(t, err)
			before := append([]float64(nil), net.params...)
			st := clone()
			tc.change(st)
			err = net.SetState(st)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, good["layers.3.bias"].Data, net.layers[3].B)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Equal(t, before, net.params, "a refused state must leave the network unchanged")
		})
	}
}

// TestStreamContract checks the parts of stream.Stream a network answers
// trivially: it recruits nothing and has no active units.
func TestStreamContract(t *testing.T) {
	net, err := New(config1, seed.For(1, 0))
	require.NoError(t, err)
	net.Forward(&stream.Trial{X: []float64{0, 1, 0}})
	assert.False(t, net.Recruited())
	assert.Zero(t, net.Active())
	assert.Equal(t, config1, net.Params())
	assert.Equal(t, fmt.Sprint([]int{3, 25, 25, 25, 2}), fmt.Sprint(config1.Sizes()))
}

// TestLearnIsSGDOnTheGradient checks that Learn, which adds the gradient
// straight into the momentum buffer, takes bit for bit PyTorch's step on
// the gradient that the gradient check verified: v = ∇ on the first step,
// then v = m·v + ∇, and p −= lr·v in one fused multiply-add (torch's
// p.add_(v, alpha=−lr) on the CPU).
func TestLearnIsSGDOnTheGradient(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Params
	}{
		{"config1", config1},
		{"no momentum", func() Params { c := config1; c.Momentum = 0; c.LR = 0.5; return c }()},
		{"dropout", func() Params { c := config1; c.Dropout = 0.3; c.LR = 0.2; c.Momentum = 0.9; return c }()},
		{"depth5", Params{InputSize: 4, OutputSize: 3, NUnits: 7, Depth: 5, ActFunc: "relu", LR: 0.3, Momentum: 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := New(tc.cfg, seed.For(3, 1))
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(5, 6))
			want := append([]float64(nil), net.params...)
			vel := make([]float64, len(want))
			for step := range 20 {
				tr := randomTrial(rng, tc.cfg.InputSize, tc.cfg.OutputSize)
				z := net.Forward(tr)
				dz := make([]float64, len(z))
				loss.BCELogits{}.Eval(z, tr.Target, dz)
				net.backward(dz)
				for i, g := range net.grads {
					// The conversions round every product, as PyTorch does.
					if step == 0 {
						vel[i] = g
					} else {
						vel[i] = float64(tc.cfg.Momentum*vel[i]) + g
					}
					want[i] = math.FMA(-tc.cfg.LR, vel[i], want[i])
				}
				net.Learn(tr, dz)
				if runtime.GOARCH == "amd64" {
					require.Equal(t, want, net.params, "step %d", step)
				} else {
					// Without gonum's assembly the compiler may fuse a
					// product and a sum: a last-bit difference per step.
					require.InDeltaSlice(t, want, net.params, 1e-14, "step %d", step)
				}
			}
		})
	}
}

// TestLoadsPyTorchExport loads a network PyTorch saved in float32
// (np.savez of state_dict values, no .double()) and checks its logits on
// the eight SHJ stimuli against PyTorch's own, computed in float64 on the
// same (widened) weights.
func TestLoadsPyTorchExport(t *testing.T) {
	st, err := npz.Read("../testdata/torch_float32_export.npz")
	require.NoError(t, err)
	net, err := New(config1, seed.For(1, 0))
	require.NoError(t, err)
	require.NoError(t, net.SetState(st))
	want := readLogits(t, "../testdata/torch_float32_export_logits.csv")
	for k := range 8 {
		x := []float64{float64(k >> 2 & 1), float64(k >> 1 & 1), float64(k & 1)}
		z := net.Forward(&stream.Trial{X: x})
		// Both sides are float64 on identical weights; only the order of
		// summation differs (a few ulps of values about 0.1).
		assert.InDeltaSlice(t, want[k], z, 1e-15, "item %d", k)
	}
}

func readLogits(t *testing.T, path string) [][]float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out [][]float64
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, ",")
		require.Len(t, f, 3, path)
		z0, err := strconv.ParseFloat(f[1], 64)
		require.NoError(t, err)
		z1, err := strconv.ParseFloat(f[2], 64)
		require.NoError(t, err)
		out = append(out, []float64{z0, z1})
	}
	return out
}

// TestPredictIsEvalMode checks that with dropout a frozen trial is
// answered as PyTorch's eval mode answers it: the same logits at every
// call, those of the same weights without dropout, with the state and
// the dropout generator left as they were, so that training after test
// trials follows the trajectory it follows without them.
func TestPredictIsEvalMode(t *testing.T) {
	cfg := config1
	cfg.Dropout = 0.5
	cfg.LR = 0.5
	plain := cfg
	plain.Dropout = 0
	for _, c := range []struct {
		name string
		open func(Params, seed.Source) (stream.Stream, error)
	}{
		{"float64", func(c Params, s seed.Source) (stream.Stream, error) { return New(c, s) }},
		{"float32", func(c Params, s seed.Source) (stream.Stream, error) { return New32(c, s) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			train := func(net stream.Stream, rng *rand.Rand, n int, probe *stream.Trial) (zs, ps []float64) {
				dz := make([]float64, 2)
				for range n {
					tr := randomTrial(rng, 3, 2)
					z := net.Forward(tr)
					zs = append(zs, z...)
					loss.BCELogits{}.Eval(z, tr.Target, dz)
					net.Learn(tr, dz)
					if probe != nil {
						ps = append(ps, net.(stream.Predictor).Predict(probe)...)
					}
				}
				return zs, ps
			}
			probe := &stream.Trial{X: []float64{1, 0, 1}}
			net, err := c.open(cfg, seed.For(3, 0))
			require.NoError(t, err)
			withTests, _ := train(net, rand.New(rand.NewPCG(2, 2)), 30, probe)
			ref, err := c.open(cfg, seed.For(3, 0))
			require.NoError(t, err)
			without, _ := train(ref, rand.New(rand.NewPCG(2, 2)), 30, nil)
			assert.Equal(t, without, withTests, "test trials changed the training trajectory")

			// Dropout is on in Forward: two answers to one trial differ.
			z1 := append([]float64(nil), net.Forward(probe)...)
			assert.NotEqual(t, z1, net.Forward(probe), "Forward draws no fresh masks")

			before := stream.StateMap(net.State())
			p := net.(stream.Predictor)
			first := append([]float64(nil), p.Predict(probe)...)
			for range 5 {
				assert.Equal(t, first, p.Predict(probe))
			}
			assert.Equal(t, before, stream.StateMap(net.State()), "Predict changed the state")

			eval, err := c.open(plain, seed.For(3, 0))
			require.NoError(t, err)
			require.NoError(t, eval.SetState(before))
			assert.Equal(t, eval.Forward(probe), first, "Predict is not the network without dropout")
		})
	}
}
