package schedule

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/seed"
)

func TestShuffled(t *testing.T) {
	orders := func(run int) [][]int {
		o := Shuffled{}.Run(seed.For(999, run), 8)
		var out [][]int
		for b := 0; b < 4; b++ {
			d := make([]int, 8)
			o.Next(b, d)
			out = append(out, d)
		}
		return out
	}
	a := orders(0)
	assert.Equal(t, a, orders(0), "same seed and run, same orders")
	assert.NotEqual(t, a, orders(1), "runs differ")
	assert.NotEqual(t, a[0], a[1], "blocks differ")
	for _, o := range a {
		s := append([]int(nil), o...)
		sort.Ints(s)
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, s)
	}
}

func TestTable(t *testing.T) {
	tab, err := parseTable("o.csv", strings.NewReader("run,block,i0,i1,i2\n0,0,2,0,1\n0,1,1,2,0\n1,0,0,1,2\n1,1,0,2,1\n"))
	require.NoError(t, err)
	require.NoError(t, tab.Check(2, 2, 3))
	d := make([]int, 3)
	tab.Run(seed.For(0, 1), 3).Next(1, d)
	assert.Equal(t, []int{0, 2, 1}, d)
	assert.ErrorContains(t, tab.Check(3, 2, 3), "o.csv: no order for run 2 block 0")
	assert.ErrorContains(t, tab.Check(2, 3, 3), "no order for run 0 block 2")
	assert.ErrorContains(t, tab.Check(2, 2, 8), "orders 3 items, the task has 8")
}

// TestWriteCSV: a table written is the file it was read from.
func TestWriteCSV(t *testing.T) {
	const body = "run,block,i0,i1,i2\n0,0,2,0,1\n0,1,1,2,0\n1,0,0,1,2\n1,1,0,2,1\n"
	tab, err := parseTable("o.csv", strings.NewReader(body))
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, tab.WriteCSV(&b))
	assert.Equal(t, body, b.String())
}

func TestTableErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"", "empty file"},
		{"a,b,c\n", "want a header run,block"},
		{"run,block,i0,i1\n0,0,1\n", "line 2: 3 fields, want 4"},
		{"run,block,i0,i1\n0,0,1,x\n", `line 2: column "i1": "x" is not a non-negative integer`},
		{"run,block,i0,i1\n0,0,1,1\n", "line 2: the indices are not a permutation of 0..1"},
		{"run,block,i0,i1\n0,0,0,1\n0,0,1,0\n", "line 3: run 0 block 0 listed twice"},
		{"run,block,i0\n703333333,0,0\n", "line 2: run 703333333 block 0: the file has only 1 rows"},
	} {
		_, err := parseTable("o.csv", strings.NewReader(tc.body))
		assert.ErrorContains(t, err, tc.want, tc.body)
	}
	_, err := ReadTable(filepath.Join(t.TempDir(), "none.csv"))
	assert.ErrorContains(t, err, "none.csv")
}

func TestReadTableFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "o.csv")
	require.NoError(t, os.WriteFile(p, []byte("run,block,i0,i1\n0,0,1,0\n"), 0o644))
	tab, err := ReadTable(p)
	require.NoError(t, err)
	assert.NoError(t, tab.Check(1, 1, 2))
}

// FuzzTable: the order-table reader returns an error or permutations.
func FuzzTable(f *testing.F) {
	f.Add("run,block,i0,i1,i2\n0,0,2,0,1\n0,1,1,2,0\n")
	f.Add("run,block,i0\n5,3,0\n")
	f.Add("run,block,i0,i1\n0,0,1,1\n")
	f.Add("run,block,i0\n\n\n1000000000000,999999999,0\n")
	f.Add("run,block,i0\n0,0,0\n\n0,1,0\n")
	f.Fuzz(func(t *testing.T, body string) {
		tab, err := parseTable("fuzz.csv", strings.NewReader(body))
		if err != nil {
			return
		}
		for _, run := range tab.Orders {
			for _, o := range run {
				if o == nil {
					continue
				}
				seen := map[int]bool{}
				for _, k := range o {
					if k < 0 || k >= len(o) || seen[k] {
						t.Fatalf("not a permutation: %v", o)
					}
					seen[k] = true
				}
			}
		}
	})
}

func TestPasses(t *testing.T) {
	require.Error(t, Passes{K: 3}.Check(1, 1, 16))
	for _, firstOnly := range []bool{false, true} {
		o := Passes{K: 2, FirstOnly: firstOnly}.Run(seed.For(7, 0), 16)
		for b := 0; b < 3; b++ {
			d := make([]int, 16)
			o.Next(b, d)
			s := append([]int(nil), d...)
			sort.Ints(s[:8])
			sort.Ints(s[8:])
			passes := true
			for i := range s {
				passes = passes && s[i] == i
			}
			if b == 0 || !firstOnly {
				assert.True(t, passes, "block %d: two passes, each a permutation of its copy: %v", b, d)
			}
		}
	}
}

// TestReadTableBounds: an order table larger than MaxTable is refused
// before it is read (a sparse file: nothing is written), and an endless
// line (/dev/zero) after budget.MaxLine.
func TestReadTableBounds(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxTable+1))
	require.NoError(t, f.Close())
	_, err = ReadTable(p)
	assert.ErrorContains(t, err, "huge.csv: larger than 64 MiB")
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err = ReadTable("/dev/zero")
		assert.ErrorContains(t, err, "/dev/zero: a line longer than 1 MiB")
	}
}

// TestShuffleIsRandShuffle: shuffle permutes as rand.Rand's Shuffle does
// with the same generator, and leaves the generator where Shuffle leaves
// it, for lengths with and without a power of two among their bounds.
func TestShuffleIsRandShuffle(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 16, 17, 64, 100, 1000} {
		for s := uint64(0); s < 20; s++ {
			p, q := rand.NewPCG(s, s*7+1), rand.NewPCG(s, s*7+1)
			got, want := make([]int, n), make([]int, n)
			for i := range got {
				got[i], want[i] = i, i
			}
			for range 3 {
				shuffle(p, got)
				rand.New(q).Shuffle(n, func(i, j int) { want[i], want[j] = want[j], want[i] })
				require.Equal(t, want, got, "n %d seed %d", n, s)
			}
			require.Equal(t, q.Uint64(), p.Uint64(), "n %d seed %d: the generator after", n, s)
		}
	}
}

// TestPassesOrders: each pass of a block is a permutation of its own
// copy of the items; with FirstOnly, later blocks mix the copies.
func TestPassesOrders(t *testing.T) {
	o := Passes{K: 2, FirstOnly: true}.Run(seed.For(3, 1), 8)
	d := make([]int, 8)
	o.Next(0, d)
	assert.ElementsMatch(t, []int{0, 1, 2, 3}, d[:4])
	assert.ElementsMatch(t, []int{4, 5, 6, 7}, d[4:])
	mixed := false
	for b := 1; b < 20 && !mixed; b++ {
		o.Next(b, d)
		assert.ElementsMatch(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, d)
		mixed = slices.ContainsFunc(d[:4], func(k int) bool { return k >= 4 })
	}
	assert.True(t, mixed, "blocks after the first shuffle the copies together")
}

func BenchmarkShuffled(b *testing.B) {
	o := Shuffled{}.Run(seed.For(1, 0), 8)
	d := make([]int, 8)
	for i := 0; b.Loop(); i++ {
		o.Next(i, d)
	}
}
