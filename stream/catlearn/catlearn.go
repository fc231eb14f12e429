// Package catlearn rebuilds the training lists of catlearn's simulations
// (the R package's nosof94train, which its ALCOVE and SUSTAIN simulations
// of Nosofsky et al. 1994 train on) exactly, from R's own random numbers
// (package rrand), so that tests and the shipped order tables replay
// catlearn's runs rather than only runs like them.
package catlearn

import (
	"github.com/fastslow/stream/rrand"
	"github.com/fastslow/stream/schedule"
)

// Nosof94Seed, Nosof94Subjects and Nosof94Blocks are the design of
// catlearn's simulations of Nosofsky et al. (1994): nosof94train(cond,
// blocks = 16, subjs = 100, seed = 7624).
const (
	Nosof94Seed     = 7624
	Nosof94Subjects = 100
	Nosof94Blocks   = 16
)

// Style is nosof94train's blkstyle: how a block of 16 trials (each of the
// 8 stimuli twice) is shuffled.
type Style int

const (
	// Accurate is blkstyle = "accurate" (the default, which catlearn's
	// ALCOVE simulations use): the first block is two shuffled sets of
	// the 8 stimuli, and every later block shuffles its 16 trials as a
	// whole.
	Accurate Style = iota
	// Eights is blkstyle = "eights" (as nosof94sustain uses): every block
	// is two shuffled sets of the 8 stimuli.
	Eights
)

// Nosof94Train returns the stimulus orders of catlearn's
// nosof94train(cond, blocks, subjs = subjects, seed = seed, blkstyle):
// for each simulated subject, the stimuli (0..7, catlearn's stim − 1) of
// its blocks × 16 trials. The condition (SHJ type) does not change the
// orders: catlearn sets the seed again for every condition.
func Nosof94Train(subjects, blocks int, seed int32, style Style) [][]int {
	r := rrand.New(seed)
	out := make([][]int, subjects)
	eight, sixteen := make([]int, 8), make([]int, 16)
	for s := range out {
		list := make([]int, 0, blocks*16)
		for b := 0; b < blocks; b++ {
			if b == 0 || style == Eights {
				r.Sample(eight)
				list = append(list, eight...)
				r.Sample(eight)
				list = append(list, eight...)
				continue
			}
			r.Sample(sixteen)
			for _, k := range sixteen { // rows of rbind(stims, stims)
				list = append(list, k%8)
			}
		}
		out[s] = list
	}
	return out
}

// Nosof94Orders returns Nosof94Train's lists as an order table (run r is
// subject r + 1) over the 16 items of task.Repeat(shj, 2), in which items
// k and k + 8 are both stimulus k: a stimulus's first trial in a block is
// item k, its second item k + 8. The fit commands read it with -order;
// package schedule writes it (Table.WriteCSV).
func Nosof94Orders(subjects, blocks int, seed int32, style Style) *schedule.Table {
	tab := &schedule.Table{Path: "catlearn nosof94train"}
	for _, list := range Nosof94Train(subjects, blocks, seed, style) {
		run := make([][]int, blocks)
		for b := range run {
			order := make([]int, 16)
			var seen [8]bool
			for i, k := range list[16*b : 16*b+16] {
				order[i] = k
				if seen[k] {
					order[i] += 8
				}
				seen[k] = true
			}
			run[b] = order
		}
		tab.Orders = append(tab.Orders, run)
	}
	return tab
}
