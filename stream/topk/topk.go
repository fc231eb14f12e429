// Package topk selects the k largest of a list of values exactly as
// torch.topk does on the CPU when k·64 ≤ n — libstdc++'s
// std::partial_sort — so that among equal values the same units win as in
// the original PyTorch models (the multi-unit model's winners and
// recruitment, the distribution learners' recruitment). Select, MakeHeap
// and Offer expose the procedure's steps for callers that skip pairs that
// cannot enter; TopK is the whole of torch.topk(values, k).
package topk

// Pair is a value with the index of its unit, as torch.topk queues them.
type Pair struct {
	V float64
	I int32
}

// better reports whether x ranks strictly above y. A NaN ranks above every
// number, as in torch.topk's comparator for the largest values.
func better(x, y Pair) bool {
	return x.V > y.V || (x.V != x.V && y.V == y.V)
}

// Select moves the k best pairs of a into a[:k], choosing among equal
// values exactly as torch.topk does on the CPU when k·64 ≤ len(a): that is
// libstdc++'s std::partial_sort (a heap of the first k pairs, then every
// later pair that is strictly better than the heap's worst replaces it).
// a must list the pairs in index order. a[:k] is left in heap order, worst
// first; SortSelected orders it. The pairs after k are overwritten.
//
// The heap's worst pair only ever gets better, so a pair after the first
// k that is not strictly better than the worst of the first k never enters
// it: a caller may leave such pairs out (the multi-unit model leaves out
// the units whose value is 0, as no value is negative).
func Select(a []Pair, k int) {
	if k <= 0 {
		return
	}
	MakeHeap(a[:k])
	for i := k; i < len(a); i++ { // std::__heap_select
		Offer(a[:k], a[i])
	}
}

// MakeHeap arranges h as std::make_heap does with the comparator better:
// the heap Select starts from, its worst pair at h[0].
func MakeHeap(h []Pair) {
	k := len(h)
	if k < 2 {
		return
	}
	for p := (k - 2) / 2; p >= 0; p-- {
		siftDown(h, p, k, h[p])
	}
}

// Offer is one step of Select over the heap h: if p is strictly better
// than the heap's worst pair h[0], p takes its place and Offer reports
// true. (std::partial_sort also writes the evicted pair where p was in the
// input; nothing reads it again.)
func Offer(h []Pair, p Pair) bool {
	if !better(p, h[0]) {
		return false
	}
	siftDown(h, 0, len(h), p)
	return true
}

// SortSelected orders the k pairs Select left in a[:k] best first, as
// std::sort_heap does; equal values keep the order it gives them.
func SortSelected(a []Pair, k int) {
	for last := k - 1; last >= 1; last-- {
		v := a[last]
		a[last] = a[0]
		siftDown(a, 0, last, v)
	}
}

// TopK returns the k best pairs of a, best first, as torch.topk(values, k)
// returns them on the CPU for k·64 ≤ len(a) (a lists the pairs in index
// order; it is reordered in place and the result is a[:k]).
func TopK(a []Pair, k int) []Pair {
	if k > len(a) {
		k = len(a)
	}
	Select(a, k)
	SortSelected(a, k)
	return a[:max(k, 0)]
}

// siftDown is libstdc++'s __adjust_heap with the comparator better: the
// heap keeps its worst pair at the root. It moves the hole down to a leaf,
// always into the worse child (the left one when the right is not
// strictly better), then pushes v back up while its parent is strictly
// better than v.
func siftDown(a []Pair, hole, n int, v Pair) {
	top := hole
	child := hole
	for child < (n-1)/2 {
		child = 2*child + 2
		if better(a[child], a[child-1]) {
			child--
		}
		a[hole] = a[child]
		hole = child
	}
	if n%2 == 0 && child == (n-2)/2 {
		child = 2*child + 2
		a[hole] = a[child-1]
		hole = child - 1
	}
	parent := (hole - 1) / 2
	for hole > top && better(a[parent], v) {
		a[hole] = a[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	a[hole] = v
}
