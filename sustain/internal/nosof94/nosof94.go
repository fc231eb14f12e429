// Package nosof94 rebuilds the trial orders of catlearn's simulations of
// Nosofsky et al. (1994) with SUSTAIN (nosof94sustain), so that tests and
// the shipped order table replay catlearn's exact runs.
package nosof94

import (
	"bufio"
	"fmt"
	"io"

	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/sustain/internal/rrand"
)

// Seed, Subjects and Blocks are catlearn's: nosof94train(cond, blocks =
// 16, subjs = 100, seed = 7624).
const (
	Seed     = 7624
	Subjects = 100
	Blocks   = 16
)

// Orders returns the orders that nosof94train(cond, blocks, subjs =
// subjects, seed = 7624, blkstyle = "eights") draws, the same for every
// SHJ type (it sets the seed per type): per subject and block, two
// sample(8) passes, written as orders of the 16 items of
// task.Repeat(shj, 2) (items 8–15 repeat items 0–7). Run r is subject r+1.
func Orders(subjects, blocks int) *schedule.Table {
	r := rrand.New(Seed)
	tab := &schedule.Table{Path: "catlearn nosof94train"}
	perm := make([]int, 8)
	for s := 0; s < subjects; s++ {
		var run [][]int
		for b := 0; b < blocks; b++ {
			order := make([]int, 16)
			r.Sample(perm)
			copy(order, perm)
			r.Sample(perm)
			for i, k := range perm {
				order[8+i] = 8 + k
			}
			run = append(run, order)
		}
		tab.Orders = append(tab.Orders, run)
	}
	return tab
}

// WriteCSV writes tab as an order table (run,block,i0,…) that
// schedule.ReadTable and the fit command's -order flag read.
func WriteCSV(w io.Writer, tab *schedule.Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("run,block")
	for i := range tab.Orders[0][0] {
		fmt.Fprintf(bw, ",i%d", i)
	}
	bw.WriteString("\n")
	for r, run := range tab.Orders {
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
