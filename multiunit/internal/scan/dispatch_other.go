//go:build purego || !amd64

package scan

// width is 0: this build has no vector scan.
func width() int { return 0 }

func next(c *Columns, from, end int, q *Query) int { return c.nextGo(from, end, q) }
