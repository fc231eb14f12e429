package model

// pair is an activation and its unit, as torch.topk sorts them.
type pair struct {
	v float64
	k int
}

// better is torch.topk's comparison for the largest values: strictly
// greater (NaN above every number, as torch has it), so that among equal
// values the order of the procedure decides.
func better(a, b pair) bool { return a.v > b.v || (a.v != a.v && b.v == b.v) }

// topk moves the k best pairs of a (listed in unit order) to a[:k], best
// first, exactly as torch.topk on the CPU chooses them when 64·k ≤ len(a)
// (libstdc++'s std::partial_sort), so that ties go to the same units as in
// the original. For 64·k > len(a) torch uses another procedure; the
// distribution learners only ask for int(N·k) = N/100 of N units, but the
// result is the same set whenever no two values are equal.
func topk(a []pair, k int) {
	if k <= 0 {
		return
	}
	if k > len(a) {
		k = len(a)
	}
	for p := (k - 2) / 2; p >= 0; p-- { // make_heap
		siftDown(a, p, k, a[p])
	}
	for i := k; i < len(a); i++ {
		if better(a[i], a[0]) {
			v := a[i]
			a[i] = a[0]
			siftDown(a, 0, k, v)
		}
	}
	for last := k - 1; last >= 1; last-- { // sort_heap
		v := a[last]
		a[last] = a[0]
		siftDown(a, 0, last, v)
	}
}

// siftDown is libstdc++'s __adjust_heap with the worst selected pair at the
// root: it moves the hole down to a leaf, then pushes v up from there.
func siftDown(a []pair, hole, n int, v pair) {
	top, child := hole, hole
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
