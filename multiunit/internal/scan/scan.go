// Package scan holds the multi-unit model's recruitment scan: the first
// unit, from a given one on, whose activation could rank among the best
// (its exponent c·S^(1/r) not more than a margin above a threshold), found
// over thousands of units lanes at a time.
//
// The positions are kept dimension by dimension (Columns), so that the
// coordinates of 4 or 8 consecutive units load at once; each unit's
// arithmetic is the scalar code's, in its order (|x_j − u_j|, its power,
// times a_j, added to a sum that starts at 0, dimension after dimension;
// the root, times c), and every operation is correctly rounded, so the
// vector paths (AVX2, AVX-512, chosen by the CPU's features) and the pure
// Go one (forced by the purego build tag) agree bit for bit. Only r = 1
// and r = 2 have a scan; the model computes other exponents itself.
//
// Draw fills a new model's columns: its AVX-512 kernel draws the initial
// positions from the model's generator, bit for bit rand.Rand.Float64's,
// straight into the columns and the rows, and the units' cells, in one
// pass.
package scan

//go:generate sh -c "cd gen && GOWORK=off go run . -pkg scan -out ../scan_amd64.s -stubs ../scan_amd64.go"
import (
	"fmt"
	"math"
	"sync"
)

// Columns holds N units' positions in D dimensions, column-major: unit i's
// coordinate j is at v[j·N+i].
type Columns struct {
	n, d int
	v    []float64
}

// NewColumns returns the columns of n units in d dimensions, their
// values unset: Load or Set every one. The memory may be that of columns
// given back by Release.
func NewColumns(n, d int) *Columns {
	if c, ok := spare.Get().(*Columns); ok && cap(c.v) >= n*d {
		c.n, c.d, c.v = n, d, c.v[:n*d]
		return c
	}
	return &Columns{n: n, d: d, v: make([]float64, n*d)}
}

// Release gives the columns back for NewColumns to reuse; c must not be
// used afterwards. A model releases its columns when its run ends: the
// next run's model then takes them instead of fresh memory, which the
// system must map and clear (a third of a run of config1).
func (c *Columns) Release() { spare.Put(c) }

// spare holds released columns: a cache of memory shared by the models
// of a process, which no result depends on.
var spare sync.Pool

// Load copies the row-major positions pos ([n·d]) into the columns.
func (c *Columns) Load(pos []float64) {
	if len(pos) != c.n*c.d {
		panic(fmt.Sprintf("scan: %d positions for %d units in %d dimensions", len(pos), c.n, c.d))
	}
	if c.d == 3 { // the SHJ tasks' dimensions: one pass along the rows, three columns written
		c0, c1, c2 := c.v[:c.n], c.v[c.n:2*c.n], c.v[2*c.n:3*c.n]
		pos := pos[:3*len(c0)]
		for i := range c0 {
			c0[i], c1[i], c2[i] = pos[3*i], pos[3*i+1], pos[3*i+2]
		}
		return
	}
	// A column at a time: the writes run along the column.
	for j := 0; j < c.d; j++ {
		col := c.v[j*c.n : (j+1)*c.n]
		for i, k := 0, j; i < len(col) && k < len(pos); i, k = i+1, k+c.d {
			col[i] = pos[k]
		}
	}
}

// Set sets unit i's coordinate j to v.
func (c *Columns) Set(i, j int, v float64) { c.v[j*c.n+i] = v }

// Exclude moves unit i to +Inf in every dimension: its exponent is then
// +Inf (or NaN under a zero attention), so that a scan passes it over
// whenever the threshold is finite and otherwise returns it for the caller
// to check.
func (c *Columns) Exclude(i int) {
	for j := 0; j < c.d; j++ {
		c.v[j*c.n+i] = math.Inf(1)
	}
}

// Query is what a scan compares: the stimulus X and attention A (D
// each), specificity C, exponent R (1 or 2), and the threshold: a unit is
// passed over when e − Worst > Margin.
type Query struct {
	X, A                []float64
	C, R, Worst, Margin float64
}

// Supported reports whether Next has a scan for the distance exponent r.
func Supported(r float64) bool { return r == 1 || r == 2 }

// Exponent returns unit i's exponent e = c·root(Σ_j a_j·|x_j − u_ij|^r),
// in the order of operations of the model's scalar code.
func (c *Columns) Exponent(i int, q *Query) float64 {
	var s float64
	for j, xj := range q.X {
		v := math.Abs(xj - c.v[j*c.n+i])
		if q.R == 2 {
			v *= v
		}
		s += v * q.A[j]
	}
	if q.R == 2 {
		s = math.Sqrt(s)
	}
	return s * q.C
}

// Next returns the first unit i ≥ from whose exponent e is not passed
// over, that is for which e − q.Worst > q.Margin is false (a NaN
// included), or N if there is none. q.R must be Supported.
func (c *Columns) Next(from int, q *Query) int {
	if !Supported(q.R) || len(q.X) != c.d || len(q.A) != c.d {
		panic(fmt.Sprintf("scan: r = %v with %d and %d coordinates for %d dimensions", q.R, len(q.X), len(q.A), c.d))
	}
	i := max(from, 0)
	if w := width(); w > 0 && c.n-i >= w {
		end := i + (c.n-i)/w*w
		if i = next(c, i, end, q); i < end {
			return i
		}
	}
	return c.nextGo(i, c.n, q)
}

// nextGo is the pure-Go scan of the units [from, end).
func (c *Columns) nextGo(from, end int, q *Query) int {
	for i := from; i < end; i++ {
		if !(c.Exponent(i, q)-q.Worst > q.Margin) {
			return i
		}
	}
	return end
}
