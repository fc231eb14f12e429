package layers

// Assoc is the original's ClsLayer behind its MaskNonRecruit: the logits
// z_c = Φ·Σ_k act_k·A_kc summed over the recruited units only (the mask
// sets every other activation to 0, and so their gradients too).
type Assoc struct {
	N, C int
	Phi  float64
	A    []float64 // N×C association weights
	GA   []float64 // ∂L/∂A of the last Backward

	dzPhi []float64 // C: Φ·∂L/∂z, scratch
}

// NewAssoc returns a layer of n units and c outputs, every weight 0.
func NewAssoc(n, c int, phi float64) *Assoc {
	return &Assoc{N: n, C: c, Phi: phi, A: make([]float64, n*c), GA: make([]float64, n*c), dzPhi: make([]float64, c)}
}

// Forward writes the logits of the given units' activations into z.
func (l *Assoc) Forward(act []float64, units []int, z []float64) {
	c := l.C
	for i := range z {
		z[i] = 0
	}
	for _, k := range units {
		a := act[k]
		row := l.A[k*c : k*c+c]
		for i, v := range row {
			z[i] += a * v
		}
	}
	for i := range z {
		z[i] *= l.Phi
	}
}

// Backward writes ∂L/∂A_kc = act_k·Φ·dz_c into GA and ∂L/∂act_k =
// Σ_c Φ·dz_c·A_kc into dAct for the given units, from dz = ∂L/∂z.
func (l *Assoc) Backward(act []float64, units []int, dz, dAct []float64) {
	c := l.C
	g := l.dzPhi
	for i, v := range dz {
		g[i] = v * l.Phi
	}
	for _, k := range units {
		a := act[k]
		row := l.A[k*c : k*c+c]
		grow := l.GA[k*c : k*c+c]
		var s float64
		for i, v := range row {
			grow[i] = a * g[i]
			s += g[i] * v
		}
		dAct[k] = s
	}
}
