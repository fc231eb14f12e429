//go:build !purego

package affine

// stackForwardAVX512 is Stack.Forward with the AVX-512 set's kernels
// called directly.
func stackForwardAVX512(s *Stack) {
	for i := range s.layers {
		l := &s.layers[i]
		switch {
		case len(l.ty) == 0:
		case l.wide:
			forwardWideAVX512(l.tw, l.X, l.tb, l.ty, l.relu)
		default:
			forwardTAVX512(l.tw, l.X, l.tb, l.ty, l.tail, l.relu)
		}
		switch {
		case len(l.ry) == 0:
		case len(l.X)%aliasN == 0:
			forwardRows8AVX2(l.rw, l.X, l.rb, l.ry, l.relu)
		default:
			forwardAVX2(l.rw, l.X, l.rb, l.ry, l.relu)
		}
		if l.prune {
			l.live = reluFinite(s.k, l.Y)
		}
	}
}

// stackBackwardAVX512 is Stack.BackwardStep with the AVX-512 set's
// register and flat kernels and its steps called directly (the others
// through the per-layer functions).
func stackBackwardAVX512(s *Stack) {
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := &s.layers[i]
		switch {
		case l.regs && s.momentum:
			backwardStepMomentumRowAVX512(l.W, l.V, l.X, l.DY, l.DX, l.Act, s.a, s.m)
		case l.regs:
			backwardStepRowAVX512(l.W, l.X, l.DY, l.DX, l.Act, s.a)
		case l.flat && s.momentum:
			backwardStepMomentumFlatAVX512(l.W, l.V, l.X, l.DY, l.idx, s.a, s.m, l.tails)
		case l.flat:
			backwardStepFlatAVX512(l.W, l.X, l.DY, l.idx, s.a, l.tails)
		default:
			s.backwardLayer(l)
		}
	}
	if s.momentum {
		stepMomentumAVX512(s.bias, s.vb, s.gb, s.a, s.m)
	} else {
		stepAVX512(s.bias, s.gb, s.a)
	}
}
