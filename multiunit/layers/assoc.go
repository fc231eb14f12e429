package layers

// Assoc is the association (classification) layer: the winners' activations
// vote for the classes through the weights A (units × classes, row-major),
// scaled by Phi:
//
//	z_c = Phi · Σ_{k∈W} act_k·A_kc.
type Assoc struct {
	Phi     float64
	Classes int
}

// Logits writes z into z from the winners win (unit indices, ascending),
// their activations act (act[i] is unit win[i]'s) and the weights w.
func (l Assoc) Logits(win []int32, act, w, z []float64) {
	nc := l.Classes
	if nc == 2 { // the common case: the two sums kept in registers, in the same order
		var z0, z1 float64
		for i, k := range win {
			a := act[i]
			row := w[int(k)*2 : int(k)*2+2 : int(k)*2+2]
			z0 += a * row[0]
			z1 += a * row[1]
		}
		z[0], z[1] = z0*l.Phi, z1*l.Phi
		return
	}
	for c := range z[:nc] {
		z[c] = 0
	}
	for i, k := range win {
		a := act[i]
		row := w[int(k)*nc : int(k)*nc+nc]
		for c, v := range row {
			z[c] += a * v
		}
	}
	for c := range z[:nc] {
		z[c] *= l.Phi
	}
}

// Step takes the SGD step A −= lr·∂L/∂A given dz = ∂L/∂z (win and act as
// in Logits): the gradient is ∂L/∂A_kc = act_k·(Phi·dz_c) for the winners
// and 0 for every other unit, whose weights are therefore left as they are.
func (l Assoc) Step(win []int32, act, w, dz []float64, lr float64) {
	nc := l.Classes
	for i, k := range win {
		a := act[i]
		row := w[int(k)*nc : int(k)*nc+nc]
		for c := range row {
			row[c] -= lr * (a * (dz[c] * l.Phi))
		}
	}
}

// Grad writes ∂L/∂A into g (same layout as the weights) given dz = ∂L/∂z.
// The model steps the weights with Step, which touches the winners only;
// Grad is the dense form, for tests and for callers that need it.
func (l Assoc) Grad(win []int32, act, dz, g []float64) {
	for i := range g {
		g[i] = 0
	}
	nc := l.Classes
	for i, k := range win {
		for c := 0; c < nc; c++ {
			g[int(k)*nc+c] = act[i] * (dz[c] * l.Phi)
		}
	}
}
