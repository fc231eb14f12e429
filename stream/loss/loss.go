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
			l, sig := lanes[i], lanes[4+i]
			if !ok {
				m := max(-zc, 0)
				l, sig = math.Log(exp0(-m)+exp0(-zc-m)), sigmoid(zc)
			}
			sum += bceTerm(zc, y[c], l)
			if dz != nil {
				dz[c] = (sig - y[c]) / n
			}
		}
	}
	return sum / n
}

// Separable reports whether f's gradient is cheaper alone: whether a
// trial loop should take each trial's gradient at once (Gradient), since
// the learning step waits on it, and the values when many trials are done
// (EvalProbErrors), off the chain of dependent operations each trial waits
// on and in lanes of many trials. BCELogits is, its gradient needing the
// sigmoids and not the logarithms of its value; another loss, a type that
// embeds BCELogits included, is not (its Eval may differ).
func Separable(f Func) bool {
	_, ok := f.(BCELogits)
	return ok
}

// Gradient writes ∂L/∂z of f at z against y into dz, with f.Eval's bits:
// without the loss's value where f is Separable, by f.Eval otherwise.
func Gradient(f Func, z, y, dz []float64) {
	if !Separable(f) {
		f.Eval(z, y, dz)
		return
	}
	n := float64(len(z))
	y, dz = y[:len(z)], dz[:len(z)]
	for c, v := range z {
		dz[c] = (sigmoid(v) - y[c]) / n
	}
}

// EvalProbErrors sets ls[i] and pe[i] to EvalProbError's loss and
// probability of error of trial i: logits z[i·c:(i+1)·c] and target
// y[i·c:(i+1)·c], with c = len(z)/len(ls), and label[i]; p is scratch of at
// least c values. For BCELogits of 2 logits a trial, the values of 2
// trials at a time are taken in vmath.BCEPairs' lanes, straight from the
// logits, 32 trials a call; the trials of a call its lanes refuse (a
// logit of magnitude above 700, a pair further apart, ±Inf or NaN among
// them, or a build without the kernel) and every trial after them, an odd
// trial out, and every trial of another loss or number of logits are
// EvalProbError's.
func EvalProbErrors(f Func, ls, pe, z, y []float64, label []int, p []float64) {
	m := len(ls)
	if m == 0 {
		return
	}
	c := len(z) / m
	i := 0
	if Separable(f) && c == 2 {
		const chunk = 32
		var l, q [2 * chunk]float64 // each trial's loss (then a lane left unspecified), each logit's 1 − softmax
		for ; i+2 <= m; i += chunk {
			k := 2 * min(chunk, (m-i)&^1) // values of whole pairs of trials
			if !vmath.BCEPairs(l[:k], q[:k], z[2*i:2*i+k], y[2*i:2*i+k]) {
				break
			}
			for j := 0; j < k; j += 2 {
				t := i + j/2
				pair := [2]float64{q[j], q[j+1]}
				ls[t], pe[t] = l[j], pair[label[t]]
			}
			if k < 2*chunk {
				i += k / 2
				break
			}
		}
	}
	for ; i < m; i++ {
		ls[i], pe[i] = EvalProbError(f, z[i*c:(i+1)*c], y[i*c:(i+1)*c], nil, label[i], p)
	}
}

// Window keeps the logits, targets and labels of a single stream's last
// trials so that their losses and probabilities of error are taken
// together (EvalProbErrors), as the trial loop does with a Separable loss:
// each trial's gradient at once (Gradient), the values of a window of
// trials when it is full or the run ends, in order.
type Window struct {
	f      Func
	c      int
	z, y   []float64 // c values a trial
	label  []int
	ls, pe []float64
	p      []float64
	n      int
}

// NewWindow returns an empty window of size trials of c logits each, for
// the loss f.
func NewWindow(f Func, c, size int) *Window {
	w := &Window{label: make([]int, size), ls: make([]float64, size), pe: make([]float64, size)}
	w.Reset(f, c)
	return w
}

// Reset empties w and makes it a window of the loss f with c logits a
// trial, of the same size, reusing its memory where it can.
func (w *Window) Reset(f Func, c int) {
	w.f, w.c, w.n = f, c, 0
	if size := len(w.label); len(w.z) != c*size {
		w.z, w.y, w.p = make([]float64, c*size), make([]float64, c*size), make([]float64, c)
	}
}

// Keep adds a trial's logits, target (both copied) and label, and reports
// whether the window is now full: Settle must come before the next Keep.
func (w *Window) Keep(z, y []float64, label int) bool {
	k := w.n * w.c
	zk, yk := w.z[k:k+w.c], w.y[k:k+w.c]
	for c, v := range z { // a loop: copy calls memmove, for 2 values
		zk[c], yk[c] = v, y[c]
	}
	w.label[w.n] = label
	w.n++
	return w.n == len(w.label)
}

// Len returns the number of trials kept since the last Settle.
func (w *Window) Len() int { return w.n }

// Logits returns the logits of the window's trial i (i < Len).
func (w *Window) Logits(i int) []float64 { return w.z[i*w.c : (i+1)*w.c] }

// Target returns the target of the window's trial i (i < Len).
func (w *Window) Target(i int) []float64 { return w.y[i*w.c : (i+1)*w.c] }

// Settle returns the losses and the probabilities of error of the trials
// kept since the last Settle, in order, with EvalProbError's bits, and
// empties the window; the slices are w's, valid until the next Settle.
func (w *Window) Settle() (ls, pe []float64) {
	n := w.n
	w.n = 0
	ls, pe = w.ls[:n], w.pe[:n]
	EvalProbErrors(w.f, ls, pe, w.z[:n*w.c], w.y[:n*w.c], w.label[:n], w.p)
	return ls, pe
}

// bceTerm is logit z's term of BCELogits' sum with target y, given l =
// log(exp(−max(−z,0)) + exp(−z−max(−z,0))): PyTorch's stable form
// (1−y)z + max(−z,0) + l.
func bceTerm(z, y, l float64) float64 {
	m := max(-z, 0) // inline where math.Max is a call on amd64; 0 is neither NaN nor ±Inf, so the bits are math.Max's
	return (1-y)*z + m + l
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

// EvalProbError returns f.Eval(z, y, dz) and ProbError(z, label, p) of
// the same logits, with those calls' bits. For BCELogits of 2 logits the
// softmax's exponentials are taken in the loss kernel's idle lanes
// (vmath.SoftplusSigmoidExp2), so that the probability of error adds no
// chain of dependent operations of its own to a trial: its exponential,
// before the loss in a trial's program order, held back the work after it
// that the trial's next steps wait on.
func EvalProbError(f Func, z, y, dz []float64, label int, p []float64) (l, pe float64) {
	if _, ok := f.(BCELogits); ok && len(z) == 2 && len(p) == 2 {
		if l, pe, ok := bceProbError2(z, y, dz, label, p); ok {
			return l, pe
		}
	}
	pe = ProbError(z, label, p)
	return f.Eval(z, y, dz), pe
}

// bceProbError2 is EvalProbError of BCELogits and 2 logits in one kernel
// call; it reports false, nothing written, where the lanes do not run.
func bceProbError2(z, y, dz []float64, label int, p []float64) (l, pe float64, ok bool) {
	z0, z1 := z[0], z[1]
	m := max(z0, z1) // largest(z)
	var lanes [12]float64
	if !vmath.SoftplusSigmoidExp2(&lanes, z0, z1, z0-m, z1-m) {
		return 0, 0, false
	}
	y = y[:2]
	var sum float64
	sum += bceTerm(z0, y[0], lanes[0])
	sum += bceTerm(z1, y[1], lanes[1])
	if dz != nil {
		dz = dz[:2]
		dz[0], dz[1] = (lanes[4]-y[0])/2, (lanes[5]-y[1])/2
	}
	var s float64 // as Softmax
	e0, e1 := lanes[10], lanes[11]
	s += e0
	s += e1
	p[0], p[1] = e0/s, e1/s
	return sum / 2, 1 - p[label], true
}
