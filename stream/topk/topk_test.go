package topk

import (
	"bufio"
	"compress/gzip"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type topkCase struct {
	name   string
	k      int
	values []float64
	want   []int32 // torch's indices, best first
}

// readTorchCases reads the cases that torch 1.13 (Debian's python3-torch)
// answered: see testdata/README.md.
func readTorchCases(t *testing.T) []topkCase {
	t.Helper()
	f, err := os.Open("testdata/topk_torch.txt.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	var cases []topkCase
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		head := strings.Fields(line)
		require.Len(t, head, 4, "case header %q", line)
		n, _ := strconv.Atoi(head[2])
		k, _ := strconv.Atoi(head[3])
		c := topkCase{name: head[1], k: k}
		require.True(t, sc.Scan())
		for _, s := range strings.Fields(sc.Text()) {
			v, err := strconv.ParseFloat(s, 64)
			require.NoError(t, err)
			c.values = append(c.values, v)
		}
		require.Len(t, c.values, n, c.name)
		require.True(t, sc.Scan())
		for _, s := range strings.Fields(sc.Text()) {
			i, err := strconv.Atoi(s)
			require.NoError(t, err)
			c.want = append(c.want, int32(i))
		}
		require.Len(t, c.want, k, c.name)
		cases = append(cases, c)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, cases)
	return cases
}

func pairs(values []float64) []Pair {
	a := make([]Pair, len(values))
	for i, v := range values {
		a[i] = Pair{v, int32(i)}
	}
	return a
}

func indices(a []Pair) []int32 {
	out := make([]int32, len(a))
	for i, p := range a {
		out[i] = p.I
	}
	return out
}

// TestTopKMatchesTorch checks the selection and its order against torch's
// own answers on heavily tied inputs (all equal, two to four levels, the
// model's sparse case of a few hundred tied activations among 10,000
// zeros, ties straddling the k-th place, NaNs).
func TestTopKMatchesTorch(t *testing.T) {
	for _, c := range readTorchCases(t) {
		t.Run(c.name, func(t *testing.T) {
			require.LessOrEqual(t, c.k*64, len(c.values), "outside the partial-sort path")
			got := indices(TopK(pairs(c.values), c.k))
			require.Equal(t, c.want, got)
		})
	}
}

// TestSelectSkipsDominated checks the shortcut the model takes: leaving
// out, after the first k pairs, those whose value is 0 (none is negative)
// selects the same set as the full sequence.
func TestSelectSkipsDominated(t *testing.T) {
	for _, c := range readTorchCases(t) {
		if slices.ContainsFunc(c.values, func(v float64) bool { return v < 0 }) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			var a []Pair
			for i, v := range c.values {
				if i < c.k || v != 0 {
					a = append(a, Pair{v, int32(i)})
				}
			}
			Select(a, c.k)
			got := indices(a[:c.k])
			want := slices.Clone(c.want)
			slices.Sort(got)
			slices.Sort(want)
			require.Equal(t, want, got)
		})
	}
}

// TestTopKTable covers small cases worked through by hand (the procedure
// only: torch itself takes another path when k·64 > n).
func TestTopKTable(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		values []float64
		k      int
		want   []int32
	}{
		{"k0", []float64{1, 2, 3}, 0, []int32{}},
		{"k1 distinct", []float64{0.1, 0.5, 0.3}, 1, []int32{1}},
		{"k1 tie keeps the first", []float64{0.5, 0.5, 0.5}, 1, []int32{0}},
		{"distinct best first", []float64{3, 1, 4, 1.5, 9, 2.6, 5}, 3, []int32{4, 6, 2}},
		// make_heap on (a0, a1) moves the hole down: heap (a1, a0); a2 is
		// not better than the root; sort_heap swaps them back: a0, a1.
		{"k2 three ties", []float64{1, 1, 1}, 2, []int32{0, 1}},
		// make_heap on (a0, a1, a2): p = 0, hole to child 2 (a2 not
		// better than a1), then v = a0 stays there: heap (a2, a1, a0);
		// a3 is not better; sort_heap: last 2 → (a1, a0 | a2), last 1 →
		// (a0 | a1, a2). Best first: a0, a1, a2.
		{"k3 four ties", []float64{1, 1, 1, 1}, 3, []int32{0, 1, 2}},
		// Five ties, k = 2: heap (a1, a0); a2..a4 never enter.
		{"k2 five ties", []float64{1, 1, 1, 1, 1}, 2, []int32{0, 1}},
		{"nan first", []float64{1, nan, 2}, 2, []int32{1, 2}},
		{"NaN counts as largest", []float64{0.2, nan, 0.7, 0.1}, 2, []int32{1, 2}},
		{"k above n: all, best first", []float64{2, 1}, 5, []int32{0, 1}},
		// The distribution learners' recruitment: the recruited units'
		// densities are zeroed, the rest may tie; which tied units win
		// (here 2, 4, 5) is torch's choice, and so is their order.
		{"recruited units zeroed, the rest tied", []float64{0, 0, 2, 0, 2, 2, 2, 2, 2, 2}, 3, []int32{5, 4, 2}},
		{"fewer positive than k", []float64{0, 3, 0, 0, 0, 0, 1, 0}, 3, []int32{1, 6, 0}},
		{"all equal: the first k", []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 3, []int32{0, 1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, indices(TopK(pairs(tc.values), tc.k)))
		})
	}
}

// TestTopKSelectsTheBest checks on random inputs with many ties that the
// k selected values are the k largest, best first, and no unit twice
// (whichever tied units win).
func TestTopKSelectsTheBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(300)
		k := rng.IntN(n + 1)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(5))
		}
		got := TopK(pairs(v), k)
		require.Len(t, got, k)
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		slices.Reverse(sorted)
		seen := map[int32]bool{}
		for i, p := range got {
			require.Equal(t, sorted[i], p.V, "n %d k %d rank %d", n, k, i)
			require.Equal(t, v[p.I], p.V)
			require.False(t, seen[p.I], "unit %d twice", p.I)
			seen[p.I] = true
		}
	}
}

func BenchmarkSelect10000k50(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	v := make([]float64, 10000)
	for i := range v {
		v[i] = rng.Float64()
	}
	a := make([]Pair, len(v))
	b.ReportAllocs()
	for b.Loop() {
		for i, x := range v {
			a[i] = Pair{x, int32(i)}
		}
		Select(a, 50)
	}
}
