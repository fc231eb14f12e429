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

// Forward writes the logits of the given units' activations into z,
// summed in the order of units. A unit may be listed for another whose
// activation and weights it has (a lazy copy, listed as its
// representative): the sum is then the same, bit for bit.
func (l *Assoc) Forward(act []float64, units []int, z []float64) {
	if l.C == 2 {
		l.forward2(act, units, z)
		return
	}
	l.forward(act, units, z)
}

// forward is Forward for any number of outputs.
func (l *Assoc) forward(act []float64, units []int, z []float64) {
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
	if l.C == 2 {
		l.backward2(act, units, dz, dAct)
		return
	}
	l.backward(act, units, dz, dAct)
}

// backward is Backward for any number of outputs.
func (l *Assoc) backward(act []float64, units []int, dz, dAct []float64) {
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

// forward2 is Forward for two outputs, unrolled (the same bits).
func (l *Assoc) forward2(act []float64, units []int, z []float64) {
	var z0, z1 float64
	for _, k := range units {
		a := act[k]
		row := (*[2]float64)(l.A[2*k : 2*k+2])
		z0 += a * row[0]
		z1 += a * row[1]
	}
	z[0], z[1] = z0*l.Phi, z1*l.Phi
}

// backward2 is Backward for two outputs, unrolled (the same bits).
func (l *Assoc) backward2(act []float64, units []int, dz, dAct []float64) {
	g0, g1 := dz[0]*l.Phi, dz[1]*l.Phi
	for _, k := range units {
		a := act[k]
		row := (*[2]float64)(l.A[2*k : 2*k+2])
		grow := (*[2]float64)(l.GA[2*k : 2*k+2])
		grow[0], grow[1] = a*g0, a*g1
		dAct[k] = g0*row[0] + g1*row[1]
	}
}
