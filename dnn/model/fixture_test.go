package model

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// config1 is the original's dnn_model config1 network, which made the
// dnn_shj fixtures.
var config1 = Params{InputSize: 3, OutputSize: 2, NUnits: 25, Depth: 3, ActFunc: "relu", LR: 0.0075, Momentum: 0.3}

// traceRow is one trial of a single-stream fixture trace.
type traceRow struct {
	run, block, trial, signature, label int
	proberror, loss, p0, p1             float64
	recruited, nActive                  int
}

func readTrace(t *testing.T, path string) []traceRow {
	t.Helper()
	recs := fixture.ReadRecords(t, path)
	var err error
	require.Equal(t, []string{"run", "block", "trial", "signature", "label", "proberror", "loss", "p0", "p1", "recruited", "n_active"}, recs[0], "%s: header", path)
	rows := make([]traceRow, 0, len(recs)-1)
	for line, rec := range recs[1:] {
		var ints [7]int
		var fl [4]float64
		for k, col := range []int{0, 1, 2, 3, 4, 9, 10} {
			ints[k], err = strconv.Atoi(rec[col])
			require.NoError(t, err, "%s line %d", path, line+2)
		}
		for k := range fl {
			fl[k], err = strconv.ParseFloat(rec[5+k], 64)
			require.NoError(t, err, "%s line %d", path, line+2)
		}
		rows = append(rows, traceRow{ints[0], ints[1], ints[2], ints[3], ints[4], fl[0], fl[1], fl[2], fl[3], ints[5], ints[6]})
	}
	return rows
}

// trialLoop runs a stream over one run's blocks as the kernel's loop does
// (forward, probability of error and loss before the update, learn) and
// calls each with every trial's figures.
func trialLoop(s stream.Stream, tk *task.Task, orders schedule.Orders, run, blocks int, lf loss.Func,
	each func(tr *stream.Trial, pe, l float64, z []float64)) {
	n := len(tk.Items)
	order := make([]int, n)
	dz := make([]float64, tk.Classes)
	p := make([]float64, tk.Classes)
	tr := &stream.Trial{Run: run}
	for b := range blocks {
		orders.Next(b, order)
		for i, k := range order {
			it := &tk.Items[k]
			*tr = stream.Trial{Run: run, Block: b, Index: i, Item: k, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			z := s.Forward(tr)
			pe := loss.ProbError(z, it.Label, p)
			l := lf.Eval(z, it.Target, dz)
			if each != nil {
				each(tr, pe, l, z)
			}
			s.Learn(tr, dz)
		}
	}
}

// TestFixtureSHJ replays the original's float64 dnn_shj fixtures (config1,
// SHJ types 1 and 2, 2 runs × 64 blocks, the original's initial weights
// and trial orders) and checks every trial and the final weights.
func TestFixtureSHJ(t *testing.T) {
	// Tolerance 1e-9 (the issue's): the fixture is float64 and so are we,
	// with PyTorch's order of summation and its fused SGD step (the
	// network reproduces Debian's torch 1.13 on this machine bit for bit);
	// the fixture itself differs from that torch by an ulp here and there
	// (it was made in another environment), which at lr 0.0075 does not
	// amplify over 512 trials: the measured worst case is 2.2e-16.
	const tol = 1e-9
	// The final weights after 512 SGD steps carry the same round-off; the
	// same bound holds for them.
	const tolWeights = 1e-9
	for _, typ := range []int{1, 2} {
		t.Run(fmt.Sprintf("type%d", typ), func(t *testing.T) {
			dir := "../testdata"
			base := filepath.Join(dir, fmt.Sprintf("dnn_shj_type%d", typ))
			rows := readTrace(t, base+"_trace.csv")
			table, err := schedule.ReadTable(base + "_order.csv")
			require.NoError(t, err)
			tk, err := task.SHJ(typ)
			require.NoError(t, err)
			const runs, blocks = 2, 64
			require.NoError(t, table.Check(runs, blocks, len(tk.Items)))
			require.Len(t, rows, runs*blocks*len(tk.Items))

			var worstPE, worstLoss, worstP, worstW float64
			p := make([]float64, 2)
			digest := sha256.New()
			k := 0
			for run := range runs {
				init, err := npz.Read(fmt.Sprintf("%s_run%d_init.npz", base, run))
				require.NoError(t, err)
				src := seed.For(999, run)
				net, err := New(config1, src)
				require.NoError(t, err)
				require.NoError(t, net.SetState(init))

				trialLoop(net, tk, table.Run(src, len(tk.Items)), run, blocks, loss.BCELogits{},
					func(tr *stream.Trial, pe, l float64, z []float64) {
						r := rows[k]
						k++
						require.Equal(t, [5]int{r.run, r.block, r.trial, r.signature, r.label},
							[5]int{tr.Run, tr.Block, tr.Index, tr.Signature, tr.Label}, "trace row %d", k)
						require.Equal(t, [2]int{0, 0}, [2]int{r.recruited, r.nActive})
						writeBits(digest, z)
						loss.Softmax(z, p)
						worstPE = math.Max(worstPE, math.Abs(pe-r.proberror))
						worstLoss = math.Max(worstLoss, math.Abs(l-r.loss))
						worstP = math.Max(worstP, math.Max(math.Abs(p[0]-r.p0), math.Abs(p[1]-r.p1)))
					})

				final, err := npz.Read(fmt.Sprintf("%s_final_run%d.npz", base, run))
				require.NoError(t, err)
				for _, a := range net.State() {
					writeBits(digest, a.Data)
				}
				got := stream.StateMap(net.State())
				require.Len(t, got, len(final))
				for name, want := range final {
					g, ok := got[name]
					require.True(t, ok, "final state %s", name)
					require.Equal(t, want.Shape, g.Shape, name)
					for i := range want.Data {
						worstW = math.Max(worstW, math.Abs(g.Data[i]-want.Data[i]))
					}
				}
			}
			t.Logf("type %d: max |Δ| proberror %.2g, loss %.2g, p %.2g, final weights %.2g", typ, worstPE, worstLoss, worstP, worstW)
			assert.LessOrEqual(t, worstPE, tol, "probability of error")
			assert.LessOrEqual(t, worstLoss, tol, "loss")
			assert.LessOrEqual(t, worstP, tol, "softmax")
			assert.LessOrEqual(t, worstW, tolWeights, "final weights")
			// Every logit and final weight, to the bit: the vector kernels
			// and the pure-Go code (.ci/run tests both, the latter with
			// -tags purego) must both give these digests. On amd64 only:
			// elsewhere the compiler may fuse a product and a sum.
			if runtime.GOARCH == "amd64" {
				assert.Equal(t, fixtureDigest[typ], fmt.Sprintf("%x", digest.Sum(nil)), "digest of the logits and final weights")
			}
		})
	}
}

// fixtureDigest holds, per SHJ type, the SHA-256 of the bits of every
// logit and every final weight of TestFixtureSHJ's runs.
var fixtureDigest = map[int]string{1: "4aabfb1e2c74e4f80307c2fc87e3f5621f2ba00fa10b375cdd34dd3f8cf70581", 2: "5b1c9c0e20ca449845c9ae6ae8305a908e9183651106362143126bfe5644c326"}

// writeBits writes the bits of v to h, little-endian.
func writeBits(h hash.Hash, v []float64) {
	var b [8]byte
	for _, x := range v {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
}
