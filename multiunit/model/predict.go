package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)

// Predict implements stream.Predictor: the logits of t.X from the current
// units and weights, without the recruitment step, so the state does not
// change.
func (m *Model) Predict(t *stream.Trial) []float64 {
	m.recruited = false
	if m.err != nil {
		return m.Forward(t) // NaN logits, as Forward gives
	}
	m.predict(t.X)
	return m.z
}
