package model

import "github.com/fastslow/stream"

// Observables implements stream.Observer: the stored attention weights, after the last step and not normalised (as the analyses' mean_final_attention), which the trial loop
// records at every block's end.
func (m *Model) Observables() []stream.Observable {
	return []stream.Observable{{Name: "attention", Size: len(m.attn)}}
}

// Observe implements stream.Observer.
func (m *Model) Observe(dst [][]float64) { copy(dst[0], m.attn) }
