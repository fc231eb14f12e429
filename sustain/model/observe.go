package model

import "github.com/fastslow/stream"

var _ stream.Observer = (*Model)(nil)

// Observables implements stream.Observer: the receptive-field tunings λ,
// SUSTAIN's attention to each dimension, which the trial loop records at
// every block's end.
func (m *Model) Observables() []stream.Observable {
	return []stream.Observable{{Name: "attention", Size: m.p.Dims}}
}

// Observe implements stream.Observer.
func (m *Model) Observe(dst [][]float64) { copy(dst[0], m.Lambda()) }
