// Package model holds the multi-unit clustering model as a stream.Stream:
// N units in stimulus space, the top int(N·k) active ones win and vote
// through association weights, errors recruit units at the stimulus, and
// the association weights, the attention and the winners' positions learn.
//
// A trial touches only the active units — a few hundred of the 10,000 on
// SHJ — except when it recruits, the one step that needs the activation
// of every unit; the results are those of the original, which computes
// all activations on every trial.
package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/fastslow/multiunit/layers"
	"github.com/fastslow/stream"
)

// Params are the model's hyper-parameters, named in comments after the
// original's config keys.
type Params struct {
	Units      int     // n_units: N
	Dims       int     // n_dims: D
	Classes    int     // n_classes: C
	R          float64 // r: distance exponent (1 city-block, 2 Euclidean)
	C          float64 // c: specificity
	Phi        float64 // phi: scale of the logits
	K          float64 // k: fraction of the units that win (int(N·k) winners)
	LRNN       float64 // lr_nn: SGD learning rate of the association weights
	LRAttn     float64 // lr_attn: rate of the local attention rule
	LRClusters float64 // lr_clusters: rate of both unit moves
	AttnType   string  // attn_type: the local attention rule runs when it ends in "local"

	// LiteralZero reproduces the original at a unit sitting on the
	// stimulus with r ≠ 1: its attention derivative is 0·∞ and the
	// attention becomes NaN (the run then diverges). By default the
	// derivative is 0 there (see layers.Activation.DAct).
	LiteralZero bool
}

// Winners returns the number of winners, int(N·k) computed as the
// original does (a float multiply, then truncation).
func (p Params) Winners() int { return int(float64(p.Units) * p.K) }

// Check reports parameters the model cannot run with.
func (p Params) Check() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Units < 1:
		return fmt.Errorf("n_units = %d: want at least 1", p.Units)
	case p.Units > math.MaxInt32:
		return fmt.Errorf("n_units = %d: want at most %d", p.Units, math.MaxInt32)
	case p.Dims < 1:
		return fmt.Errorf("n_dims = %d: want at least 1", p.Dims)
	case p.Classes < 2:
		return fmt.Errorf("n_classes = %d: want at least 2", p.Classes)
	case !(p.R > 0) || !finite(p.R):
		return fmt.Errorf("r = %v: want a positive number (1 city-block, 2 Euclidean)", p.R)
	case !(p.C > 0) || !finite(p.C):
		return fmt.Errorf("c = %v: want a positive specificity", p.C)
	case !finite(p.Phi):
		return fmt.Errorf("phi = %v: want a finite number", p.Phi)
	case !(p.K > 0 && p.K <= 1):
		return fmt.Errorf("k = %v: want a winner fraction in (0, 1]", p.K)
	case p.Winners() < 1:
		return fmt.Errorf("k = %v: int(n_units·k) = int(%d·%v) = 0 winners: want at least 1", p.K, p.Units, p.K)
	case !(p.LRNN >= 0) || !finite(p.LRNN):
		return fmt.Errorf("lr_nn = %v: want a non-negative learning rate", p.LRNN)
	case !(p.LRAttn >= 0) || !finite(p.LRAttn):
		return fmt.Errorf("lr_attn = %v: want a non-negative learning rate", p.LRAttn)
	case !(p.LRClusters >= 0) || !finite(p.LRClusters):
		return fmt.Errorf("lr_clusters = %v: want a non-negative learning rate", p.LRClusters)
	}
	return nil
}

// The state_dict names of the original's MultiUnitCluster.
const (
	NamePositions = "Distance.weight"               // [N, D] unit positions
	NameAttention = "DimensionWiseAttnLayer.weight" // [1, D] attention
	NameWinners   = "MaskLayer.winning_units"       // [N] 1 for the last trial's winners
	NameActive    = "MaskLayer.active_units"        // [N] 1 for recruited units
	NameAssoc     = "ClsLayer.weight"               // [N, C] association weights
)

// ErrDiverged is wrapped by Err when the attention could not be
// normalised; Forward then returns NaN logits, which the trial loop
// reports as a divergence.
var ErrDiverged = errors.New("diverged")

// Model is the multi-unit clustering model. It implements stream.Stream.
type Model struct {
	p     Params
	nWin  int
	f     layers.Activation
	assoc layers.Assoc
	local bool

	pos      []float64 // [N·D] unit positions
	attn     []float64 // [D] attention
	weights  []float64 // [N·C] association weights
	isActive []bool    // [N]
	active   []int32   // the active units, ascending
	isWinner []bool    // [N]
	win      []int32   // the last prediction's winners, ascending

	// Caches of the last prediction, valid for the active units.
	act  []float64 // [N] activations
	sum  []float64 // [N] attention-weighted distances S
	dist []float64 // [N·D] per-dimension distances |x_j − u_j|^r

	// Scratch.
	pairs   []layers.Pair // [N]
	recruit []int32       // [N]
	merged  []int32       // [N]
	row     []float64     // [D]
	grad    []float64     // [D]
	mean    []float64     // [D]
	z       []float64     // [C]

	recruited bool
	err       error
}

// New returns a model with no active unit, zero association weights,
// attention 1/D on every dimension and unit positions drawn uniformly
// from [0, 1) by rng (row after row).
func New(p Params, rng *rand.Rand) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("multi-unit model: no generator for the unit positions")
	}
	n, d, c := p.Units, p.Dims, p.Classes
	m := &Model{
		p:     p,
		nWin:  p.Winners(),
		f:     layers.Activation{C: p.C, R: p.R, LiteralZero: p.LiteralZero},
		assoc: layers.Assoc{Phi: p.Phi, Classes: c},
		local: strings.HasSuffix(p.AttnType, "local"),

		pos:      make([]float64, n*d),
		attn:     make([]float64, d),
		weights:  make([]float64, n*c),
		isActive: make([]bool, n),
		active:   make([]int32, 0, n),
		isWinner: make([]bool, n),
		win:      make([]int32, 0, n),
		act:      make([]float64, n),
		sum:      make([]float64, n),
		dist:     make([]float64, n*d),
		pairs:    make([]layers.Pair, 0, n),
		recruit:  make([]int32, 0, n),
		merged:   make([]int32, 0, n),
		row:      make([]float64, d),
		grad:     make([]float64, d),
		mean:     make([]float64, d),
		z:        make([]float64, c),
	}
	for i := range m.pos {
		m.pos[i] = rng.Float64()
	}
	for j := range m.attn {
		m.attn[j] = 1 / float64(d)
	}
	return m, nil
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.p }

// Attention returns the model's attention (a view, not a copy).
func (m *Model) Attention() []float64 { return m.attn }

// Err returns the reason the model diverged, or nil.
func (m *Model) Err() error { return m.err }

// Recruited reports whether the last Forward found a wrong (or all-zero)
// prediction and so called the recruitment step, as the original's
// need_recruit does (the step recruits nothing once no association
// weight is 0, or when no candidate unit is active enough).
func (m *Model) Recruited() bool { return m.recruited }

// Active returns the number of active (recruited) units.
func (m *Model) Active() int { return len(m.active) }

// Winners returns the last prediction's winners, ascending (a view).
func (m *Model) Winners() []int32 { return m.win }

// Forward predicts the trial's logits, first recruiting units if the
// prediction is wrong or all zero and some association weight is still 0
// (the original's rule), then predicting again.
func (m *Model) Forward(t *stream.Trial) []float64 {
	m.recruited = false
	if m.err != nil {
		for c := range m.z {
			m.z[c] = math.NaN()
		}
		return m.z
	}
	m.predict(t.X)
	if m.needRecruit(t.Label) {
		m.recruited = true
		if m.anyZeroWeight() && m.recruitUnits(t) > 0 {
			m.predict(t.X)
		}
	}
	return m.z
}

// predict computes the active units' activations, selects the winners as
// torch.topk(act·active, int(N·k)) does with the zeros dropped, and the
// logits.
func (m *Model) predict(x []float64) {
	d := m.p.Dims
	for _, k := range m.win {
		m.isWinner[k] = false
	}
	m.win = m.win[:0]
	for _, k := range m.active {
		i := int(k) * d
		s := m.f.Dist(x, m.pos[i:i+d], m.attn, m.dist[i:i+d])
		m.sum[k] = s
		m.act[k] = m.f.Act(s)
	}
	// The queue torch sorts lists every unit; inactive units have value
	// 0. After the first nWin pairs a 0 is never strictly better than the
	// heap's worst (no activation is negative), so only the active units
	// beyond them need to be listed (layers.Select).
	a := m.pairs[:0]
	nw := m.nWin
	for i := 0; i < nw; i++ {
		v := 0.0
		if m.isActive[i] {
			v = m.act[i]
		}
		a = append(a, layers.Pair{V: v, I: int32(i)})
	}
	for _, k := range m.active {
		if int(k) >= nw && m.act[k] != 0 {
			a = append(a, layers.Pair{V: m.act[k], I: k})
		}
	}
	layers.Select(a, nw)
	for _, p := range a[:nw] {
		if p.V != 0 { // the original drops the zeros topk returns
			m.isWinner[p.I] = true
		}
	}
	for _, k := range m.active {
		if m.isWinner[k] {
			m.win = append(m.win, k)
		}
	}
	m.assoc.Logits(m.win, m.act, m.weights, m.z)
}

// needRecruit is the original's need_recruit: the prediction (the first
// largest logit) is not the label, or every logit is 0.
func (m *Model) needRecruit(label int) bool {
	best, zero := 0, true
	for c, v := range m.z {
		if v > m.z[best] {
			best = c
		}
		if v != 0 {
			zero = false
		}
	}
	return best != label || zero
}

// anyZeroWeight reports whether some association weight is still 0, the
// original's condition for recruiting at all.
func (m *Model) anyZeroWeight() bool {
	for _, v := range m.weights {
		if v == 0 {
			return true
		}
	}
	return false
}

// recruitUnits activates units at the stimulus and returns how many: on
// the first trial of a run the top int(N·k) units by activation; later as
// many of the top inactive units as there are winners whose own
// prediction (argmax of their weights, ties to the first class) is wrong.
// Units whose activation is 0 are never recruited.
func (m *Model) recruitUnits(t *stream.Trial) int {
	x := t.X
	n, d := m.p.Units, m.p.Dims
	var k int
	a := m.pairs[:0]
	if t.First() {
		k = m.nWin
		for i := 0; i < n; i++ {
			a = append(a, layers.Pair{V: m.activation(x, i), I: int32(i)})
		}
	} else {
		for _, w := range m.win {
			if argmax(m.weights[int(w)*m.p.Classes:int(w+1)*m.p.Classes]) != t.Label {
				k++
			}
		}
		if k == 0 {
			return 0
		}
		// torch.topk(act with the active units set to 0, k): as in
		// predict, the zeros after the first k pairs can be left out.
		for i := 0; i < n; i++ {
			v := 0.0
			if !m.isActive[i] {
				v = m.activation(x, i)
			}
			if i < k || v != 0 {
				a = append(a, layers.Pair{V: v, I: int32(i)})
			}
		}
	}
	layers.Select(a, k)
	rec := m.recruit[:0]
	for _, p := range a[:k] {
		if p.V != 0 {
			rec = append(rec, p.I)
		}
	}
	if len(rec) == 0 {
		return 0
	}
	slices.Sort(rec)
	for _, u := range rec {
		copy(m.pos[int(u)*d:int(u+1)*d], x)
	}
	m.activate(rec)
	return len(rec)
}

// activation computes unit i's activation without caching it.
func (m *Model) activation(x []float64, i int) float64 {
	d := m.p.Dims
	return m.f.Act(m.f.Dist(x, m.pos[i*d:(i+1)*d], m.attn, m.row))
}

// activate marks the units rec (ascending) active and merges them into the
// sorted list of active units.
func (m *Model) activate(rec []int32) {
	out := m.merged[:0]
	i := 0
	for _, u := range rec {
		if m.isActive[u] {
			continue
		}
		m.isActive[u] = true
		for i < len(m.active) && m.active[i] < u {
			out = append(out, m.active[i])
			i++
		}
		out = append(out, u)
	}
	out = append(out, m.active[i:]...)
	m.active, m.merged = out, m.active[:0]
}

func argmax(v []float64) int {
	best := 0
	for c, x := range v {
		if x > v[best] {
			best = c
		}
	}
	return best
}

// Learn takes the trial's learning steps in the original's order: the SGD
// step of the association weights from dz = ∂L/∂z (the winners' rows
// only, the other rows having zero gradient), the local attention rule,
// and the double move of the winners.
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	if m.err != nil {
		return
	}
	m.assoc.Step(m.win, m.act, m.weights, dz, m.p.LRNN)
	m.updateAttention()
	m.moveUnits(t.X)
}

// updateAttention is the original's update_attn: with the local rule,
// a += lr_attn·(∂(Σ_W act − Σ_L act)/∂a)/|active| (W the winners, L the
// other active units); then a = max(a, 0)/Σ max(a, 0).
func (m *Model) updateAttention() {
	d := m.p.Dims
	if m.local {
		g := m.grad
		for j := range g {
			g[j] = 0
		}
		for _, k := range m.active {
			da := m.f.DAct(m.act[k], m.sum[k])
			if !m.isWinner[k] {
				da = -da
			}
			row := m.dist[int(k)*d : int(k+1)*d]
			for j, v := range row {
				g[j] += da * v
			}
		}
		n := float64(len(m.active)) // 0 gives NaN, as in the original
		for j := range m.attn {
			m.attn[j] += m.p.LRAttn * (g[j] / n)
		}
	}
	var s float64
	for j, v := range m.attn {
		if v < 0 {
			v = 0
			m.attn[j] = 0
		}
		s += v
	}
	for j := range m.attn {
		m.attn[j] /= s
	}
	if !(s > 0) || math.IsInf(s, 0) {
		m.err = fmt.Errorf("multi-unit model %w: the attention sums to %v after the clamp at 0 and cannot be normalised", ErrDiverged, s)
	}
}

// moveUnits is the original's update_units: the winners move towards the
// stimulus, u += lr·(x − u), then towards their mean, u += lr·(μ − u).
// With no winner nothing moves.
func (m *Model) moveUnits(x []float64) {
	if len(m.win) == 0 {
		return
	}
	d := m.p.Dims
	lr := m.p.LRClusters
	mean := m.mean
	for j := range mean {
		mean[j] = 0
	}
	for _, k := range m.win {
		u := m.pos[int(k)*d : int(k+1)*d]
		for j := range u {
			u[j] += (x[j] - u[j]) * lr
			mean[j] += u[j]
		}
	}
	nw := float64(len(m.win))
	for j := range mean {
		mean[j] /= nw
	}
	for _, k := range m.win {
		u := m.pos[int(k)*d : int(k+1)*d]
		for j := range u {
			u[j] += (mean[j] - u[j]) * lr
		}
	}
}

// State returns a copy of the model's state under the original's
// state_dict names.
func (m *Model) State() []stream.Array {
	n, d, c := m.p.Units, m.p.Dims, m.p.Classes
	win := make([]float64, n)
	for _, k := range m.win {
		win[k] = 1
	}
	act := make([]float64, n)
	for _, k := range m.active {
		act[k] = 1
	}
	return []stream.Array{
		stream.NewArray(NamePositions, m.pos, n, d),
		stream.NewArray(NameAttention, m.attn, 1, d),
		{Name: NameWinners, Shape: []int{n}, Data: win},
		{Name: NameActive, Shape: []int{n}, Data: act},
		stream.NewArray(NameAssoc, m.weights, n, c),
	}
}

// SetState loads a state saved by State or by the original (an .npz of
// its state_dict): every array must be there with its shape, finite, and
// the two masks must hold only 0 and 1.
func (m *Model) SetState(st map[string]stream.Array) error {
	n, d, c := m.p.Units, m.p.Dims, m.p.Classes
	if err := stream.Unknown(st, NamePositions, NameAttention, NameWinners, NameActive, NameAssoc); err != nil {
		return err
	}
	pos := make([]float64, n*d)
	attn := make([]float64, d)
	win := make([]float64, n)
	act := make([]float64, n)
	weights := make([]float64, n*c)
	for _, e := range []struct {
		name  string
		dst   []float64
		shape []int
	}{
		{NamePositions, pos, []int{n, d}},
		{NameAttention, attn, []int{1, d}},
		{NameWinners, win, []int{n}},
		{NameActive, act, []int{n}},
		{NameAssoc, weights, []int{n, c}},
	} {
		if err := stream.Take(st, e.name, e.dst, e.shape...); err != nil {
			return err
		}
	}
	for _, mask := range []struct {
		name string
		v    []float64
	}{{NameWinners, win}, {NameActive, act}} {
		for i, v := range mask.v {
			if v != 0 && v != 1 {
				return fmt.Errorf("array %q: value %d is %v, want 0 or 1", mask.name, i, v)
			}
		}
	}
	copy(m.pos, pos)
	copy(m.attn, attn)
	copy(m.weights, weights)
	m.active = m.active[:0]
	m.win = m.win[:0]
	for i := 0; i < n; i++ {
		m.isActive[i] = act[i] == 1
		m.isWinner[i] = win[i] == 1
		if m.isActive[i] {
			m.active = append(m.active, int32(i))
		}
		if m.isWinner[i] {
			m.win = append(m.win, int32(i))
		}
	}
	m.err = nil
	return nil
}
