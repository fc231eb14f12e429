// Package human holds human learning curves to compare models with: the
// six SHJ problems as replicated by Nosofsky, Gluck, Palmeri, McKinley &
// Glauthier (1994, Memory & Cognition 22, 352–369), Table 1, first 16
// blocks of 16 trials (each of the 8 stimuli twice), via catlearn's
// nosof94 data set.
package human

import (
	_ "embed"
	"encoding/csv"
	"strconv"
	"strings"
)

//go:embed nosofsky1994_shj.csv
var nosofskyCSV string

// BlockTrials is the number of trials in one of Nosofsky et al.'s blocks:
// two of the toolkit's 8-trial SHJ blocks.
const BlockTrials = 16

// Nosofsky1994 returns the mean probability of error per block (16 blocks)
// for SHJ type typ (1..6), or nil for another type.
func Nosofsky1994(typ int) []float64 {
	rows, err := csv.NewReader(strings.NewReader(nosofskyCSV)).ReadAll()
	if err != nil {
		panic(err) // the embedded file is part of the program
	}
	var out []float64
	for _, r := range rows[1:] {
		t, _ := strconv.Atoi(r[0])
		if t != typ {
			continue
		}
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			panic(err)
		}
		out = append(out, v)
	}
	return out
}

// Blocks returns where the n human blocks sit on the block axis of a model
// whose blocks present items trials: a human block of BlockTrials trials
// spans BlockTrials/items model blocks and sits at their middle (human
// block b, from 1, at model blocks 2b−1 and 2b for the 8 SHJ items).
func Blocks(items, n int) []float64 {
	per := float64(BlockTrials) / float64(items)
	x := make([]float64, n)
	for b := range x {
		x[b] = per*float64(b+1) - (per-1)/2
	}
	return x
}
