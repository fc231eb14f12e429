package model

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fdcheck"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// step32 is the central-difference step of the float32 gradient check,
// 2⁻⁹ ≈ 2e-3: the float32 forward pass has round-off near
// ε32·|z| ≈ 6e-8 (a few of them through three layers) in a loss of order
// 1, which a step of 2e-3 turns into ≈ 1e-4 of absolute error in the
// difference quotient, while the truncation error, f‴h²/6, stays near
// 1e-6. A smaller step drowns in round-off, a larger one crosses ReLU
// kinks.
const step32 = 0x1p-9

// gradCheck32 compares with central differences at step32, each
// perturbed parameter rounded to float32 and the quotient divided by the
// step as stored. Gradients below the floor of 0.01 are held to an
// absolute error of gradTol32·0.01 instead: the round-off above.
var gradCheck32 = fdcheck.Checker{Floor: 1e-2, Method: func(f func() float64, theta *float64) float64 {
	v := *theta
	hi, lo := float64(float32(v+step32)), float64(float32(v-step32))
	*theta = hi
	fp := f()
	*theta = lo
	fm := f()
	*theta = v
	return (fp - fm) / (hi - lo)
}}

// gradTol32 bounds the relative error of the float32 network's gradient:
// the ≈ 1e-4 absolute round-off of the quotient over the floor of 1e-2
// is 1e-2 (measured: at most 6e-4 on these networks), and a wrong
// gradient (a missing term, a sign, a factor) is off by its own order,
// far above it.
const gradTol32 = 1e-2

// TestNetworkGradient32 checks the float32 network's backward pass
// against central differences of its own float32 forward pass.
func TestNetworkGradient32(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Params
		lf   loss.Func
	}{
		{"config1", config1, loss.BCELogits{}},
		{"config1 dropout crossentropy", Params{InputSize: 3, OutputSize: 2, NUnits: 25, Depth: 3, ActFunc: "relu", LR: 0.1, Dropout: 0.3}, loss.CrossEntropy{}},
		{"depth0", Params{InputSize: 2, OutputSize: 2, Depth: 0, ActFunc: "relu"}, loss.BCELogits{}},
		{"depth5 dropout", Params{InputSize: 4, OutputSize: 3, NUnits: 9, Depth: 5, ActFunc: "relu", Dropout: 0.2}, loss.CrossEntropy{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := New32(tc.cfg, seed.For(7, 3))
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(11, 12))
			p64 := make([]float64, len(net.params))
			for trial := range 3 {
				tr := randomTrial(rng, tc.cfg.InputSize, tc.cfg.OutputSize)
				net.frozen = false
				z := net.Forward(tr)
				net.frozen = true
				dz := make([]float64, len(z))
				tc.lf.Eval(z, tr.Target, dz)
				net.backward(dz)
				grad := make([]float64, len(net.grads))
				convert(grad, net.grads)
				convert(p64, net.params)
				// A difference across a ReLU's kink is no derivative: a
				// parameter whose θ ± h switches any hidden unit on or off
				// is skipped (and counted).
				pattern := func() (on []bool) {
					for _, a := range net.act[:len(net.act)-1] {
						for _, v := range a {
							on = append(on, v > 0)
						}
					}
					return on
				}
				base := pattern()
				kinked := false
				f := func() float64 {
					convert(net.params, p64)
					l := tc.lf.Eval(net.Forward(tr), tr.Target, nil)
					kinked = kinked || !slices.Equal(pattern(), base)
					return l
				}
				worst, at, skipped := 0.0, -1, 0
				for i := range p64 {
					kinked = false
					n := gradCheck32.Method(f, &p64[i])
					if kinked {
						skipped++
						continue
					}
					if e := gradCheck32.RelErr(grad[i], n); !(e <= worst) {
						worst, at = e, i
					}
				}
				convert(net.params, p64)
				t.Logf("trial %d: worst relative error %.2g (parameter %d of %d; %d skipped at a kink)", trial, worst, at, len(p64), skipped)
				assert.LessOrEqualf(t, worst, gradTol32, "trial %d: worst relative error at parameter %d", trial, at)
				assert.LessOrEqual(t, skipped, len(p64)/20, "trial %d: too many parameters at a kink to check the rest", trial)
				net.frozen = false
				net.Learn(tr, dz)
			}
		})
	}
}

// TestNet32MatchesNet: a float32 network starts from the float64
// network's weights rounded to float32, its states are float64 arrays
// that load back unchanged, and its logits are the float64 network's to
// float32's precision.
func TestNet32MatchesNet(t *testing.T) {
	n64, err := New(config1, seed.For(5, 1))
	require.NoError(t, err)
	n32, err := New32(config1, seed.For(5, 1))
	require.NoError(t, err)
	for i, v := range n64.params {
		require.Equal(t, float32(v), n32.params[i], "parameter %d", i)
	}
	st := n32.State()
	m := map[string]stream.Array{}
	for _, a := range st {
		m[a.Name] = a
	}
	clear(n32.params)
	require.NoError(t, n32.SetState(m))
	for i, v := range n64.params {
		require.Equal(t, float32(v), n32.params[i], "parameter %d after the round trip", i)
	}
	tr := randomTrial(rand.New(rand.NewPCG(1, 2)), 3, 2)
	z64 := append([]float64(nil), n64.Forward(tr)...)
	z32 := n32.Forward(tr)
	for i := range z64 {
		// Three layers of 25 sums each round to float32 (≈ 6e-8 relative
		// each): 1e-5 absolute on logits of order 1 is far above that.
		assert.InDelta(t, z64[i], z32[i], 1e-5, "logit %d", i)
	}
	m["layers.0.bias"].Data[0] = 1e39
	err = n32.SetState(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "beyond float32's range")
}

// TestCurves32 checks that a float32 network learns as the float64 one
// does: over 100 runs each (independent seeds), the mean probability of
// error of every bin of blocks differs by at most 3 standard errors of
// the difference, sqrt(sd32²/n + sd64²/n). Float32's rounding (≈ 6e-8
// relative per operation) moves a run far less than the run-to-run
// spread of initial weights and orders, so its curves must be
// statistically indistinguishable; a deviation of 3 standard errors in any
// of the 8 bins happens by chance with probability ≈ 2 % for a correct
// port (the seeds are fixed: the test's outcome is deterministic), while
// an error in the float32 path that changes learning (a step scaled
// wrong, a momentum lost) moves several bins by many standard errors.
// config1 at lr_dnn 0.5 learns SHJ type 1 within the 24 blocks, so that
// the bins span the whole curve.
func TestCurves32(t *testing.T) {
	const runs, blocks, bin = 100, 24, 3
	cfg := config1
	cfg.LR = 0.5
	tk, err := task.SHJ(1)
	require.NoError(t, err)
	curves := func(dtype string, first int) (mean, sd []float64) {
		c := cfg
		c.DType = dtype
		per := make([][]float64, blocks/bin) // per[b][r]: run r's mean over bin b
		for b := range per {
			per[b] = make([]float64, runs)
		}
		for r := range runs {
			src := seed.For(41, first+r)
			s, err := Open(c, src)
			require.NoError(t, err)
			trialLoop(s, tk, schedule.Shuffled{}.Run(src, len(tk.Items)), r, blocks, loss.BCELogits{},
				func(tr *stream.Trial, pe, _ float64, _ []float64) {
					per[tr.Block/bin][r] += pe / float64(bin*len(tk.Items))
				})
		}
		for _, v := range per {
			m, s := stat.MeanStdDev(v, nil)
			mean, sd = append(mean, m), append(sd, s)
		}
		return mean, sd
	}
	m64, sd64 := curves("float64", 0)
	m32, sd32 := curves("float32", runs)
	for b := range m64 {
		se := math.Sqrt((sd32[b]*sd32[b] + sd64[b]*sd64[b]) / runs)
		t.Logf("blocks %2d–%2d: float64 %.4f, float32 %.4f, difference %+.2f SE (SE %.4f)", b*bin, b*bin+bin-1, m64[b], m32[b], (m32[b]-m64[b])/se, se)
		assert.LessOrEqualf(t, math.Abs(m32[b]-m64[b]), 3*se, "blocks %d–%d: mean probability of error %.4f in float32, %.4f in float64", b*bin, b*bin+bin-1, m32[b], m64[b])
	}
	assert.Greater(t, m64[0]-m64[len(m64)-1], 0.2, "the networks must learn within the test's blocks for it to have power")
}

// TestDigest32 runs float32 networks whose widths meet every blocking of
// the float32 vector kernels (config1: 25 rows and columns; 41: two
// blocks of 16 rows, one of 8 and one left, likewise in columns; with
// momentum, dropout or neither) and checks the SHA-256 of every logit and
// final weight: the vector kernels and the pure-Go code (.ci/run tests
// both, the latter with -tags purego) must both give these digests. On
// amd64 only: elsewhere the compiler may fuse a product and a sum.
func TestDigest32(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the digests hold where products and sums are rounded apart (amd64)")
	}
	for _, tc := range []struct {
		name string
		cfg  Params
		want string
	}{
		{"config1", config1, "d3894af82be9905c419d52889dea1113d2b6b87f4e8a87a6b19102985513d350"},
		{"41 units momentum dropout", Params{InputSize: 3, OutputSize: 2, NUnits: 41, Depth: 3, ActFunc: "relu", LR: 0.05, Momentum: 0.5, Dropout: 0.2}, "1bedd38967f75dfcbf4d042464d41d1eceda985312b366c7038e1051e6ded6dc"},
		{"41 units", Params{InputSize: 3, OutputSize: 2, NUnits: 41, Depth: 2, ActFunc: "relu", LR: 0.1}, "e67a6a4cc6b347f1b8dc847ef5bbdd51b74250f09a8e4bdf536c22ee72a534ae"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := task.SHJ(6)
			require.NoError(t, err)
			cfg := tc.cfg
			cfg.DType = "float32"
			digest := sha256.New()
			for run := range 2 {
				src := seed.For(43, run)
				s, err := Open(cfg, src)
				require.NoError(t, err)
				trialLoop(s, tk, schedule.Shuffled{}.Run(src, len(tk.Items)), run, 16, loss.BCELogits{},
					func(_ *stream.Trial, _, _ float64, z []float64) { writeBits(digest, z) })
				for _, a := range s.State() {
					writeBits(digest, a.Data)
				}
			}
			assert.Equal(t, tc.want, fmt.Sprintf("%x", digest.Sum(nil)), "digest of the logits and final weights")
		})
	}
}
