package model

import (
	"fmt"
	"slices"
	"sync"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/topk"
)

// Finish gives back the recruitment scan's columns (for the next run's
// model to reuse) and drops the scratch of activate at the end of a run;
// a later Forward rebuilds the columns.
func (m *Model) Finish() {
	if m.cols != nil {
		m.cols.Release()
		m.cols = nil
		m.finished = true
	}
	m.merged = nil
	m.active = slices.Clip(m.active)
}

// Release gives the model's large arrays back (stream.Releaser) for the
// next model New builds with the same sizes; m must not be used
// afterwards.
func (m *Model) Release() {
	merged := m.merged // Finish drops it
	m.Finish()
	a := m.held
	*a = arrays{pos: m.pos, weights: m.weights, winMask: m.winMask, actMask: m.actMask,
		isActive: m.isActive, isWinner: m.isWinner, group: m.group, cells: m.cells,
		groups: groups{gRep: m.gRep, gSize: m.gSize, gWin: m.gWin, gStart: m.gStart, gFill: m.gFill,
			members: m.members, slots: m.slots, gAct: m.gAct, gSum: m.gSum, gDist: m.gDist, gMove: m.gMove, pairs: m.pairs},
		scratch: scratch{active: m.active, merged: merged, win: m.win, winAct: m.winAct, rec: m.rec, seeds: m.seeds, order: m.order,
			attn: m.attn, row: m.row, grad: m.grad, mean: m.mean, z: m.z, heap: m.heap}}
	if !m.loaded {
		a.touched = m.active
	}
	spare.Put(a)
	*m = Model{}
}

// arrays are the large arrays of a released model.
type arrays struct {
	pos, weights, winMask, actMask []float64
	isActive, isWinner             []bool
	group                          []int32
	cells                          *cells // nil if the model had none
	groups
	scratch

	// touched are the units whose weights, group and flags the released
	// model may have set (its active units: only winners learn, and they
	// are active), nil when SetState may have set any: reuse clears only
	// theirs.
	touched []int32
}

// groups are the buffers of a released model that grew with its active
// units and groups (scratch, whatever they hold): the next model starts
// with their sizes instead of growing its own from nothing in its first
// trials, a dozen allocations a run.
type groups struct {
	gRep, gSize, gWin, gStart, gFill, members, slots []int32
	gAct, gSum, gDist, gMove                         []float64
	pairs                                            []topk.Pair
}

// scratch are the small buffers of a released model, sized by its D, C
// and int(N·k): the next model takes those that are large enough
// (whatever they hold: it overwrites them before reading them).
type scratch struct {
	active, merged, win, rec, seeds, order []int32
	attn, winAct, row, grad, mean, z       []float64
	heap                                   []topk.Pair
}

// sized returns s[:n] if s can hold n elements, else a new slice of n.
func sized[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// spare holds released models' arrays: a cache of memory shared by the
// models of a process, which no result depends on (New clears what it
// reuses, or overwrites it).
var spare sync.Pool

// reuse returns released arrays for a model of n units in d dimensions
// and c classes, cleared but for the positions (which New draws), or nil.
func reuse(n, d, c int) *arrays {
	a, ok := spare.Get().(*arrays)
	if !ok || len(a.pos) != n*d || len(a.weights) != n*c || len(a.isActive) != n {
		return nil
	}
	if a.touched == nil {
		clear(a.weights)
		clear(a.isActive)
		clear(a.isWinner)
		clear(a.group)
		return a
	}
	// The winners are active: their flags are among the touched units'.
	for _, u := range a.touched {
		clear(a.weights[int(u)*c : int(u+1)*c])
		a.isActive[u], a.isWinner[u], a.group[u] = false, false, 0
	}
	a.touched = nil
	return a
}

// State returns a copy of the model's state under the original's
// state_dict names.
func (m *Model) State() []stream.Array {
	st := m.View()
	for i := range st {
		st[i].Data = slices.Clone(st[i].Data)
	}
	return st
}

// View returns the model's state as State does, every array a view of the
// model's own memory (see stream.Viewer): the two masks are kept in
// buffers of their own, filled anew only when a prediction or SetState
// has changed the winners or the active units since the last View (the
// analyses and the checkpoint of a finished run view it several times).
func (m *Model) View() []stream.Array {
	n, d, c := m.p.Units, m.p.Dims, m.p.Classes
	if !m.masked {
		m.fillMasks()
	}
	return []stream.Array{
		{Name: NamePositions, Shape: []int{n, d}, Data: m.pos},
		{Name: NameAttention, Shape: []int{1, d}, Data: m.attn},
		{Name: NameWinners, Shape: []int{n}, Data: m.winMask},
		{Name: NameActive, Shape: []int{n}, Data: m.actMask},
		{Name: NameAssoc, Shape: []int{n, c}, Data: m.weights},
	}
}

// fillMasks fills the two masks View shows from the lists of winners and
// active units.
func (m *Model) fillMasks() {
	n := m.p.Units
	if m.winMask == nil {
		m.winMask, m.actMask = make([]float64, n), make([]float64, n)
	} else {
		clear(m.winMask)
		clear(m.actMask)
	}
	for _, k := range m.win {
		m.winMask[k] = 1
	}
	for _, k := range m.active {
		m.actMask[k] = 1
	}
	m.masked = true
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
	m.loaded = true
	m.active = m.active[:0]
	m.win = m.win[:0]
	m.masked = false
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
	m.syncColumns()
	return nil
}
