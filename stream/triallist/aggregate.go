package triallist

// Group is the mean response of the trials that share a key.
type Group struct {
	Key   string
	N     int       // trials averaged
	Mean  []float64 // mean P(category k) over the trials, one per category
	Error float64   // mean 1 − P(correct category) over those of the trials that name one
	NErr  int       // trials in Error's mean
}

// Aggregate groups the trials that keep accepts (all when keep is nil) by
// key, in the order the keys first appear, and averages their response
// probabilities: the dependent measures of the benchmark phenomena are
// such means (P(category k) per test item and condition, or the
// probability of error per block). Sums run in trial order.
func (r *Result) Aggregate(keep func(*Trial) bool, key func(*Trial) string) []Group {
	C := r.List.Classes
	var out []Group
	at := make(map[string]int)
	for i := range r.List.Trials {
		t := &r.List.Trials[i]
		if keep != nil && !keep(t) {
			continue
		}
		k := key(t)
		g, ok := at[k]
		if !ok {
			g = len(out)
			at[k] = g
			out = append(out, Group{Key: k, Mean: make([]float64, C)})
		}
		p := r.Prob(i)
		for c, v := range p {
			out[g].Mean[c] += v
		}
		out[g].N++
		if t.Label >= 0 {
			out[g].Error += 1 - p[t.Label]
			out[g].NErr++
		}
	}
	for g := range out {
		for c := range out[g].Mean {
			out[g].Mean[c] /= float64(out[g].N)
		}
		if out[g].NErr > 0 {
			out[g].Error /= float64(out[g].NErr)
		}
	}
	return out
}
