package cirp

import (
	"fmt"
	"strconv"

	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/triallist"
)

// Nosof94 returns the six problems of Shepard, Hovland & Jenkins (1961) as
// Nosofsky, Gluck, Palmeri, McKinley & Glauthier (1994, Memory &
// Cognition 22, 352–369) replicated them: 8 stimuli of 3 binary
// dimensions, two categories of 4, 16 blocks of 16 trials with feedback
// (catlearn's nosof94train, blkstyle "accurate"). The measure is the
// probability of error per block and type; the OAT passes when type I is
// easier than II, II easier than III, IV and V, and those easier than VI.
func Nosof94() *Phenomenon {
	st, err := readTable("stimuli_nosof94.csv")
	if err != nil {
		panic(err)
	}
	ord, err := readTable("siminput_nosof94_accurate.csv.gz")
	if err != nil {
		panic(err)
	}
	p := &Phenomenon{Name: "nosof94",
		Title:   "the six SHJ problems (Nosofsky et al. 1994)",
		Measure: "P(error) per block of 16 trials and type"}
	for typ := 1; typ <= 6; typ++ {
		c := &Condition{Name: fmt.Sprintf("type%d", typ), Stimuli: stimuli(st, 3, func(i int) bool { return st.int(i, "type") == typ })}
		orders(ord, c, nil)
		p.Conditions = append(p.Conditions, c)
		for b, e := range human.Nosofsky1994(typ) {
			p.Human = append(p.Human, Cell{Cond: c.Name, Item: strconv.Itoa(b + 1), Value: e})
		}
	}
	p.Cells = func(res []*triallist.Result) ([]Cell, error) {
		if err := p.checkResults(res); err != nil {
			return nil, err
		}
		var out []Cell
		for ci, r := range res {
			for _, g := range r.Aggregate(nil, func(t *triallist.Trial) string { return strconv.Itoa(t.Block) }) {
				out = append(out, Cell{Cond: p.Conditions[ci].Name, Item: g.Key, Value: g.Error})
			}
		}
		return out, nil
	}
	p.OAT = nosof94OAT
	return p
}

// nosof94OAT is catlearn's nosof94oat: the mean error of each type over
// its blocks; it passes when I < II < III, IV, V < VI strictly (III, IV
// and V in any order).
func nosof94OAT(cells []Cell) (bool, []Cell, error) {
	var sum [6]float64
	var n [6]int
	for _, c := range cells {
		var typ int
		if _, err := fmt.Sscanf(c.Cond, "type%d", &typ); err != nil || typ < 1 || typ > 6 {
			return false, nil, fmt.Errorf("cirp: nosof94: condition %q: want type1 … type6", c.Cond)
		}
		sum[typ-1] += c.Value
		n[typ-1]++
	}
	var summary []Cell
	var m [6]float64
	for t := range m {
		if n[t] == 0 {
			return false, nil, fmt.Errorf("cirp: nosof94: no value for type %d", t+1)
		}
		m[t] = sum[t] / float64(n[t])
		summary = append(summary, Cell{Cond: fmt.Sprintf("type%d", t+1), Item: "mean_error", Value: m[t]})
	}
	pass := m[0] < m[1] && m[0] < m[2] && m[0] < m[3] && m[0] < m[4] && m[0] < m[5] &&
		m[1] < m[2] && m[1] < m[3] && m[1] < m[4] && m[1] < m[5] &&
		m[2] < m[5] && m[3] < m[5] && m[4] < m[5]
	return pass, summary, nil
}
