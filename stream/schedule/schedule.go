// Package schedule holds the orders in which a run presents a task's items:
// a fresh shuffle every block from the run's own generator, or a fixed
// table of orders read from a CSV file (as the original's SHJ runs use).
package schedule

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/csvtable"
	"github.com/fastslow/stream/seed"
)

// Schedule gives each run its sequence of block orders.
type Schedule interface {
	// Check reports whether the schedule covers runs × blocks of n items.
	Check(runs, blocks, n int) error
	// Run returns the orders of one run, block after block.
	Run(src seed.Source, n int) Orders
}

// Orders writes the order of each block of one run, in block order.
type Orders interface {
	// Next writes block's order (a permutation of 0..n−1) into dst.
	Next(block int, dst []int)
}

// Shuffled draws a fresh permutation of the items every block from a
// generator seeded by (config seed, run index).
type Shuffled struct{}

// Check implements Schedule: a shuffle covers any size.
func (Shuffled) Check(runs, blocks, n int) error { return nil }

// Run implements Schedule.
func (Shuffled) Run(src seed.Source, n int) Orders {
	return &shuffler{pcg: *src.PCG("schedule")}
}

type shuffler struct{ pcg rand.PCG }

func (s *shuffler) Next(block int, dst []int) {
	for i := range dst {
		dst[i] = i
	}
	shuffle(&s.pcg, dst)
}

// shuffle permutes v as rand.New(p).Shuffle(len(v), swap) does, drawing
// the same values from p in the same order, so that orders stay those of
// the generator wrapped in a rand.Rand; it calls p directly, where
// Shuffle calls the generator through an interface and swaps through a
// function value at every item.
func shuffle(p *rand.PCG, v []int) {
	if is32bit { // Rand draws 32-bit values for small bounds there
		rand.New(p).Shuffle(len(v), func(i, j int) { v[i], v[j] = v[j], v[i] })
		return
	}
	for i := len(v) - 1; i > 0; i-- {
		j := uint64n(p, uint64(i+1))
		v[i], v[j] = v[j], v[i]
	}
}

// is32bit is whether int has 32 bits, as math/rand/v2 tells it.
const is32bit = ^uint(0)>>32 == 0

// uint64n returns a value in [0, n) as math/rand/v2's Rand.uint64n does
// on a 64-bit machine: a mask for a power of two, otherwise Lemire's
// multiply with rejection.
func uint64n(p *rand.PCG, n uint64) uint64 {
	if n&(n-1) == 0 {
		return p.Uint64() & (n - 1)
	}
	hi, lo := bits.Mul64(p.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(p.Uint64(), n)
		}
	}
	return hi
}

// Passes presents a task made of K copies of a list of items (see
// task.Repeat) as K passes per block, each pass a fresh shuffle of one
// copy: catlearn's "eights" blocks of the SHJ problems. With FirstOnly,
// only the first block is made of passes and later blocks shuffle all the
// trials at once (catlearn's "accurate" blocks).
type Passes struct {
	K         int
	FirstOnly bool
}

// Check implements Schedule: n must be a multiple of K.
func (p Passes) Check(runs, blocks, n int) error {
	if p.K < 1 || n%p.K != 0 {
		return fmt.Errorf("%d passes per block do not divide %d trials", p.K, n)
	}
	return nil
}

// Run implements Schedule.
func (p Passes) Run(src seed.Source, n int) Orders {
	return &passes{pcg: *src.PCG("schedule"), k: p.K, firstOnly: p.FirstOnly}
}

type passes struct {
	pcg       rand.PCG
	k         int
	firstOnly bool
}

func (p *passes) Next(block int, dst []int) {
	for i := range dst {
		dst[i] = i
	}
	if p.firstOnly && block > 0 {
		shuffle(&p.pcg, dst)
		return
	}
	m := len(dst) / p.k
	for q := 0; q < p.k; q++ {
		shuffle(&p.pcg, dst[q*m:(q+1)*m])
	}
}

// Table is a fixed order table: Orders[run][block] is a permutation.
type Table struct {
	Path   string
	Orders [][][]int
}

// ReadTable reads a CSV with a header and rows run,block,i0,i1,…: the
// presentation order of one block of one run. Every row must list the
// same number of item indices, each a permutation of 0..n−1.
func ReadTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("order table: %w", err)
	}
	defer f.Close()
	data, err := budget.ReadAll(path, f, MaxTable)
	if err != nil {
		return nil, fmt.Errorf("order table: %w", err)
	}
	return parseTable(path, bytes.NewReader(data))
}

// MaxTable bounds an order table's size: 64 MiB holds twenty million
// item indices (the original's tables hold a few hundred thousand); a
// larger or endless file is refused before it is parsed.
const MaxTable = 64 << 20

func parseTable(path string, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// The rows (lines after the header, ignoring blank ones as encoding/csv
	// does) are counted first, so that the table is parsed row by row
	// without holding every field as a string.
	rows := -1
	for line := range bytes.Lines(data) {
		if len(bytes.TrimSpace(line)) > 0 {
			rows++
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, table, err := csvtable.Read(cr, path, "a header run,block,i0,i1,…")
	if err != nil {
		return nil, err
	}
	if len(header) < 3 || header[0] != "run" || header[1] != "block" {
		return nil, fmt.Errorf("%s: line 1: want a header run,block,i0,i1,…", path)
	}
	n := len(header) - 2
	t := &Table{Path: path}
	for line, rec := range table.All() {
		if len(rec) != n+2 {
			return nil, fmt.Errorf("%s: line %d: %d fields, want %d (run, block and %d item indices)", path, line, len(rec), n+2, n)
		}
		v := make([]int, len(rec))
		for i, s := range rec {
			v[i], err = strconv.Atoi(s)
			if err != nil || v[i] < 0 {
				return nil, fmt.Errorf("%s: line %d: column %q: %q is not a non-negative integer", path, line, header[i], s)
			}
		}
		run, block, order := v[0], v[1], v[2:]
		// A table that covers R runs × B blocks has R·B rows, so a run or
		// block index beyond the row count cannot be part of a full table
		// (and would make the table grow without bound).
		if run >= rows || block >= rows {
			return nil, fmt.Errorf("%s: line %d: run %d block %d: the file has only %d rows, so a full table cannot reach that index", path, line, run, block, rows)
		}
		seen := make([]bool, n)
		for _, k := range order {
			if k >= n || seen[k] {
				return nil, fmt.Errorf("%s: line %d: the indices are not a permutation of 0..%d", path, line, n-1)
			}
			seen[k] = true
		}
		for len(t.Orders) <= run {
			t.Orders = append(t.Orders, nil)
		}
		for len(t.Orders[run]) <= block {
			t.Orders[run] = append(t.Orders[run], nil)
		}
		if t.Orders[run][block] != nil {
			return nil, fmt.Errorf("%s: line %d: run %d block %d listed twice", path, line, run, block)
		}
		t.Orders[run][block] = order
	}
	if err := table.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// WriteCSV writes t in the format ReadTable reads: a header
// run,block,i0,i1,… and one row per run and block, in order.
func (t *Table) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("run,block")
	if len(t.Orders) > 0 && len(t.Orders[0]) > 0 {
		for i := range t.Orders[0][0] {
			fmt.Fprintf(bw, ",i%d", i)
		}
	}
	bw.WriteString("\n")
	for r, run := range t.Orders {
		for b, order := range run {
			fmt.Fprintf(bw, "%d,%d", r, b)
			for _, k := range order {
				fmt.Fprintf(bw, ",%d", k)
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// Check implements Schedule: every run < runs and block < blocks must be
// listed, with n items.
func (t *Table) Check(runs, blocks, n int) error {
	for r := 0; r < runs; r++ {
		for b := 0; b < blocks; b++ {
			if r >= len(t.Orders) || b >= len(t.Orders[r]) || t.Orders[r][b] == nil {
				return fmt.Errorf("%s: no order for run %d block %d (need runs 0..%d and blocks 0..%d)", t.Path, r, b, runs-1, blocks-1)
			}
			if len(t.Orders[r][b]) != n {
				return fmt.Errorf("%s: run %d block %d orders %d items, the task has %d", t.Path, r, b, len(t.Orders[r][b]), n)
			}
		}
	}
	return nil
}

// Run implements Schedule.
func (t *Table) Run(src seed.Source, n int) Orders { return tableRun{t.Orders[src.Run]} }

type tableRun struct{ blocks [][]int }

func (r tableRun) Next(block int, dst []int) { copy(dst, r.blocks[block]) }
