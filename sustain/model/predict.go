package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Model)(nil)
var _ stream.Stream = (*Model)(nil)

// Predict implements stream.Predictor: a Frozen trial (catlearn's ctrl 2),
// which responds without recruiting or learning.
func (m *Model) Predict(t *stream.Trial) []float64 { return m.Present(t.X, t.Target, Frozen) }
