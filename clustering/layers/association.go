package layers

// Association computes the logits z_c = Φ · Σ_k o_k A_kc from the cluster
// outputs o (K values) and the association weights A (K×C).
type Association struct {
	K, C int
	Phi  float64

	o, a []float64
	out  []float64
	gl   []float64
}

// NewAssociation returns the association layer of k clusters and c classes.
func NewAssociation(k, c int, phi float64) *Association {
	return &Association{K: k, C: c, Phi: phi, out: make([]float64, c), gl: make([]float64, c)}
}

// Reset puts the layer back as NewAssociation made it, for a model
// reused by another run.
func (l *Association) Reset() {
	clear(l.out)
	clear(l.gl)
	l.o, l.a = nil, nil
}

// Forward returns z (C values, owned by the layer). Only the rows listed
// contribute (the others must have o_k = 0).
func (l *Association) Forward(o, a []float64, rows []int) []float64 {
	l.o, l.a = o, a
	C := l.C
	for c := range l.out {
		// Each class's sum in the order of the rows, in a register (a
		// sum kept in memory waits on its own store every row).
		var z float64
		for _, k := range rows {
			z += o[k] * a[k*C+c]
		}
		l.out[c] = z * l.Phi
	}
	return l.out
}

// Backward writes ∂L/∂o into gout (K values) and ∂L/∂A into ga (K×C) from
// gz = ∂L/∂z.
func (l *Association) Backward(gz, gout, ga []float64) {
	C := l.C
	for c := range l.gl {
		l.gl[c] = gz[c] * l.Phi
	}
	for k, ok := range l.o {
		var g float64
		for c := range C {
			g += l.gl[c] * l.a[k*C+c]
			ga[k*C+c] = ok * l.gl[c]
		}
		gout[k] = g
	}
}
