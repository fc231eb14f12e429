package model

import (
	"math"
	"slices"

	"github.com/fastslow/multiunit/internal/scan"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/topk"
)

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
// (topk.Select, heapSelect). Usually the candidates of smallest exponent
// e = c·S^(1/r) are those and are found without computing activations
// (nearest); otherwise heapSelect calls exp only for candidates that can
// enter the heap: a candidate whose exponent exceeds that of the heap's
// worst by more than 1e-9 has an activation smaller by a factor below
// 1 − 1e-9, far beyond the few ulps of error of exp, so it cannot be
// strictly better and is passed over without computing its activation.
func (m *Model) recruitUnits(t *stream.Trial) int {
	x := t.X
	d := m.p.Dims
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
	// The scan's columns hold the inactive units only, so on a first trial
	// with active units (after SetState) every unit is looked at.
	useScan := m.cols != nil && (!first || len(m.active) == 0)
	rec, ok := m.rec[:0], false
	if useScan && !m.exactRecruit {
		rec, ok = m.nearest(x, k)
	}
	if !ok {
		m.unsure++
		rec = m.heapSelect(x, k, first, useScan)
	}
	if len(rec) == 0 {
		return 0
	}
	slices.Sort(rec)
	for _, u := range rec {
		copy(m.pos[int(u)*d:int(u+1)*d], x)
		if m.cols != nil {
			m.cols.Exclude(int(u))
		}
	}
	m.activate(rec)
	m.regrow = true
	return len(rec)
}

// nearest returns the k candidates of smallest exponent, unsorted, and
// reports whether they are the units heapSelect returns; it returns false
// when it cannot tell. They are when every other candidate's exponent
// exceeds the largest of theirs, E, by more than recruitMargin and c·e^−E
// is a normal number: every activation of theirs is then strictly larger
// than every other candidate's, and any heap selection keeps exactly
// them, whatever the order it takes the candidates in. So no activation
// is computed but c·e^−E, the heap compares exponents (V = −e), and the
// units of the cells around the stimulus are taken first, so that the
// scan that follows finds few units it cannot pass over.
func (m *Model) nearest(x []float64, k int) ([]int32, bool) {
	d, n := m.p.Dims, m.p.Units
	h := m.heap[:k]
	for i := range h {
		h[i] = topk.Pair{V: math.Inf(-1), I: -1} // no unit yet
	}
	// near is the smallest exponent of a candidate looked at and left out
	// of the heap (or put out of it): the heap's members are the k nearest
	// units only if it stays more than recruitMargin above E. Those the
	// scan passes over are: their exponents exceed the heap's worst at
	// the time, which only decreases, by more than recruitMargin.
	near := math.Inf(1)
	ok := true
	offer := func(i int) {
		e := m.f.Exponent(m.f.Dist(x, m.pos[i*d:(i+1)*d], m.attn, m.row))
		if e != e {
			ok = false // NaN: torch ranks it first; leave it to heapSelect
			return
		}
		if w := -h[0].V; e >= w {
			near = min(near, e)
			return
		}
		near = min(near, -h[0].V)
		topk.Offer(h, topk.Pair{V: -e, I: int32(i)})
	}
	c := m.cells
	seeds := m.seeds[:0]
	if c != nil {
		c.around(x, func(i int32) bool {
			if !m.isActive[i] {
				c.seen[i] = true
				seeds = append(seeds, i)
				offer(int(i))
			}
			return ok && len(seeds) < 3*k
		})
	}
	q := &m.query
	q.X, q.A = x, m.attn
	for i := 0; i < n && ok; i++ {
		q.Worst = -h[0].V
		if i = m.cols.Next(i, q); i == n {
			break
		}
		if !m.isActive[i] && (c == nil || !c.seen[i]) {
			offer(i)
		}
	}
	for _, i := range seeds {
		c.seen[i] = false
	}
	last := -h[0].V
	if !ok || !(near-last > recruitMargin) || !(m.f.ActExp(last) >= 0x1p-1022) {
		return nil, false // a unit left out is too close to tell, or none is left, or an activation is not normal
	}
	rec := m.rec[:0]
	for _, p := range h {
		rec = append(rec, p.I)
	}
	return rec, true
}

// heapSelect returns the units recruitUnits activates, unsorted: the
// candidates with a nonzero activation among those torch.topk's heap
// selection keeps, taking every candidate in index order (useScan: the
// scan passes over those that cannot enter).
func (m *Model) heapSelect(x []float64, k int, first, useScan bool) []int32 {
	n, d := m.p.Units, m.p.Dims
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
	worst := math.Inf(1) // the exponent of the heap's worst pair, if it is a candidate
	if h[0].V != 0 {
		worst = exponent(int(h[0].I))
	}
	// The scan passes over the units that cannot enter, lanes at a time.
	q := &m.query
	if useScan {
		q.X, q.A = x, m.attn
	}
	for i := k; i < n; i++ {
		if useScan {
			q.Worst = worst
			if i = m.cols.Next(i, q); i == n {
				break
			}
		}
		if !candidate(i) {
			continue // value 0: never strictly better than the heap's worst
		}
		e := exponent(i)
		if e-worst > recruitMargin {
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
	return rec
}

// recruitMargin is how far above the heap's worst exponent a candidate's
// may be and still be looked at (see recruitUnits).
const recruitMargin = 1e-9

// syncColumns loads the recruitment scan's columns from the positions and
// excludes the active units, making them first if Finish dropped them.
func (m *Model) syncColumns() {
	if !scan.Supported(m.p.R) {
		return
	}
	if m.cols == nil {
		m.cols = scan.NewColumns(m.p.Units, m.p.Dims)
	}
	m.cols.Load(m.pos)
	if m.cells != nil {
		m.cells.load(m.pos, m.p.Dims)
	}
	for _, k := range m.active {
		m.cols.Exclude(int(k))
	}
}

// activate marks the units rec (ascending) active and merges them into the
// sorted list of active units.
func (m *Model) activate(rec []int32) {
	m.masked = false
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
