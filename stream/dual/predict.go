package dual

import "github.com/fastslow/stream"

var _ stream.Predictor = (*Dual)(nil)

// Predict implements stream.Predictor: the sum of the parts' responses
// with learning frozen (Predict for a part that is a stream.Predictor,
// Forward for one that is not, whose Forward must then change no state).
func (d *Dual) Predict(t *stream.Trial) []float64 {
	zf := predict(d.Fast, t)
	zs := predict(d.Slow, t)
	if len(d.z) != len(zf) {
		d.z = make([]float64, len(zf))
	}
	for c := range zf {
		d.z[c] = zf[c] + zs[c]
	}
	d.parts[0], d.parts[1] = zf, zs
	return d.z
}

func predict(s stream.Stream, t *stream.Trial) []float64 {
	if p, ok := s.(stream.Predictor); ok {
		return p.Predict(t)
	}
	return s.Forward(t)
}
