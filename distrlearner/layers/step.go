package layers

import "github.com/fastslow/distrlearner/internal/normal2"

// Rates holds the learning rates of the SGD groups a fused step takes:
// the scales and the lower part of the factors (lr_attn), the means
// (lr_units) and the association weights (lr_nn).
type Rates struct{ Attn, Units, NN float64 }

// BackwardStep is, for two dimensions and two outputs, the association
// layer's and the density layer's backward passes followed by one SGD step
// without momentum of the given units' parameters (each v + (−lr)·∂v,
// rounded once, as sgd.FusedStep), in one pass over the units; the bits
// are those of Assoc.Backward, Density.Backward and the steps. The
// gradients are not written (GMu, GScale, GLow and GA keep their values),
// and units not listed are not touched: their gradients are 0, so the
// separate step would leave them as they are. It reports false, doing
// nothing, for other sizes.
func BackwardStep(d *Density, a *Assoc, units []int, dz []float64, lr Rates) bool {
	if d.D != 2 || a.C != 2 || d.N != a.N {
		return false
	}
	g := [2]float64{dz[0] * a.Phi, dz[1] * a.Phi}
	r := [3]float64{-lr.Attn, -lr.Units, -lr.NN}
	normal2.BackwardStep(units, &g, d.Act, d.W, a.A, d.Mu, d.Scale, d.Low, &r)
	return true
}
