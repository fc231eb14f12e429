package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)
var _ stream.Stream = (*Model)(nil)

// Predict implements stream.Predictor: the logits of t.X from the current
// state, as Forward's prediction computes them (the attention constraint
// applied first), without recruiting; the stored attention is put back,
// so the state does not change.
func (m *Model) Predict(t *stream.Trial) []float64 {
	if m.kept == nil {
		m.kept = make([]float64, len(m.attn))
	}
	copy(m.kept, m.attn)
	m.recruited = false
	m.constrain()
	m.predict(t.X, false)
	copy(m.attn, m.kept)
	return m.z
}
