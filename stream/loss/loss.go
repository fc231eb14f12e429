// Package loss holds the losses a stream learns from, with their
// gradients with respect to the logits, and the probability of error that
// the learning curves average.
package loss

import (
	"fmt"
	"math"

	"github.com/fastslow/stream/vmath"
)

// Func is a loss on logits z against a target y. Eval returns the loss and,
// when dz is not nil, writes ∂L/∂z into it. It allocates nothing.
type Func interface {
	Name() string
	Eval(z, y, dz []float64) float64
}

// Names lists the losses ByName knows.
var Names = []string{"bcelogits", "crossentropy"}

// ByName returns the loss called name: "bcelogits" or "crossentropy".
func ByName(name string) (Func, error) {
	switch name {
	case "bcelogits":
		return BCELogits{}, nil
	case "crossentropy":
		return CrossEntropy{}, nil
	}
	return nil, fmt.Errorf("unknown loss %q (want one of %v)", name, Names)
}

// BCELogits is PyTorch's BCEWithLogitsLoss with mean reduction over the C
// outputs: L = mean_c[softplus(z_c) − y_c z_c], ∂L/∂z_c = (σ(z_c) − y_c)/C.
type BCELogits struct{}

// Name returns "bcelogits".
func (BCELogits) Name() string { return "bcelogits" }

// Eval implements Func. The logarithms and the sigmoids of 4 logits at a
// time are taken together in lanes (vmath.SoftplusSigmoid4), with the
// stable form's bits: for a finite z one of its two exponentials is of
// ±0, so log(exp(−m) + exp(−z−m)) is log(1 + exp(−|z|)) exactly. A block
// the lanes refuse (a logit of magnitude below 2^−54 or from 512, ±Inf or
// NaN; or no kernel) is computed by the formulas one logit at a time.
func (BCELogits) Eval(z, y, dz []float64) float64 {
	n := float64(len(z))
	var sum float64
	var lanes [8]float64 // log(1 + exp(−|z_c|)), then σ(z_c), of the logits of a block
	for c0 := 0; c0 < len(z); c0 += 4 {
		zs := z[c0:min(c0+4, len(z))]
		ok := vmath.SoftplusSigmoid4(&lanes, at(zs, 0), at(zs, 1), at(zs, 2), at(zs, 3))
		for i, zc := range zs {
			c := c0 + i
			// PyTorch's stable form: (1−y)z + max(−z,0) + log(exp(−max(−z,0)) + exp(−z−max(−z,0))).
			m := max(-zc, 0) // inline where math.Max is a call on amd64; 0 is neither NaN nor ±Inf, so the bits are math.Max's
			l, sig := lanes[i], lanes[4+i]
			if !ok {
				l, sig = math.Log(exp0(-m)+exp0(-zc-m)), sigmoid(zc)
			}
			sum += (1-y[c])*zc + m + l
			if dz != nil {
				dz[c] = (sig - y[c]) / n
			}
		}
	}
	return sum / n
}

// at returns v[i], or 1 (a value the lanes take) beyond v.
func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 1
}

// exp0 is math.Exp, which gives exactly 1 at ±0, without the call there:
// one of the two exponentials of BCELogits' stable form (for a non-finite
// logit) and the maximum's in Softmax and CrossEntropy are of 0.
func exp0(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Exp(x)
}

// sigmoid is computed as torch does for a few values, 1/(1+exp(−x)) with
// the C library's exp (see vmath.CExp), for bit-level agreement.
func sigmoid(x float64) float64 { return 1 / (1 + vmath.CExp(-x)) }

// CrossEntropy is PyTorch's CrossEntropyLoss with a probability target:
// L = −Σ_c y_c log softmax(z)_c, ∂L/∂z = softmax(z)·Σy − y.
type CrossEntropy struct{}

// Name returns "crossentropy".
func (CrossEntropy) Name() string { return "crossentropy" }

// Eval implements Func.
func (CrossEntropy) Eval(z, y, dz []float64) float64 {
	m := largest(z)
	var s float64
	for _, v := range z {
		s += exp0(v - m) // the maximum's exponential is of 0
	}
	ls := math.Log(s)
	var l, ysum float64
	for c, v := range z {
		l -= y[c] * ((v - m) - ls) // log_softmax as torch computes it
		ysum += y[c]
	}
	if dz != nil {
		for c, v := range z {
			dz[c] = math.Exp((v-m)-ls)*ysum - y[c]
		}
	}
	return l
}

// Softmax writes softmax(z) into p (max-subtracted, as torch.softmax).
func Softmax(z, p []float64) {
	m := largest(z)
	var s float64
	for c, v := range z {
		p[c] = exp0(v - m) // the maximum's exponential is of 0
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
}

// largest returns the largest of z, with Go's max, which compiles
// inline where math.Max is a call: the two differ only on a NaN beside
// +Inf (NaN against +Inf), whose softmax and loss are NaN either way.
func largest(z []float64) float64 {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	return m
}

// ProbError returns 1 − softmax(z)[label], the probability of error the
// learning curves average, using p as scratch for the softmax.
func ProbError(z []float64, label int, p []float64) float64 {
	Softmax(z, p)
	return 1 - p[label]
}
