//go:build purego || !amd64

package scan

// width is 0: this build has no vector scan.
func width() int { return 0 }

func next(c *Columns, from, end int, q *Query) int { return c.nextGo(from, end, q) }

// drawable is false: this build has no vector draw.
func drawable() bool { return false }

func draw3(st *[48]uint64, jump *[4]uint64, pos, cols []float64, n, blocks int, cell, count []int32, g int) {
	panic("scan: no vector draw in this build")
}
