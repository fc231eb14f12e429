package cirp

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/task"
	"github.com/fastslow/stream/triallist"
	"github.com/stretchr/testify/require"
)

// catlearn's CSV files carry 15 significant digits: sums of a few dozen
// squares of such numbers agree to well within 1e-12.
const tol = 1e-12

// simCells reads a catlearn simulation's output (testdata/sim_<name>.csv)
// as cells of phenomenon p.
func simCells(t *testing.T, p *Phenomenon, name string) []Cell {
	col, rows := fixture.ReadCSV(t, "testdata/sim_"+name+".csv")
	var out []Cell
	for _, r := range rows {
		switch p.Name {
		case "shin92":
			out = append(out, Cell{Cond: []string{"equal3", "equal10"}[fixture.Atoi(t, r[col["cond"]])-1], Item: r[col["stim"]], Value: fixture.Num(t, r[col["c2p"]])})
		case "nosof88":
			out = append(out, Cell{Cond: []string{"B", "E2", "E7"}[fixture.Atoi(t, r[col["cond"]])-1], Item: r[col["stim"]], Value: fixture.Num(t, r[col["c2acc"]])})
		case "krus96":
			out = append(out, Cell{Item: strings.ReplaceAll(r[col["symptom"]], ".", "+") + "/" + r[col["disease"]], Value: fixture.Num(t, r[col["prop"]])})
		case "nosof94":
			out = append(out, Cell{Cond: "type" + r[col["type"]], Item: r[col["block"]], Value: fixture.Num(t, r[col["error"]])})
		}
	}
	return out
}

// oatDetails reads catlearn's OAT summaries (testdata/oat_details.csv) of
// source (e.g. "human:shin92", "sim:nosof88exalcove").
func oatDetails(t *testing.T, source string) map[[2]string]float64 {
	col, rows := fixture.ReadCSV(t, "testdata/oat_details.csv")
	out := make(map[[2]string]float64)
	for _, r := range rows {
		if r[col["source"]] == source {
			out[[2]string{r[col["row"]], r[col["col"]]}] = fixture.Num(t, r[col["value"]])
		}
	}
	return out
}

// simSummary reads catlearn's SSE and OAT of simulation name.
func simSummary(t *testing.T, name string) (sse float64, oat string) {
	col, rows := fixture.ReadCSV(t, "testdata/sim_summary.csv")
	for _, r := range rows {
		if r[col["sim"]] == name {
			return fixture.Num(t, r[col["sse_vs_human"]]), r[col["oat_pass"]]
		}
	}
	t.Fatalf("no simulation %s", name)
	return
}

// TestCatlearnTables feeds catlearn's own simulation outputs to the
// phenomena's OATs and SSEs: they must give catlearn's verdicts, summary
// tables and SSEs against the human data; and the human data must pass
// their own OATs with catlearn's summaries.
func TestCatlearnTables(t *testing.T) {
	for _, c := range []struct{ phen, sim, human string }{
		{"shin92", "shin92exalcove", "human:shin92"},
		{"shin92", "shin92protoalcove", ""},
		{"nosof88", "nosof88exalcove", "human:nosof88"},
		{"nosof88", "nosof88protoalcove", ""},
		{"nosof94", "nosof94exalcove", "human:nosof94"},
		{"krus96", "krus96exit", ""},
	} {
		t.Run(c.sim, func(t *testing.T) {
			p, err := ByName(c.phen)
			require.NoError(t, err)
			cells := simCells(t, p, c.sim)
			require.Len(t, cells, len(p.Human)+map[string]int{"shin92": 0}[c.phen])
			sse, err := SSE(cells, p.Human)
			require.NoError(t, err)
			wantSSE, wantOAT := simSummary(t, c.sim)
			require.InDelta(t, wantSSE, sse, tol)
			pass, summary, err := p.OAT(cells)
			require.NoError(t, err)
			if wantOAT != "NA" {
				require.Equal(t, wantOAT == "TRUE", pass)
				checkSummary(t, summary, oatDetails(t, "sim:"+c.sim), c.phen)
			} else {
				require.True(t, pass, "the inverse base-rate effect's direction")
			}
			if c.human == "" {
				return
			}
			pass, summary, err = p.OAT(p.Human)
			require.NoError(t, err)
			require.True(t, pass, "human data")
			checkSummary(t, summary, oatDetails(t, c.human), c.phen)
		})
	}
}

func checkSummary(t *testing.T, summary []Cell, want map[[2]string]float64, phen string) {
	t.Helper()
	require.Len(t, summary, len(want))
	for _, s := range summary {
		key := [2]string{s.Cond, s.Item}
		w, ok := want[key]
		require.True(t, ok, "summary cell %v", key)
		require.InDelta(t, w, s.Value, tol, "%v", key)
	}
}

// TestConditions checks the trial lists against catlearn's designs.
func TestConditions(t *testing.T) {
	cases := []struct {
		phen     string
		conds    []string
		subjects int
		trials   []int
		dims     []int
		classes  int
	}{
		{"shin92", []string{"equal3", "equal10"}, 100, []int{96, 250}, []int{4, 6}, 2},
		{"nosof88", []string{"B", "E2", "E7"}, 100, []int{144, 192, 192}, []int{2, 2, 2}, 2},
		{"krus96", []string{""}, 56, []int{138}, []int{7}, 4},
		{"nosof94", []string{"type1", "type2", "type3", "type4", "type5", "type6"}, 100, []int{256, 256, 256, 256, 256, 256}, []int{3, 3, 3, 3, 3, 3}, 2},
	}
	for _, c := range cases {
		t.Run(c.phen, func(t *testing.T) {
			p, err := ByName(c.phen)
			require.NoError(t, err)
			require.Len(t, p.Conditions, len(c.conds))
			for i, cond := range p.Conditions {
				require.Equal(t, c.conds[i], cond.Name)
				l := cond.List
				require.NoError(t, l.Check())
				require.Equal(t, c.subjects, l.Subjects)
				require.Len(t, l.Trials, c.subjects*c.trials[i])
				require.Equal(t, c.dims[i], l.Dims)
				require.Equal(t, c.classes, l.Classes)
				for k, s := range cond.Stimuli {
					if c.phen != "krus96" {
						require.Equal(t, strconv.Itoa(k+1), s.Name, "stimuli in catlearn's order")
					}
				}
				for j := range l.Trials {
					tr := &l.Trials[j]
					require.Equal(t, cond.Stimuli[tr.Item].X, tr.X)
				}
			}
		})
	}
	_, err := ByName("homa76")
	require.ErrorContains(t, err, `unknown phenomenon "homa76"`)
}

// TestKrus96Abstract checks the abstract patterns of the test compounds.
func TestKrus96Abstract(t *testing.T) {
	for stim, want := range map[string]string{"I1": "I", "PC2.PR2": "PC+PR", "I2.PC2.PR1": "I+PC+PRo", "I1.PR2": "I+PRo", "PC2.PR1": "PC+PRo"} {
		got, _, err := krus96Abstract(stim)
		require.NoError(t, err)
		require.Equal(t, want, got, stim)
	}
	_, _, err := krus96Abstract("X3")
	require.ErrorContains(t, err, `"X3"`)
}

// TestKrus96TrainingTask checks that the built-in task krus96-training
// (EXIT's default) is the design of catlearn's krus96 lists: every
// training block of every simulated subject presents its eight trials, in
// some order.
func TestKrus96TrainingTask(t *testing.T) {
	key := func(x []float64, label int) string { return fmt.Sprint(x, label) }
	want := make(map[string]int)
	for _, it := range task.Krus96Training().Items {
		want[key(it.X, it.Label)]++
	}
	blocks := make(map[[2]int]map[string]int)
	for _, tr := range Krus96().Conditions[0].List.Trials {
		if tr.Ctrl == triallist.Frozen {
			continue
		}
		b := [2]int{tr.Subject, tr.Block}
		if blocks[b] == nil {
			blocks[b] = make(map[string]int)
		}
		blocks[b][key(tr.X, tr.Label)]++
	}
	require.Len(t, blocks, 56*15, "56 subjects × 15 training blocks")
	for b, got := range blocks {
		require.Equal(t, want, got, "subject %d block %d", b[0], b[1])
	}
}

// TestCellsNeedTheirLists checks that results of other lists are refused.
func TestCellsNeedTheirLists(t *testing.T) {
	p := Nosof88()
	_, err := p.Cells([]*triallist.Result{{List: p.Conditions[0].List}})
	require.ErrorContains(t, err, "1 results for 3 conditions")
}
