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
//     only the ones that can rank among the best: the units of the cells
//     around the stimulus are looked at first, the others are ruled out by
//     their distance alone, 4 or 8 units at a time (internal/scan), and the
//     best are ranked by their exponents, exp being called only where a
//     tie could decide.
//
// model.go holds the parameters, the model and its prediction; winners.go
// the winner selection and the groups; recruit.go the recruitment and
// cells.go the cells it looks at first; learn.go the learning steps;
// state.go the state and its views.
package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/fastslow/multiunit/internal/scan"
	"github.com/fastslow/multiunit/layers"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/seed"
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
func (p *Params) Check() error {
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
// that number exceeds its previous maximum, a handful of times per run
// (none when New reused a released model's, which keep their sizes);
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
	group   []int32   // [N] each active unit's group
	gRep    []int32   // a member of each group, whose position is the group's
	gSize   []int32   // members per group
	gWin    []int32   // winners per group in the last prediction
	gAct    []float64 // activation per group
	gSum    []float64 // attention-weighted distance S per group
	gDist   []float64 // per-dimension distances |x_j − u_j|^r per group (D each)
	gMove   []float64 // moveUnits' scratch: each winning group's new position (D each)
	gStart  []int32   // group g's members are members[gStart[g]:gStart[g+1]]
	gFill   []int32   // regroup's scratch
	members []int32   // the active units by group, ascending within each
	slots   []int32   // open-addressing table of regroup: group+1, 0 when free
	regrow  bool      // the groups must be rebuilt before the next prediction

	// The positions by dimension for the recruitment scan (nil when r has
	// no scan): the inactive units' positions, the active units excluded.
	cols  *scan.Columns
	query scan.Query
	cells *cells  // the units by cell, for nearest (nil when cols is, or N is small)
	seeds []int32 // [3·int(N·k)] nearest's scratch

	finished bool    // Finish dropped the columns: rebuild them before a trial
	loaded   bool    // SetState loaded the arrays: any unit's weights may be set
	held     *arrays // the record Release fills and gives back (New's own, reused)

	// Scratch.
	pairs  []topk.Pair // the winner selection's queue
	heap   []topk.Pair // [int(N·k)] the recruitment's heap
	rec    []int32     // [int(N·k)] the recruits
	order  []int32     // [≤ maxSortedGroups] groups by activation
	merged []int32     // the next list of active units
	row    []float64   // [D]
	grad   []float64   // [D]
	mean   []float64   // [D]
	z      []float64   // [C]

	winMask, actMask []float64 // [N] the masks View shows
	masked           bool      // they show the current winners and active units

	recruited bool
	err       error

	probes // for the tests only
}

// probes are the switches and counters by which the tests compare the
// model's shortcuts with the literal computations; the model never sets
// the switches itself.
type probes struct {
	literal           bool // always select the winners literally
	lowest            bool // break ties by the lowest index instead (the fixtures tell)
	exactRecruit      bool // always recruit by the heap selection (heapSelect)
	straddled, splits int  // how often the slow paths ran
	unsure            int  // how often nearest could not tell the recruits
}

// New returns a model with no active unit, zero association weights,
// attention 1/D on every dimension and unit positions drawn uniformly
// from [0, 1) by rng (row after row), as rand.New(rng).Float64 draws them.
func New(p Params, rng *rand.PCG) (*Model, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("multi-unit model: no generator for the unit positions")
	}
	n, d, c := p.Units, p.Dims, p.Classes
	nw := p.Winners()
	a := reuse(n, d, c)
	if a == nil {
		a = &arrays{pos: make([]float64, n*d), weights: make([]float64, n*c),
			isActive: make([]bool, n), isWinner: make([]bool, n), group: make([]int32, n)}
	}
	s := &a.scratch
	held := a
	m := &Model{
		p:     p,
		nWin:  nw,
		f:     layers.Activation{C: p.C, R: p.R, LiteralZero: p.LiteralZero},
		assoc: layers.Assoc{Phi: p.Phi, Classes: c},
		local: strings.HasSuffix(p.AttnType, "local"),
		held:  held,

		pos:      a.pos,
		attn:     sized(s.attn, d),
		weights:  a.weights,
		isActive: a.isActive,
		active:   sized(s.active, min(n, 4*nw))[:0],
		isWinner: a.isWinner,
		win:      sized(s.win, nw)[:0],
		winAct:   sized(s.winAct, nw)[:0],
		group:    a.group,
		winMask:  a.winMask,
		actMask:  a.actMask,
		slots:    a.slots,
		heap:     sized(s.heap, nw),
		rec:      sized(s.rec, nw)[:0],
		order:    sized(s.order, maxSortedGroups),
		merged:   sized(s.merged, min(n, 4*nw))[:0],
		row:      sized(s.row, d),
		grad:     sized(s.grad, d),
		mean:     sized(s.mean, d),
		z:        sized(s.z, c),

		gRep: a.gRep[:0], gSize: a.gSize[:0], gWin: a.gWin[:0], gStart: a.gStart[:0], gFill: a.gFill[:0],
		members: a.members[:0], gAct: a.gAct[:0], gSum: a.gSum[:0], gDist: a.gDist[:0], gMove: a.gMove[:0], pairs: a.pairs[:0],
	}
	if len(m.slots) < tableSize(0) {
		m.slots = make([]int32, tableSize(0))
	}
	m.query = scan.Query{C: p.C, R: p.R, Margin: recruitMargin}
	if scan.Supported(p.R) {
		m.cols = scan.NewColumns(n, d)
	}
	if m.cols != nil {
		if m.cells = a.cells; m.cells == nil {
			m.cells = newCells(n, d)
		}
		if m.cells != nil {
			m.seeds = sized(s.seeds, 3*nw)[:0]
		}
	}
	switch {
	case m.cells != nil && m.cells.draw(rng, m.cols, m.pos):
	case m.cols != nil:
		seed.Uniforms(rng, m.pos)
		m.cols.Load(m.pos)
		if m.cells != nil {
			m.cells.load(m.pos, d)
		}
	default:
		seed.Uniforms(rng, m.pos)
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

// ActiveUnits returns the active (recruited) units, ascending (a view).
func (m *Model) ActiveUnits() []int32 { return m.active }

// Representatives returns a member of each group of active units at one
// position, bit for bit (a view): every active unit is at the position of
// one of them, and they are at no other; two of them may share a
// position (see regroup). Groups a recruitment or a move left out of date
// are rebuilt first, as the next prediction would.
func (m *Model) Representatives() []int32 {
	if m.regrow {
		m.regroup()
	}
	return m.gRep
}

// Positions returns the units' positions, n_units × n_dims row-major (a
// view).
func (m *Model) Positions() []float64 { return m.pos }

// Winners returns the last prediction's winners, ascending (a view).
func (m *Model) Winners() []int32 { return m.win }

// Forward predicts the trial's logits, first recruiting units if the
// prediction is wrong or all zero and some association weight is still 0
// (the original's rule), then predicting again.
func (m *Model) Forward(t *stream.Trial) []float64 {
	m.recruited = false
	if m.finished {
		m.finished = false
		m.syncColumns()
	}
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
	m.masked = false
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
		m.straddled++
		m.selectLiteral()
		for _, k := range m.active {
			if m.isWinner[k] {
				m.win = append(m.win, k)
			}
		}
	}
	for _, k := range m.win {
		m.winAct = append(m.winAct, m.gAct[m.group[k]])
	}
	m.assoc.Logits(m.win, m.winAct, m.weights, m.z)
}
