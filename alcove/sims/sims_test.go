package sims_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/fastslow/alcove/model"
	"github.com/fastslow/alcove/sims"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
	"github.com/stretchr/testify/require"
)

// traceTol bounds the difference between a response probability and
// catlearn's: both compute the same operations in the same order, and
// the only differences are the last bits of exp and sqrt (libm against
// Go) and of the prototypes' means (R's rowMeans accumulates in long
// double), amplified by at most a few hundred trials of learning.
const traceTol = 1e-12

// tableTol bounds the difference of a mean over 100 subjects from
// catlearn's CSV, which carries 15 significant digits.
const tableTol = 1e-13

// subject1 returns the trials of the first simulated subject of l.
func subject1(l *triallist.List) *triallist.List {
	s := *l
	s.Subjects = 1
	n := 0
	for n < len(l.Trials) && l.Trials[n].Subject == 0 {
		n++
	}
	s.Trials = l.Trials[:n]
	return &s
}

// TestTraces reproduces catlearn's subject-1 traces of its exemplar and
// prototype ALCOVE simulations of shin92 and nosof88 trial by trial,
// training and transfer trials alike.
func TestTraces(t *testing.T) {
	for _, name := range []string{"shin92exalcove", "shin92protoalcove", "nosof88exalcove", "nosof88protoalcove"} {
		t.Run(name, func(t *testing.T) {
			s, err := sims.ByName(name)
			require.NoError(t, err)
			p, err := cirp.ByName(s.Phenomenon)
			require.NoError(t, err)
			col, rows := fixture.ReadCSV(t, "testdata/trace_"+name+"_subj1.csv")
			i := 0
			for ci, c := range p.Conditions {
				par, err := s.Params(c, s.Fit)
				require.NoError(t, err)
				l := subject1(c.List)
				res, err := triallist.Run(context.Background(), l, triallist.Options{
					New: func(int, seed.Source) (stream.Stream, error) { return model.New(par) }})
				require.NoError(t, err)
				for j := range l.Trials {
					r := rows[i]
					i++
					require.Equal(t, strconv.Itoa(ci+1), r[col["cond"]])
					require.Equal(t, l.Trials[j].Stim, r[col["stim"]], "trial %d", j+1)
					require.Equal(t, strconv.Itoa(int(l.Trials[j].Ctrl)), r[col["ctrl"]])
					got := res.Prob(j)
					require.InDelta(t, fixture.Num(t, r[col["p1"]]), got[0], traceTol, "%s trial %d", c.Name, j+1)
					require.InDelta(t, fixture.Num(t, r[col["p2"]]), got[1], traceTol, "%s trial %d", c.Name, j+1)
				}
			}
			require.Equal(t, len(rows), i, "trace rows")
		})
	}
}

// TestTables reproduces catlearn's simulation outputs (all 100 simulated
// subjects, aggregated as its functions aggregate them) and their OATs.
func TestTables(t *testing.T) {
	for _, name := range []string{"shin92exalcove", "shin92protoalcove", "nosof88exalcove", "nosof88protoalcove", "nosof94exalcove", "nosof94bnalcove"} {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(name, "nosof94") {
				t.Skip("nosof94: 153,600 trials; alcove/model's nosof94 test covers the same runs")
			}
			s, err := sims.ByName(name)
			require.NoError(t, err)
			p, err := cirp.ByName(s.Phenomenon)
			require.NoError(t, err)
			res, err := s.Run(context.Background(), p, s.Fit, 2)
			require.NoError(t, err)
			cells, err := p.Cells(res)
			require.NoError(t, err)
			want := readSim(t, p, name)
			require.Len(t, cells, len(want))
			got := make(map[[2]string]float64)
			for _, c := range cells {
				got[[2]string{c.Cond, c.Item}] = c.Value
			}
			for _, w := range want {
				v, ok := got[[2]string{w.Cond, w.Item}]
				require.True(t, ok, "%v", w)
				require.InDelta(t, w.Value, v, tableTol, "%s %s", w.Cond, w.Item)
			}
			pass, _, err := p.OAT(cells)
			require.NoError(t, err)
			require.True(t, pass, "catlearn's %s passes its OAT", name)
		})
	}
}

func readSim(t *testing.T, p *cirp.Phenomenon, name string) []cirp.Cell {
	col, rows := fixture.ReadCSV(t, "testdata/sim_"+name+".csv")
	var out []cirp.Cell
	for _, r := range rows {
		var c cirp.Cell
		switch p.Name {
		case "shin92":
			c = cirp.Cell{Cond: []string{"equal3", "equal10"}[fixture.Atoi(t, r[col["cond"]])-1], Item: r[col["stim"]], Value: fixture.Num(t, r[col["c2p"]])}
		case "nosof88":
			c = cirp.Cell{Cond: []string{"B", "E2", "E7"}[fixture.Atoi(t, r[col["cond"]])-1], Item: r[col["stim"]], Value: fixture.Num(t, r[col["c2acc"]])}
		case "nosof94":
			c = cirp.Cell{Cond: "type" + r[col["type"]], Item: r[col["block"]], Value: fixture.Num(t, r[col["error"]])}
		}
		out = append(out, c)
	}
	return out
}

// TestPrototypes checks the prototypes against the nodes catlearn's
// prototype simulations use (alcove_prototypes.csv, 15 digits).
func TestPrototypes(t *testing.T) {
	col, rows := fixture.ReadCSV(t, "testdata/alcove_prototypes.csv")
	phen := map[string]*cirp.Phenomenon{"shin92protoalcove": cirp.Shin92(), "nosof88protoalcove": cirp.Nosof88()}
	for _, r := range rows {
		p := phen[r[col["sim"]]]
		var c *cirp.Condition
		for _, x := range p.Conditions {
			if x.Name == r[col["cond"]] {
				c = x
			}
		}
		require.NotNil(t, c, r[col["cond"]])
		proto := sims.Prototypes(c)[fixture.Atoi(t, r[col["category"]])-1]
		for d, v := range proto {
			require.InDelta(t, fixture.Num(t, r[col["x"+strconv.Itoa(d+1)]]), v, 1e-14, "%s %s dim %d", r[col["sim"]], c.Name, d+1)
		}
	}
}

// TestFrozenTrialsChangeNothing checks that a block of transfer trials
// leaves ALCOVE's state as the training left it.
func TestFrozenTrialsChangeNothing(t *testing.T) {
	s, _ := sims.ByName("shin92exalcove")
	c := cirp.Shin92().Conditions[0]
	par, err := s.Params(c, s.Fit)
	require.NoError(t, err)
	m, err := model.New(par)
	require.NoError(t, err)
	var before []stream.Array
	for _, tr := range subject1(c.List).Trials {
		st := stream.Trial{X: tr.X, Label: tr.Label, Item: tr.Item}
		if tr.Ctrl == triallist.Frozen {
			if before == nil {
				before = m.State()
			}
			m.Predict(&st)
			continue
		}
		m.Forward(&st)
		m.Learn(&st, nil)
	}
	require.NotNil(t, before)
	require.Equal(t, before, m.State())
}

// TestErrors checks an unknown simulation and a mismatched phenomenon.
func TestErrors(t *testing.T) {
	_, err := sims.ByName("homa76alcove")
	require.ErrorContains(t, err, `unknown simulation "homa76alcove"`)
	s, _ := sims.ByName("shin92exalcove")
	_, err = s.Run(context.Background(), cirp.Nosof88(), s.Fit, 1)
	require.ErrorContains(t, err, "simulates shin92, not nosof88")
}
