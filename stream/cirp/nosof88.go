package cirp

import "github.com/fastslow/stream/triallist"

// Nosof88 returns the instantiation-frequency effect of Nosofsky (1988,
// "Similarity, frequency, and category representations", JEP: LMC 14,
// 54–65, Exp. 1): 12 colours (2-D MDS coordinates) in two categories, 3
// training blocks with feedback; in condition E2 (E7) stimulus 2 (7) is
// presented 5 times as often as the others, in B all equally often. The
// measure is P(category 2) per stimulus over all training trials; the OAT
// passes when the frequent stimuli (direct effect) and their neighbours 4
// and 9 (indirect effect) are classified more accurately than in B.
func Nosof88() *Phenomenon {
	st, err := readTable("stimuli_nosof88.csv")
	if err != nil {
		panic(err)
	}
	ord, err := readTable("siminput_nosof88.csv.gz")
	if err != nil {
		panic(err)
	}
	p := &Phenomenon{Name: "nosof88",
		Title:   "instantiation frequency (Nosofsky 1988, Exp. 1)",
		Measure: "P(category 2) per stimulus, over the 3 training blocks"}
	names := []string{"B", "E2", "E7"}
	for code, name := range names {
		c := &Condition{Name: name, Stimuli: stimuli(st, 2, nil)}
		for i := range c.Stimuli {
			c.Stimuli[i].Frequency = st.num(i, "per_block_"+name) / 4 // per 12-item set
		}
		orders(ord, c, func(i int) bool { return ord.int(i, "cond") == code+1 })
		p.Conditions = append(p.Conditions, c)
	}
	hum, err := readTable("nosof88.csv")
	if err != nil {
		panic(err)
	}
	for i := range hum.rows {
		p.Human = append(p.Human, Cell{Cond: names[hum.int(i, "cond")-1], Item: hum.str(i, "stim"), Value: hum.num(i, "c2acc")})
	}
	p.Cells = func(res []*triallist.Result) ([]Cell, error) { return p.perStimulus(res, nil) }
	p.OAT = nosof88OAT
	return p
}

// nosof88OAT is catlearn's nosof88oat: it passes when P(category 2), the
// accuracy of these category-2 stimuli, is strictly higher for stimulus 2
// in E2, 7 in E7, 4 in E2 and 9 in E7 than in B (ties fail). The summary
// has rows B and E, columns 2, 7, 4, 9.
func nosof88OAT(cells []Cell) (bool, []Cell, error) {
	get := lookup(cells)
	var b, e []Cell
	pass := true
	for _, q := range []struct{ stim, cond string }{{"2", "E2"}, {"7", "E7"}, {"4", "E2"}, {"9", "E7"}} {
		vb, err := get("B", q.stim)
		if err != nil {
			return false, nil, err
		}
		ve, err := get(q.cond, q.stim)
		if err != nil {
			return false, nil, err
		}
		pass = pass && vb < ve
		b = append(b, Cell{Cond: "B", Item: q.stim, Value: vb})
		e = append(e, Cell{Cond: "E", Item: q.stim, Value: ve})
	}
	return pass, append(b, e...), nil
}
