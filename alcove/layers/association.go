package layers

// Association is ALCOVE's output layer: output node k has activation
// a_k = Σ_j w_kj·a_j, a linear combination of the hidden activations.
type Association struct {
	C, H int
	out  []float64
}

// NewAssociation returns an output layer of c nodes over h hidden nodes.
func NewAssociation(c, h int) *Association {
	return &Association{C: c, H: h, out: make([]float64, c)}
}

// Forward returns the output activations for hidden activations act (H)
// and weights w (C×H). The returned slice is owned by the layer.
func (l *Association) Forward(w, act []float64) []float64 {
	H := l.H
	for k := 0; k < l.C; k++ {
		row := w[k*H : k*H+H]
		var s float64
		for j, a := range act {
			s += a * row[j]
		}
		l.out[k] = s
	}
	return l.out
}

// Backward takes gout = ∂E/∂a_out and the forward pass's hidden
// activations act and weights w. It writes scale·∂E/∂w into dw (C×H),
// each entry grouped as (scale·gout_k)·act_j (with scale = −λ_w this is
// catlearn's weight change, bit for bit), and ∂E/∂a_hid into gact (H).
func (l *Association) Backward(gout, act, w []float64, scale float64, dw, gact []float64) {
	H := l.H
	for k := 0; k < l.C; k++ {
		sg := scale * gout[k]
		drow := dw[k*H : k*H+H]
		for j, a := range act {
			drow[j] = sg * a
		}
	}
	for j := 0; j < H; j++ {
		var s float64
		for k := 0; k < l.C; k++ {
			s += gout[k] * w[k*H+j]
		}
		gact[j] = s
	}
}
