// Package model holds the multi-unit clustering model as a stream.Stream:
// N units in stimulus space, the top int(N·k) active ones win and vote
// through association weights, errors recruit units at the stimulus, and
// the association weights, the attention and the winners' positions learn.
//
// The results are the original's, which computes all 10,000 activations
// on every trial, but a trial does far less work:
//
//   - predictions need only the active units (a few hundred on SHJ), and
//     these sit in a few groups at bit-identical positions (units are
//     recruited together at a stimulus and then move together), so each
//     group's distance and activation are computed once;
//   - only recruitment needs the inactive units' activations, and of those
//     only the ones that can rank among the best: the others are ruled out
//     by their distance alone, without calling exp.
package model

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/fastslow/multiunit/layers"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/topk"
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

	// LiteralZero reproduces the original at an active unit sitting on
	// the stimulus with r ≠ 1: its attention derivative is 0·∞ and the
	// attention becomes NaN (the run then diverges). By default the
	// derivative is 0 there (see layers.Activation.DAct). (The original's
	// autograd would do the same for an inactive unit exactly on the
	// stimulus, which its random positions never are; the model leaves
	// inactive units out.)
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
//
// Its buffers are allocated by New, except those that grow with the
// number of active units or groups: these are enlarged (doubling) when
// that number exceeds its previous maximum, a handful of times per run;
// every other trial allocates nothing.
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
	winAct   []float64 // their activations
	kept     *kept     // the winners Predict puts back (allocated by its first call)

	// The active units grouped by bit-identical position (see regroup):
	// a group's distances and activation are computed once per prediction.
	group  []int32   // [N] each active unit's group
	gRep   []int32   // a member of each group, whose position is the group's
	gSize  []int32   // members per group
	gWin   []int32   // winners per group in the last prediction
	gAct   []float64 // activation per group
	gSum   []float64 // attention-weighted distance S per group
	gDist  []float64 // per-dimension distances |x_j − u_j|^r per group (D each)
	slots  []int32   // open-addressing table of regroup: group+1, 0 when free
	regrow bool      // the groups must be rebuilt before the next prediction

	// Scratch.
	pairs  []topk.Pair // the winner selection's queue
	heap   []topk.Pair // [int(N·k)] the recruitment's heap
	rec    []int32     // [int(N·k)] the recruits
	order  []int32     // [≤ maxSortedGroups] groups by activation
	merged []int32     // [N] the next list of active units
	row    []float64   // [D]
	grad   []float64   // [D]
	mean   []float64   // [D]
	z      []float64   // [C]

	recruited bool
	err       error
	literal   bool                            // always select winners literally (tests compare the two ways)
	lowest    bool                            // break ties by lowest index instead (tests show the fixtures tell)
	stats     struct{ straddled, splits int } // how often the slow paths ran (for tests)
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
	nw := p.Winners()
	m := &Model{
		p:     p,
		nWin:  nw,
		f:     layers.Activation{C: p.C, R: p.R, LiteralZero: p.LiteralZero},
		assoc: layers.Assoc{Phi: p.Phi, Classes: c},
		local: strings.HasSuffix(p.AttnType, "local"),

		pos:      make([]float64, n*d),
		attn:     make([]float64, d),
		weights:  make([]float64, n*c),
		isActive: make([]bool, n),
		active:   make([]int32, 0, n),
		isWinner: make([]bool, n),
		win:      make([]int32, 0, nw),
		winAct:   make([]float64, 0, nw),
		group:    make([]int32, n),
		slots:    make([]int32, tableSize(0)),
		heap:     make([]topk.Pair, nw),
		rec:      make([]int32, 0, nw),
		order:    make([]int32, maxSortedGroups),
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
	if m.regrow {
		m.regroup()
	}
	for _, k := range m.win {
		m.isWinner[k] = false
	}
	m.win, m.winAct = m.win[:0], m.winAct[:0]
	for g, rep := range m.gRep {
		i := int(rep) * d
		s := m.f.Dist(x, m.pos[i:i+d], m.attn, m.gDist[g*d:g*d+d])
		m.gSum[g] = s
		m.gAct[g] = m.f.Act(s)
		m.gWin[g] = 0
	}
	if m.literal || !m.selectByGroups() {
		m.stats.straddled++
		m.selectLiteral()
	}
	for _, k := range m.active {
		if m.isWinner[k] {
			g := m.group[k]
			m.win = append(m.win, k)
			m.winAct = append(m.winAct, m.gAct[g])
		}
	}
	m.assoc.Logits(m.win, m.winAct, m.weights, m.z)
}

// selectLiteral marks the winners (isWinner, gWin) as
// torch.topk(act·active, int(N·k)) selects them, ties included, dropping
// the zeros (as the original does).
//
// torch takes this partial-sort path when int(N·k)·64 ≤ N, as in every
// config the original ships (50 of 10,000; 5 of 500); above that it uses
// std::nth_element, whose choice among exactly equal activations the
// model does not reproduce (it always breaks ties as the partial sort).
func (m *Model) selectLiteral() {
	// The queue torch sorts lists every unit; inactive units have value
	// 0. After the first nWin pairs a 0 is never strictly better than the
	// heap's worst (no activation is negative), so only the active units
	// beyond them need to be listed (topk.Select).
	a := m.pairs[:0]
	nw := m.nWin
	for i := 0; i < nw; i++ {
		v := 0.0
		if m.isActive[i] {
			v = m.gAct[m.group[i]]
		}
		a = append(a, topk.Pair{V: v, I: int32(i)})
	}
	for _, k := range m.active {
		if v := m.gAct[m.group[k]]; int(k) >= nw && v != 0 {
			a = append(a, topk.Pair{V: v, I: k})
		}
	}
	m.pairs = a[:0] // keep the grown buffer
	if m.lowest {
		slices.SortStableFunc(a, func(x, y topk.Pair) int { return cmp.Compare(y.V, x.V) })
	} else {
		topk.Select(a, nw)
	}
	for _, p := range a[:nw] {
		if p.V != 0 { // the original drops the zeros topk returns
			m.isWinner[p.I] = true
			m.gWin[m.group[p.I]]++
		}
	}
}

// maxSortedGroups bounds the number of groups selectByGroups sorts; with
// more it leaves the choice to selectLiteral.
const maxSortedGroups = 64

// selectByGroups marks the winners (isWinner, gWin) when the choice does
// not depend on how ties are broken, and reports whether it did. Taking
// the groups by decreasing activation, if the units with an activation of
// at least some v number exactly int(N·k) and every other unit's is below
// v, any top-k selection — torch's included — takes exactly those units;
// if fewer than int(N·k) units have a nonzero activation, it takes them
// all (and the zeros it adds are dropped). Otherwise a tie straddles the
// k-th place and only the literal procedure can tell which units win.
func (m *Model) selectByGroups() bool {
	ng := len(m.gRep)
	if ng > maxSortedGroups {
		return false
	}
	order := m.order[:ng] // insertion sort, by decreasing activation
	for g := range order {
		v := m.gAct[g]
		if v != v {
			return false // NaN: torch ranks it first; leave it to the literal path
		}
		i := g
		for i > 0 && m.gAct[order[i-1]] < v {
			order[i] = order[i-1]
			i--
		}
		order[i] = int32(g)
	}
	nw := int32(m.nWin)
	var taken int32
	cut := ng // the groups order[:cut] win
	for i := 0; i < ng; {
		v := m.gAct[order[i]]
		if v == 0 {
			cut = i
			break
		}
		j := i
		var n int32
		for j < ng && m.gAct[order[j]] == v {
			n += m.gSize[order[j]]
			j++
		}
		if taken+n > nw {
			return false // a tie straddles the k-th place
		}
		taken += n
		i = j
		if taken == nw {
			cut = j
			break
		}
	}
	for _, g := range order[:cut] {
		m.gWin[g] = m.gSize[g]
	}
	for _, k := range m.active {
		if m.gWin[m.group[k]] != 0 {
			m.isWinner[k] = true
		}
	}
	return true
}

// regroup rebuilds the groups of active units at bit-identical positions
// (every computation on a unit is a function of its position's bits, so
// the members of a group get identical results). It runs after a
// recruitment, after a move that split a group, and after SetState;
// groups that come to coincide otherwise are merely computed twice until
// then.
func (m *Model) regroup() {
	d := m.p.Dims
	if s := tableSize(len(m.active)); len(m.slots) < s {
		m.slots = make([]int32, s)
	} else {
		clear(m.slots)
	}
	mask := uint64(len(m.slots) - 1)
	m.gRep, m.gSize = m.gRep[:0], m.gSize[:0]
	for _, k := range m.active {
		u := m.pos[int(k)*d : int(k+1)*d]
		h := hashPos(u) & mask
		for {
			g := m.slots[h] - 1
			if g < 0 {
				g = int32(len(m.gRep))
				m.slots[h] = g + 1
				m.gRep = append(m.gRep, k)
				m.gSize = append(m.gSize, 0)
			} else if r := int(m.gRep[g]); !sameBits(u, m.pos[r*d:r*d+d]) {
				h = (h + 1) & mask
				continue
			}
			m.group[k] = g
			m.gSize[g]++
			break
		}
	}
	ng := len(m.gRep)
	m.gWin = grow(m.gWin, ng)
	m.gAct = grow(m.gAct, ng)
	m.gSum = grow(m.gSum, ng)
	m.gDist = grow(m.gDist, ng*d)
	m.regrow = false
}

// grow returns s resized to n, reusing its storage when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, max(n, 2*cap(s)))
}

// tableSize returns the number of slots of regroup's table for n units: a
// power of two at least 2n, so that probes stay short.
func tableSize(n int) int {
	s := 16
	for s < 2*n {
		s *= 2
	}
	return s
}

func hashPos(u []float64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range u {
		h ^= math.Float64bits(v)
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 31
	}
	return h
}

func sameBits(a, b []float64) bool {
	for j, v := range a {
		if math.Float64bits(v) != math.Float64bits(b[j]) {
			return false
		}
	}
	return true
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
//
// The choice is torch.topk's over every candidate in index order
// (topk.Select), but exp is called only for candidates that can enter
// the heap: a candidate whose exponent e = c·S^(1/r) exceeds that of the
// heap's worst by more than 1e-9 has an activation smaller by a factor
// below 1 − 1e-9, far beyond the few ulps of error of exp, so it cannot
// be strictly better and is passed over without computing its activation.
func (m *Model) recruitUnits(t *stream.Trial) int {
	x := t.X
	n, d := m.p.Units, m.p.Dims
	first := t.First()
	var k int
	if first {
		k = m.nWin
	} else {
		for _, w := range m.win {
			if argmax(m.weights[int(w)*m.p.Classes:int(w+1)*m.p.Classes]) != t.Label {
				k++
			}
		}
		if k == 0 {
			return 0
		}
	}
	// The candidates: every unit on the first trial (the original ranks
	// the unmasked activations), the inactive units later (the original
	// sets the active units' activations to 0).
	candidate := func(i int) bool { return first || !m.isActive[i] }
	exponent := func(i int) float64 {
		return m.f.Exponent(m.f.Dist(x, m.pos[i*d:(i+1)*d], m.attn, m.row))
	}
	h := m.heap[:k]
	for i := range h {
		v := 0.0
		if candidate(i) {
			v = m.f.ActExp(exponent(i))
		}
		h[i] = topk.Pair{V: v, I: int32(i)}
	}
	topk.MakeHeap(h)
	const margin = 1e-9
	worst := math.Inf(1) // the exponent of the heap's worst pair, if it is a candidate
	if h[0].V != 0 {
		worst = exponent(int(h[0].I))
	}
	for i := k; i < n; i++ {
		if !candidate(i) {
			continue // value 0: never strictly better than the heap's worst
		}
		e := exponent(i)
		if e-worst > margin {
			continue
		}
		if topk.Offer(h, topk.Pair{V: m.f.ActExp(e), I: int32(i)}) {
			worst = math.Inf(1)
			if h[0].V != 0 {
				worst = exponent(int(h[0].I))
			}
		}
	}
	rec := m.rec[:0]
	for _, p := range h {
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
	m.regrow = true
	return len(rec)
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

// Learn takes the trial's learning steps in the original's order (its
// update_params, and its dual stream's TEMP__update_params alike): the
// SGD step of the association weights from dz = ∂L/∂z (the winners' rows
// only, the other rows having zero gradient; plain SGD, as the original's
// optimiser has no momentum), the local attention rule, and the double
// move of the winners. In the dual stream dz is the gradient of the loss
// of the summed logits.
func (m *Model) Learn(t *stream.Trial, dz []float64) {
	if m.err != nil {
		return
	}
	m.assoc.Step(m.win, m.winAct, m.weights, dz, m.p.LRNN)
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
		// Each group adds (its winners − its other members)·∂act/∂a.
		for gi := range m.gRep {
			da := m.f.DAct(m.gAct[gi], m.gSum[gi]) * float64(2*m.gWin[gi]-m.gSize[gi])
			for j, v := range m.gDist[gi*d : gi*d+d] {
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
	// The winners of a group moved identically; a group of which only
	// some members won has split.
	for g := range m.gRep {
		if w := m.gWin[g]; w != 0 && w != m.gSize[g] {
			m.stats.splits++
			m.regrow = true
			break
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
	m.regrow = true
	return nil
}
