package rrand

// Nosof94Train returns the stimulus orders of catlearn's
// nosof94train(cond, blocks, subjs = subjects, seed = seed, blkstyle):
// for each simulated subject, the stimuli (0..7, catlearn's stim − 1) of
// its blocks × 16 trials. Every block holds each stimulus twice; with
// eights every block is two shuffled sets of 8, otherwise ("accurate")
// only the first block is, and later blocks shuffle their 16 trials as a
// whole. The condition does not change the orders (catlearn re-seeds for
// every condition).
func Nosof94Train(subjects, blocks int, seed int32, eights bool) [][]int {
	r := New(seed)
	out := make([][]int, subjects)
	for s := range out {
		list := make([]int, 0, blocks*16)
		for b := 0; b < blocks; b++ {
			if b == 0 || eights {
				list = append(list, r.Sample(8)...)
				list = append(list, r.Sample(8)...)
				continue
			}
			for _, k := range r.Sample(16) { // rows of rbind(stims, stims)
				list = append(list, k%8)
			}
		}
		out[s] = list
	}
	return out
}
