package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/multiunit/layers"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/stream/topk"
)

// refModel is a direct, slow transcription of the original's
// MultiUnitCluster: every activation of every unit on every prediction,
// torch.topk over all N units, dense updates. The optimised Model must
// make the same decisions and the same numbers (up to round-off).
type refModel struct {
	p                       Params
	f                       layers.Activation
	pos, attn, w            []float64
	active, winning         []float64
	act, sum, dist          []float64
	win                     []int32
	z                       []float64
	recruited, literalAttns bool
}

func newRef(p Params, pos []float64) *refModel {
	n, d := p.Units, p.Dims
	r := &refModel{p: p, f: layers.Activation{C: p.C, R: p.R, LiteralZero: p.LiteralZero},
		pos: append([]float64(nil), pos...), attn: make([]float64, d), w: make([]float64, n*p.Classes),
		active: make([]float64, n), winning: make([]float64, n),
		act: make([]float64, n), sum: make([]float64, n), dist: make([]float64, n*d), z: make([]float64, p.Classes)}
	for j := range r.attn {
		r.attn[j] = 1 / float64(d)
	}
	return r
}

// topk is torch.topk(v, k)[1] with the zeros dropped.
func topkNonzero(v []float64, k int) []int32 {
	a := make([]topk.Pair, len(v))
	for i, x := range v {
		a[i] = topk.Pair{V: x, I: int32(i)}
	}
	var out []int32
	for _, p := range topk.TopK(a, k) {
		if p.V != 0 {
			out = append(out, p.I)
		}
	}
	return out
}

func (r *refModel) predict(x []float64) {
	n, d := r.p.Units, r.p.Dims
	masked := make([]float64, n)
	for k := 0; k < n; k++ {
		r.sum[k] = r.f.Dist(x, r.pos[k*d:k*d+d], r.attn, r.dist[k*d:k*d+d])
		r.act[k] = r.f.Act(r.sum[k])
		masked[k] = r.act[k] * r.active[k]
	}
	r.win = topkNonzero(masked, r.p.Winners())
	for k := range r.winning {
		r.winning[k] = 0
	}
	for _, k := range r.win {
		r.winning[k] = 1
	}
	for c := range r.z {
		var s float64
		for k := 0; k < n; k++ {
			s += masked[k] * r.winning[k] * r.w[k*r.p.Classes+c]
		}
		r.z[c] = s * r.p.Phi
	}
}

func (r *refModel) forward(t *stream.Trial) []float64 {
	r.predict(t.X)
	r.recruited = argmax(r.z) != t.Label || allZero(r.z)
	if !r.recruited {
		return r.z
	}
	zeroW := false
	for _, v := range r.w {
		zeroW = zeroW || v == 0
	}
	if zeroW {
		var rec []int32
		if t.First() {
			rec = topkNonzero(r.act, r.p.Winners())
		} else {
			nmis := 0
			for _, k := range r.win {
				if argmax(r.w[int(k)*r.p.Classes:int(k+1)*r.p.Classes]) != t.Label {
					nmis++
				}
			}
			act := append([]float64(nil), r.act...)
			for k := range act {
				if r.active[k] == 1 {
					act[k] = 0
				}
			}
			if nmis > 0 {
				rec = topkNonzero(act, nmis)
			}
		}
		d := r.p.Dims
		for _, k := range rec {
			r.active[k] = 1
			copy(r.pos[int(k)*d:int(k+1)*d], t.X)
		}
	}
	r.predict(t.X)
	return r.z
}

func (r *refModel) learn(t *stream.Trial, dz []float64) {
	n, d, nc := r.p.Units, r.p.Dims, r.p.Classes
	for _, k := range r.win {
		for c := 0; c < nc; c++ {
			r.w[int(k)*nc+c] -= r.p.LRNN * (r.act[k] * (dz[c] * r.p.Phi))
		}
	}
	if strings.HasSuffix(r.p.AttnType, "local") {
		g := make([]float64, d)
		var nAct float64
		for k := 0; k < n; k++ {
			nAct += r.active[k]
			sign := 0.0
			switch {
			case r.winning[k] == 1:
				sign = 1
			case r.active[k] == 1:
				sign = -1
			}
			if sign == 0 {
				continue
			}
			da := sign * r.f.DAct(r.act[k], r.sum[k])
			for j := 0; j < d; j++ {
				g[j] += da * r.dist[k*d+j]
			}
		}
		for j := range r.attn {
			r.attn[j] += r.p.LRAttn * (g[j] / nAct)
		}
	}
	var s float64
	for j := range r.attn {
		r.attn[j] = math.Max(r.attn[j], 0)
		s += r.attn[j]
	}
	for j := range r.attn {
		r.attn[j] /= s
	}
	if len(r.win) == 0 {
		return
	}
	lr := r.p.LRClusters
	for _, k := range r.win {
		for j := 0; j < d; j++ {
			r.pos[int(k)*d+j] += (t.X[j] - r.pos[int(k)*d+j]) * lr
		}
	}
	mean := make([]float64, d)
	for _, k := range r.win {
		for j := 0; j < d; j++ {
			mean[j] += r.pos[int(k)*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(len(r.win))
	}
	for _, k := range r.win {
		for j := 0; j < d; j++ {
			r.pos[int(k)*d+j] += (mean[j] - r.pos[int(k)*d+j]) * lr
		}
	}
}

func allZero(z []float64) bool {
	for _, v := range z {
		if v != 0 {
			return false
		}
	}
	return true
}

// randomTask returns n items of d features in [0, 1), rounded to a grid of
// step 1/grid (a coarse grid gives ties), with random binary labels.
func randomTask(rng *rand.Rand, n, d, grid int) *task.Task {
	t := &task.Task{Name: "random", Dims: d, Classes: 2}
	for i := 0; i < n; i++ {
		x := make([]float64, d)
		for j := range x {
			x[j] = float64(rng.IntN(grid+1)) / float64(grid)
		}
		lab := rng.IntN(2)
		y := []float64{0, 0}
		y[lab] = 1
		t.Items = append(t.Items, task.Item{X: x, Label: lab, Signature: i, Target: y})
	}
	return t
}

// TestMatchesReference runs the optimised model and the direct
// transcription side by side on SHJ and random tasks, several
// configurations (city-block and Euclidean, both losses, few and many
// winners, the literal and the grouped winner selection), and demands the
// same recruitments, active units and winners on every trial and the same
// logits within 1e-9 (they differ only by the order of sums).
func TestMatchesReference(t *testing.T) {
	shj2, _ := task.SHJ(2)
	shj6, _ := task.SHJ(6)
	rng := rand.New(rand.NewPCG(11, 12))
	tests := []struct {
		name    string
		p       Params
		tk      *task.Task
		lf      loss.Func
		blocks  int
		literal bool
		grid    int // > 0: initial positions rounded to multiples of 1/grid (ties among inactive units)
	}{
		{"shj2 cityblock", Params{Units: 640, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.05, LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}, shj2, loss.CrossEntropy{}, 16, false, 0},
		{"shj2 cityblock literal", Params{Units: 640, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.05, LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}, shj2, loss.CrossEntropy{}, 16, true, 0},
		{"shj6 euclid bce", Params{Units: 500, Dims: 3, Classes: 2, R: 2, C: 1, Phi: 3, K: 0.02, LRNN: 0.05, LRAttn: 0.5, LRClusters: 0.2, AttnType: "dimensional_local"}, shj6, loss.BCELogits{}, 12, false, 0},
		{"random grid 2d", Params{Units: 300, Dims: 2, Classes: 2, R: 1, C: 2, Phi: 5, K: 0.03, LRNN: 0.01, LRAttn: 1, LRClusters: 0.1, AttnType: "dimensional_local"}, randomTask(rng, 30, 2, 4), loss.CrossEntropy{}, 8, false, 0},
		{"random fine 4d euclid", Params{Units: 400, Dims: 4, Classes: 2, R: 2, C: 1.5, Phi: 2, K: 0.025, LRNN: 0.02, LRAttn: 2, LRClusters: 0.15, AttnType: "dimensional_local"}, randomTask(rng, 25, 4, 100), loss.CrossEntropy{}, 6, false, 0},
		{"no local attention", Params{Units: 300, Dims: 3, Classes: 2, R: 1, C: 0.5, Phi: 4, K: 0.05, LRNN: 0.01, LRAttn: 3, LRClusters: 0.1, AttnType: "dimensional"}, shj6, loss.CrossEntropy{}, 8, false, 0},
		{"grid positions shj6", Params{Units: 640, Dims: 3, Classes: 2, R: 1, C: 0.2, Phi: 7, K: 0.05, LRNN: 0.0035, LRAttn: 3, LRClusters: 0.15, AttnType: "dimensional_local"}, shj6, loss.CrossEntropy{}, 12, false, 4},
		{"grid positions euclid 2d", Params{Units: 400, Dims: 2, Classes: 2, R: 2, C: 1, Phi: 5, K: 0.04, LRNN: 0.02, LRAttn: 1, LRClusters: 0.1, AttnType: "dimensional_local"}, randomTask(rng, 20, 2, 4), loss.CrossEntropy{}, 10, false, 8},
	}
	var straddled, splits int
	defer func() {
		// The cases must reach the slow paths: ties across the k-th place
		// (torch's tie-breaking decides) and groups that split.
		require.Positive(t, straddled, "no tie straddled the k-th place")
		require.Positive(t, splits, "no group split")
		t.Logf("straddled ties %d, splits %d", straddled, splits)
	}()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.p, rand.NewPCG(5, 6))
			require.NoError(t, err)
			m.literal = tc.literal
			if tc.grid > 0 {
				st := stream.StateMap(m.State())
				for i, v := range st[NamePositions].Data {
					st[NamePositions].Data[i] = math.Floor(v*float64(tc.grid)) / float64(tc.grid)
				}
				require.NoError(t, m.SetState(st))
			}
			ref := newRef(tc.p, m.pos)
			dz := make([]float64, 2)
			dzRef := make([]float64, 2)
			order := rand.New(rand.NewPCG(7, 8))
			recruits := 0
			for b := 0; b < tc.blocks; b++ {
				for i, k := range order.Perm(len(tc.tk.Items)) {
					it := &tc.tk.Items[k]
					tr := stream.Trial{Block: b, Index: i, Item: k, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
					where := fmt.Sprintf("block %d trial %d", b, i)
					z := m.Forward(&tr)
					zr := ref.forward(&tr)
					require.Equal(t, ref.recruited, m.Recruited(), "%s: recruitment", where)
					require.Equal(t, sortedCopy(ref.win), sortedCopy(m.Winners()), "%s: winners", where)
					var nAct int
					for _, v := range ref.active {
						nAct += int(v)
					}
					require.Equal(t, nAct, m.Active(), "%s: active units", where)
					require.InDeltaSlice(t, zr, z, 1e-9, "%s: logits", where)
					if m.Recruited() {
						recruits++
					}
					tc.lf.Eval(z, it.Target, dz)
					tc.lf.Eval(zr, it.Target, dzRef)
					m.Learn(&tr, dz)
					ref.learn(&tr, dzRef)
					require.NoError(t, m.Err())
				}
			}
			require.Greater(t, recruits, 1)
			if !tc.literal {
				straddled += m.straddled
			}
			splits += m.splits
			st := stream.StateMap(m.State())
			require.InDeltaSlice(t, ref.pos, st[NamePositions].Data, 1e-9)
			require.InDeltaSlice(t, ref.attn, st[NameAttention].Data, 1e-9)
			require.InDeltaSlice(t, ref.w, st[NameAssoc].Data, 1e-9)
			require.Equal(t, ref.active, st[NameActive].Data)
			require.Equal(t, ref.winning, st[NameWinners].Data)
		})
	}
}

// sortedCopy returns the winners in the reference's order: torch.topk's
// (best first) is not the model's (ascending index), so both are sorted.
func sortedCopy(w []int32) []int32 {
	out := append([]int32(nil), w...)
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return out
}
