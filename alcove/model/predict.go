package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)
var _ stream.Stream = (*Model)(nil)

// Predict implements stream.Predictor: ALCOVE's Forward changes no state
// (its nodes are fixed and it recruits nothing), so a frozen trial's
// response is Forward's.
func (m *Model) Predict(t *stream.Trial) []float64 { return m.Forward(t) }
