package model

import (
	"math"

	"github.com/fastslow/stream"
)

var _ stream.Observer = (*Model)(nil)

// Observables implements stream.Observer: the scales σ of the recruited
// units, the learner's attention to each dimension (a narrower density
// attends more), which the trial loop records at every block's end.
func (m *Model) Observables() []stream.Observable {
	return []stream.Observable{{Name: "scale", Size: m.p.Dims}}
}

// Observe implements stream.Observer: per dimension, the mean scale of
// the recruited units as saved (before the next forward pass clamps it,
// as the analyses' mean_final_scale; a copy left lazy has its
// representative's), or every unit's initial √w while none is recruited.
func (m *Model) Observe(dst [][]float64) {
	d, out := m.p.Dims, dst[0]
	if len(m.units) == 0 {
		for j := range out {
			out[j] = math.Sqrt(m.p.AttnWeighting)
		}
		return
	}
	// Each dimension's sum in a register, over the units in order (a
	// lazy copy's scales are its representative's, as materialise gives).
	for j := range out {
		var s float64
		for _, k := range m.units {
			s += m.dens.Scale[m.rep[k]*d+j]
		}
		out[j] = s / float64(len(m.units))
	}
}
