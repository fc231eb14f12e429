package model

import (
	"fmt"
	"math"

	"github.com/fastslow/stream"
)

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
//
// The winners of a group sit at the same position and so move alike:
// each move is computed once per group (the same operations on the same
// values), and the mean still sums the winners one by one, in order.
func (m *Model) moveUnits(x []float64) {
	if len(m.win) == 0 {
		return
	}
	d := m.p.Dims
	lr := m.p.LRClusters
	at := grow(m.gMove, len(m.gRep)*d) // each winning group's position after the first move
	m.gMove = at
	for g, rep := range m.gRep {
		if m.gWin[g] == 0 {
			continue
		}
		u := m.pos[int(rep)*d : int(rep+1)*d]
		v := at[g*d : g*d+d]
		for j := range v {
			v[j] = u[j] + (x[j]-u[j])*lr
		}
	}
	mean := m.mean
	if d == 3 { // the common case: the sums kept in registers, in the same order
		var m0, m1, m2 float64
		for _, k := range m.win {
			g := int(m.group[k]) * 3
			v := at[g : g+3 : g+3]
			m0 += v[0]
			m1 += v[1]
			m2 += v[2]
		}
		mean[0], mean[1], mean[2] = m0, m1, m2
	} else {
		for j := range mean {
			mean[j] = 0
		}
		for _, k := range m.win {
			g := int(m.group[k])
			for j, v := range at[g*d : g*d+d] {
				mean[j] += v
			}
		}
	}
	nw := float64(len(m.win))
	for j := range mean {
		mean[j] /= nw
	}
	for g := range m.gRep {
		if m.gWin[g] == 0 {
			continue
		}
		v := at[g*d : g*d+d]
		for j := range v {
			v[j] += (mean[j] - v[j]) * lr
		}
	}
	if d == 3 {
		for _, k := range m.win {
			g, u := int(m.group[k])*3, int(k)*3
			v, p := at[g:g+3:g+3], m.pos[u:u+3:u+3]
			p[0], p[1], p[2] = v[0], v[1], v[2]
		}
	} else {
		for _, k := range m.win {
			g := int(m.group[k])
			copy(m.pos[int(k)*d:int(k+1)*d], at[g*d:g*d+d])
		}
	}
	// The winners of a group moved identically; a group of which only
	// some members won has split.
	for g := range m.gRep {
		if w := m.gWin[g]; w != 0 && w != m.gSize[g] {
			m.splits++
			m.regrow = true
			break
		}
	}
}
