package cirp

import (
	"fmt"
	"strconv"

	"github.com/fastslow/stream/triallist"
)

// Shin92 returns the category-size effect of Shin & Nosofsky (1992, "Tests
// of an exemplar model for relating perceptual classification and
// recognition memory", JEP: General 121, 278–304, Exp. 3, equal-frequency
// conditions): two categories of 3 (condition equal3, 4-D MDS
// coordinates) or 10 (equal10, 6-D) polygons, 8 training blocks with
// feedback, then 3 transfer blocks without (prototypes, old and novel
// items). The measure is P(category 2) per transfer stimulus; the OAT
// passes when novel items are classified more accurately after the larger
// categories.
func Shin92() *Phenomenon {
	st, err := readTable("stimuli_shin92.csv")
	if err != nil {
		panic(err)
	}
	p := &Phenomenon{Name: "shin92",
		Title:   "category size (Shin & Nosofsky 1992, Exp. 3)",
		Measure: "P(category 2) per transfer stimulus, over the 3 transfer blocks"}
	for _, cond := range []struct {
		name string
		dims int
	}{{"equal3", 4}, {"equal10", 6}} {
		c := &Condition{Name: cond.name, Stimuli: stimuli(st, cond.dims, func(i int) bool { return st.str(i, "cond") == cond.name })}
		ord, err := readTable("siminput_shin92_" + cond.name + ".csv.gz")
		if err != nil {
			panic(err)
		}
		orders(ord, c, nil)
		p.Conditions = append(p.Conditions, c)
	}
	hum, err := readTable("shin92.csv")
	if err != nil {
		panic(err)
	}
	m, err := readTable("shin92_stimcode_map.csv")
	if err != nil {
		panic(err)
	}
	code := make(map[[3]string]string) // catsize, cat, code → stim
	for i := range m.rows {
		code[[3]string{m.str(i, "catsize"), m.str(i, "cat"), m.str(i, "stim_code")}] = m.str(i, "stim")
	}
	for i := range hum.rows {
		size := hum.str(i, "catsize")
		stim, ok := code[[3]string{size, hum.str(i, "cat"), hum.str(i, "stim")}]
		if !ok {
			panic(fmt.Sprintf("cirp: shin92.csv row %d: no stimulus number", i+2))
		}
		p.Human = append(p.Human, Cell{Cond: "equal" + size, Item: stim, Value: hum.num(i, "c2acc")})
	}
	p.Cells = func(res []*triallist.Result) ([]Cell, error) {
		return p.perStimulus(res, func(t *triallist.Trial) bool { return t.Phase == 2 })
	}
	p.OAT = shin92OAT
	return p
}

// shin92OAT is catlearn's shin92oat: P(category 2) becomes accuracy
// (1 − P for category-1 stimuli), averaged over the old items, the
// prototypes and the novel items of each size; it passes when the novel
// items of size 10 are more accurate than those of size 3. As catlearn's,
// the size-10 "old" mean also counts stimulus 16, the category-2
// prototype (the decision does not use it).
func shin92OAT(cells []Cell) (bool, []Cell, error) {
	get := lookup(cells)
	acc := func(cond string, firstCat2 int, stims ...[2]int) (float64, error) {
		var v []float64
		for _, r := range stims {
			for s := r[0]; s <= r[1]; s++ {
				x, err := get(cond, strconv.Itoa(s))
				if err != nil {
					return 0, err
				}
				if s < firstCat2 {
					x = 1 - x
				}
				v = append(v, x)
			}
		}
		return mean(v), nil
	}
	var summary []Cell
	for _, q := range []struct {
		cond, row, col string
		first          int
		stims          [][2]int
	}{
		{"equal3", "size3", "old", 9, [][2]int{{2, 4}, {10, 12}}},
		{"equal3", "size3", "proto", 9, [][2]int{{1, 1}, {9, 9}}},
		{"equal3", "size3", "new", 9, [][2]int{{5, 8}, {13, 16}}},
		{"equal10", "size10", "old", 16, [][2]int{{2, 11}, {16, 26}}},
		{"equal10", "size10", "proto", 16, [][2]int{{1, 1}, {16, 16}}},
		{"equal10", "size10", "new", 16, [][2]int{{12, 15}, {27, 30}}},
	} {
		v, err := acc(q.cond, q.first, q.stims...)
		if err != nil {
			return false, nil, err
		}
		summary = append(summary, Cell{Cond: q.row, Item: q.col, Value: v})
	}
	return summary[5].Value > summary[2].Value, summary, nil
}
