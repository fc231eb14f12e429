package cirp

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"

	"github.com/fastslow/stream/triallist"
)

// Krus96 returns the inverse base-rate effect of Kruschke (1996, "Base
// rates in category learning", JEP: LMC 22, 3–26, Exp. 1): two copies of
// a design in which symptoms I+PC predict a common disease C (3 of 4
// trials) and I+PR a rare one R, 7 cue-presence features (the 6 symptoms
// and an always-present context cue), 4 categories (C1, R1, C2, R2), 15
// training blocks of 8 trials, then 18 test patterns without feedback,
// as catlearn's krus96train lists them for its 56 simulated subjects. The
// measure is the proportion of each response (C, R, Co, Ro: the common
// and rare disease of the pattern's first cue's copy, and of the other
// copy) per abstract symptom pattern. catlearn has no OAT for it; the test
// here is the effect's direction as its documentation states it: I alone
// is diagnosed C more often than R, while PC+PR is diagnosed R more
// often than C.
func Krus96() *Phenomenon {
	b, err := data.ReadFile("data/krus96train_default.csv.gz")
	if err != nil {
		panic(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		panic(err)
	}
	l, err := triallist.Read(bytes.NewReader(raw), "krus96train")
	if err != nil {
		panic(err)
	}
	c := &Condition{Name: "", List: l}
	seen := make(map[int]bool)
	for _, t := range l.Trials {
		if !seen[t.Item] {
			seen[t.Item] = true
			c.Stimuli = append(c.Stimuli, Stimulus{Name: t.Stim, X: t.X, T: t.T, Label: t.Label, Training: t.Ctrl != triallist.Frozen, Frequency: 1})
		}
	}
	p := &Phenomenon{Name: "krus96",
		Title:      "inverse base-rate effect (Kruschke 1996, Exp. 1)",
		Measure:    "P(response) per abstract test pattern and disease (C, R, Co, Ro)",
		Conditions: []*Condition{c}}
	hum, err := readTable("krus96.csv")
	if err != nil {
		panic(err)
	}
	for i := range hum.rows {
		p.Human = append(p.Human, Cell{Item: hum.str(i, "symptom") + "/" + hum.str(i, "disease"), Value: hum.num(i, "prop")})
	}
	p.Cells = func(res []*triallist.Result) ([]Cell, error) {
		if err := p.checkResults(res); err != nil {
			return nil, err
		}
		groups := res[0].Aggregate(func(t *triallist.Trial) bool { return t.Ctrl == triallist.Frozen },
			func(t *triallist.Trial) string { return t.Stim })
		sum := make(map[string]float64)
		n := make(map[string]int)
		for _, g := range groups {
			abs, copy, err := krus96Abstract(g.Key)
			if err != nil {
				return nil, err
			}
			other := 3 - copy
			for _, d := range []struct {
				name string
				k    int
			}{{"C", 2 * (copy - 1)}, {"R", 2*(copy-1) + 1}, {"Co", 2 * (other - 1)}, {"Ro", 2*(other-1) + 1}} {
				sum[abs+"/"+d.name] += g.Mean[d.k]
				n[abs+"/"+d.name]++
			}
		}
		out := make([]Cell, 0, len(p.Human))
		for _, h := range p.Human {
			if n[h.Item] == 0 {
				return nil, fmt.Errorf("cirp: krus96: no test trial of pattern %s", h.Item)
			}
			out = append(out, Cell{Item: h.Item, Value: sum[h.Item] / float64(n[h.Item])})
		}
		return out, nil
	}
	p.OAT = krus96OAT
	return p
}

// krus96Abstract returns the abstract pattern of a cue compound of
// catlearn's krus96train ("I2.PC2.PR1" → "I+PC+PRo") and the design copy
// (1 or 2) of its first cue.
func krus96Abstract(stim string) (string, int, error) {
	cues := strings.Split(stim, ".")
	var parts []string
	copy := 0
	for _, cue := range cues {
		if len(cue) < 2 || (cue[len(cue)-1] != '1' && cue[len(cue)-1] != '2') {
			return "", 0, fmt.Errorf("cirp: krus96: stimulus %q: want cues such as I1, PC2, joined by '.'", stim)
		}
		k := int(cue[len(cue)-1] - '0')
		name := cue[:len(cue)-1]
		if copy == 0 {
			copy = k
		}
		if k != copy {
			name += "o"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, "+"), copy, nil
}

// krus96OAT tests the inverse base-rate effect's direction: P(C) > P(R)
// for I alone and P(R) > P(C) for PC+PR. The summary holds those four
// proportions.
func krus96OAT(cells []Cell) (bool, []Cell, error) {
	get := lookup(cells)
	var summary []Cell
	for _, item := range []string{"I/C", "I/R", "PC+PR/C", "PC+PR/R"} {
		v, err := get("", item)
		if err != nil {
			return false, nil, err
		}
		summary = append(summary, Cell{Item: item, Value: v})
	}
	return summary[0].Value > summary[1].Value && summary[3].Value > summary[2].Value, summary, nil
}
