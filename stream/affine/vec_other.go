//go:build !amd64 || purego

package affine

// kernelSets returns the kernel sets this build runs: none (not amd64, or
// the purego tag).
func kernelSets() []*kernelSet { return nil }

// best is nil: the package's functions run plain Go.
var best *kernelSet
