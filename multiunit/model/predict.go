package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)
var _ stream.Stream = (*Model)(nil)
var _ stream.Failer = (*Model)(nil)
var _ stream.Viewer = (*Model)(nil)
var _ stream.Finisher = (*Model)(nil)
var _ stream.Releaser = (*Model)(nil)

// kept holds the last trial's winners while Predict computes its own.
type kept struct {
	win    []int32
	winAct []float64
}

// Predict implements stream.Predictor: the logits of t.X from the current
// units and weights, without the recruitment step. The prediction records
// its winners, as Forward's does (the state's MaskLayer.winning_units);
// Predict puts the last trial's back, so the state does not change.
func (m *Model) Predict(t *stream.Trial) []float64 {
	m.recruited = false
	if m.err != nil {
		return m.Forward(t) // NaN logits, as Forward gives
	}
	if m.kept == nil {
		m.kept = &kept{}
	}
	k := m.kept
	k.win = append(k.win[:0], m.win...)
	k.winAct = append(k.winAct[:0], m.winAct...)
	m.predict(t.X)
	for _, u := range m.win {
		m.isWinner[u] = false
	}
	for _, u := range k.win {
		m.isWinner[u] = true
	}
	m.win = append(m.win[:0], k.win...)
	m.winAct = append(m.winAct[:0], k.winAct...)
	return m.z
}
