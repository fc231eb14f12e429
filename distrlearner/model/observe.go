package model

import (
	"math"

	"github.com/fastslow/stream"
)

var _ stream.Observer = (*Learner)(nil)

// Observables implements stream.Observer: the scales σ of the recruited
// units, the learner's attention to each dimension (a narrower density
// attends more), which the trial loop records at every block's end.
func (l *Learner) Observables() []stream.Observable {
	return []stream.Observable{{Name: "scale", Size: l.cfg.Dims}}
}

// Observe implements stream.Observer: per dimension, the mean scale of
// the recruited units as saved (before the next forward pass clamps it,
// as the analyses' mean_final_scale; a copy left lazy has its
// representative's), or every unit's initial √w while none is recruited.
func (l *Learner) Observe(dst [][]float64) {
	d, out := l.cfg.Dims, dst[0]
	if len(l.units) == 0 {
		for j := range out {
			out[j] = math.Sqrt(l.cfg.AttnWeighting)
		}
		return
	}
	clear(out)
	for _, k := range l.units {
		r := l.rep[k] // a lazy copy's scales are its representative's (materialise)
		for j := range out {
			out[j] += l.dens.Scale[r*d+j]
		}
	}
	for j := range out {
		out[j] /= float64(len(l.units))
	}
}
