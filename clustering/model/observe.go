package model

import "github.com/fastslow/stream"

var _ stream.Observer = (*Model)(nil)

// Observables implements stream.Observer: the attention weights the next
// prediction will use (NormalisedAttention: with the sum-to-one
// constraint, the stored weights clipped at 1e-6 and normalised), which
// the trial loop records at every block's end.
func (m *Model) Observables() []stream.Observable {
	return []stream.Observable{{Name: "attention", Size: len(m.attn)}}
}

// Observe implements stream.Observer.
func (m *Model) Observe(dst [][]float64) { m.NormalisedAttention(dst[0]) }
