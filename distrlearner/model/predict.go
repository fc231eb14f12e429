package model

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Learner)(nil)

// Predict implements stream.Predictor: the logits of t.X from the current
// units, without the recruitment step, so the state does not change (the
// factors' clamp after SetState is the one Forward would apply).
func (l *Learner) Predict(t *stream.Trial) []float64 {
	l.recruited = false
	l.predict(t.X)
	return l.z
}
