package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Learner)(nil)
var _ stream.Stream = (*Learner)(nil)

// Predict implements stream.Predictor: the logits of t.X from the current
// units, without the recruitment step. A prediction clamps the factors of
// the units first (as the original's forward pass does); Predict puts
// them back as they were, so the state does not change (the next Forward
// clamps them again).
func (l *Learner) Predict(t *stream.Trial) []float64 {
	l.recruited = false
	d := l.dens
	n := len(d.Scale)
	if l.kept == nil {
		l.kept = make([]float64, n+len(d.Low))
	}
	copy(l.kept, d.Scale)
	copy(l.kept[n:], d.Low)
	dirty := l.dirty
	l.predict(t.X)
	copy(d.Scale, l.kept[:n])
	copy(d.Low, l.kept[n:])
	l.dirty = dirty
	return l.z
}
