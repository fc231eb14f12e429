package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)
var _ stream.Stream = (*Model)(nil)

// Predict implements stream.Predictor: the logits of t.X from the current
// units, without the recruitment step. A prediction clamps the factors of
// the units first (as the original's forward pass does); Predict puts
// them back as they were, so the state does not change (the next Forward
// clamps them again).
func (m *Model) Predict(t *stream.Trial) []float64 {
	m.recruited = false
	d := m.dens
	n := len(d.Scale)
	if m.kept == nil {
		m.kept = make([]float64, n+len(d.Low))
	}
	copy(m.kept, d.Scale)
	copy(m.kept[n:], d.Low)
	dirty := m.dirty
	m.predict(t.X)
	copy(d.Scale, m.kept[:n])
	copy(d.Low, m.kept[n:])
	m.dirty = dirty
	return m.z
}
