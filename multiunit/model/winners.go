package model

import (
	"cmp"
	"math"
	"slices"

	"github.com/fastslow/stream/topk"
)

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

// selectByGroups lists the winners (win, isWinner, gWin) when the choice does
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
	// The winners are the members of the winning groups, ascending.
	win := m.win[:0]
	for _, g := range order[:cut] {
		m.gWin[g] = m.gSize[g]
		win = append(win, m.members[m.gStart[g]:m.gStart[g+1]]...)
	}
	if cut > 1 {
		slices.Sort(win)
	}
	for _, k := range win {
		m.isWinner[k] = true
	}
	m.win = win
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
	// Each group's members, ascending (the active units are), from
	// members[gStart[g]] to members[gStart[g+1]].
	m.gStart = grow(m.gStart, ng+1)
	m.gStart[0] = 0
	for g, n := range m.gSize {
		m.gStart[g+1] = m.gStart[g] + n
	}
	m.members = grow(m.members, len(m.active))
	fill := grow(m.gFill, ng)
	copy(fill, m.gStart[:ng])
	for _, k := range m.active {
		g := m.group[k]
		m.members[fill[g]] = k
		fill[g]++
	}
	m.gFill = fill
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
