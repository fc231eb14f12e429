//go:build !purego

package affine

import "golang.org/x/sys/cpu"

var (
	avx2Set = &kernelSet{
		name:             "AVX2",
		forward:          forwardAVX2,
		forwardRows8:     forwardRows8AVX2,
		backwardStep:     backwardStepAVX2,
		backwardStepCols: backwardStepColsAVX2,
		backwardStepNoDx: backwardStepNoDxAVX2,
		momentum:         backwardStepMomentumAVX2,
		momentumCols:     backwardStepMomentumColsAVX2,
		momentumNoDx:     backwardStepMomentumNoDxAVX2,
		step:             stepAVX2,
		stepMomentum:     stepMomentumAVX2,
		relu:             reluAVX2,
		reluBackward:     reluBackwardAVX2,

		forward32:          forward32AVX2,
		forward32Lag:       forward32LagAVX2,
		backwardStep32:     backwardStep32AVX2,
		backwardStep32NoDx: backwardStep32NoDxAVX2,
		momentum32:         backwardStepMomentum32AVX2,
		momentum32NoDx:     backwardStepMomentum32NoDxAVX2,
		step32:             step32AVX2,
		stepMomentum32:     stepMomentum32AVX2,
		relu32:             relu32AVX2,
		reluBackward32:     reluBackward32AVX2,
	}
	// The forward pass keeps AVX2: its lanes are rows, gathered two
	// columns at a time, which wider vectors do not make cheaper.
	avx512Set = &kernelSet{
		name:               "AVX-512",
		forward:            forwardAVX2,
		forwardRows8:       forwardRows8AVX2,
		forwardT:           forwardTAVX512,
		forwardWide:        forwardWideAVX512,
		backwardStep:       backwardStepAVX512,
		backwardStepCols:   backwardStepColsAVX512,
		backwardStepNoDx:   backwardStepNoDxAVX512,
		backwardStepWide:   backwardStepWideAVX512,
		backwardStepListed: backwardStepListedAVX512,
		momentum:           backwardStepMomentumAVX512,
		momentumCols:       backwardStepMomentumColsAVX512,
		momentumNoDx:       backwardStepMomentumNoDxAVX512,
		step:               stepAVX512,
		stepMomentum:       stepMomentumAVX512,
		relu:               reluAVX512,
		reluBackward:       reluBackwardAVX512,
		backwardStepRow:    backwardStepRowAVX512,
		momentumRow:        backwardStepMomentumRowAVX512,
		backwardStepFlat:   backwardStepFlatAVX512,
		momentumFlat:       backwardStepMomentumFlatAVX512,
		stackForward:       stackForwardAVX512,
		stackBackward:      stackBackwardAVX512,

		forward32:          forward32AVX2,
		forward32Lag:       forward32LagAVX2,
		backwardStep32:     backwardStep32AVX512,
		backwardStep32NoDx: backwardStep32NoDxAVX512,
		momentum32:         backwardStepMomentum32AVX512,
		momentum32NoDx:     backwardStepMomentum32NoDxAVX512,
		step32:             step32AVX512,
		stepMomentum32:     stepMomentum32AVX512,
		relu32:             relu32AVX512,
		reluBackward32:     reluBackward32AVX512,
	}
)

// kernelSets returns the kernel sets this CPU runs, the best last.
func kernelSets() []*kernelSet {
	var ks []*kernelSet
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Set)
		// AVX-512VL for the ymm and xmm registers 16–31 the kernels use.
		if cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL {
			ks = append(ks, avx512Set)
		}
	}
	return ks
}

// best is the kernel set the package's functions use, read once from the
// CPU's features; nil (plain Go) without AVX2 and FMA.
var best = last(kernelSets())

func last(ks []*kernelSet) *kernelSet {
	if len(ks) == 0 {
		return nil
	}
	return ks[len(ks)-1]
}
