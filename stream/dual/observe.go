package dual

import "github.com/fastslow/stream"

var _ stream.Observer = (*Dual)(nil)

// Observables implements stream.Observer: every quantity of a part that is
// an Observer, named after the part ("attention_fast"), the fast part's
// first, as the trial loop names the parts' curves.
func (d *Dual) Observables() []stream.Observable {
	var out []stream.Observable
	d.observed = make([]int, 2)
	for i, s := range []stream.Stream{d.Fast, d.Slow} {
		qs := stream.Observables(s)
		for _, o := range qs {
			out = append(out, stream.Observable{Name: o.Name + "_" + d.PartNames()[i], Size: o.Size})
		}
		d.observed[i] = len(qs)
	}
	return out
}

// Observe implements stream.Observer: the parts' quantities in the order
// of Observables.
func (d *Dual) Observe(dst [][]float64) {
	if d.observed == nil {
		d.Observables()
	}
	for i, s := range []stream.Stream{d.Fast, d.Slow} {
		if n := d.observed[i]; n > 0 {
			s.(stream.Observer).Observe(dst[:n:n])
			dst = dst[n:]
		}
	}
}
