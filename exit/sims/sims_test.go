package sims_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fastslow/exit/model"
	"github.com/fastslow/exit/sims"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
	"github.com/stretchr/testify/require"
)

// traceTol bounds the difference between a response probability and
// catlearn's: the same operations in the same order, differing only in
// the last bits of exp and pow (glibc against Go), carried through 138
// trials of 10 gain-shift steps each.
const traceTol = 1e-12

// tableTol bounds a mean over 56 subjects against catlearn's CSV (15
// significant digits).
const tableTol = 1e-13

// TestTrace reproduces catlearn's trace of simulated subject 1 (120
// training trials, 18 test trials) trial by trial.
func TestTrace(t *testing.T) {
	p := cirp.Krus96()
	c := p.Conditions[0]
	par, err := sims.Krus96Params(c, sims.Krus96Default)
	require.NoError(t, err)
	l := *c.List
	l.Subjects = 1
	l.Trials = l.Trials[:138]
	res, err := triallist.Run(context.Background(), &l, triallist.Options{
		New: func(int, seed.Source) (stream.Stream, error) { return model.New(par) }})
	require.NoError(t, err)
	col, rows := fixture.ReadCSV(t, "testdata/trace_krus96exit_subj1.csv")
	require.Len(t, rows, 138)
	worst := 0.0
	for i, r := range rows {
		require.Equal(t, l.Trials[i].Stim, r[col["stim"]], "trial %d", i+1)
		for k, name := range []string{"pC1", "pR1", "pC2", "pR2"} {
			want := fixture.Num(t, r[col[name]])
			got := res.Prob(i)[k]
			require.InDelta(t, want, got, traceTol, "trial %d %s", i+1, name)
			worst = max(worst, abs(want-got))
		}
	}
	t.Logf("largest difference %.2g", worst)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestTable reproduces krus96exit's output (56 subjects) and its SSE
// against Kruschke's (1996) data, and shows the inverse base-rate effect.
func TestTable(t *testing.T) {
	p := cirp.Krus96()
	res, err := sims.RunKrus96(context.Background(), p, sims.Krus96Default, 2)
	require.NoError(t, err)
	cells, err := p.Cells(res)
	require.NoError(t, err)
	col, rows := fixture.ReadCSV(t, "testdata/sim_krus96exit.csv")
	got := make(map[string]float64)
	for _, c := range cells {
		got[c.Item] = c.Value
	}
	for _, r := range rows {
		item := strings.ReplaceAll(r[col["symptom"]], ".", "+") + "/" + r[col["disease"]]
		require.InDelta(t, fixture.Num(t, r[col["prop"]]), got[item], tableTol, item)
	}
	sse, err := cirp.SSE(cells, p.Human)
	require.NoError(t, err)
	require.InDelta(t, 0.0203111589220183, sse, 1e-13) // catlearn's sim_summary.csv
	pass, _, err := p.OAT(cells)
	require.NoError(t, err)
	require.True(t, pass)
}

// TestErrors checks a missing training compound and a wrong phenomenon.
func TestErrors(t *testing.T) {
	_, err := sims.RunKrus96(context.Background(), cirp.Nosof88(), sims.Krus96Default, 1)
	require.ErrorContains(t, err, "krus96exit simulates krus96, not nosof88")
	c := *cirp.Krus96().Conditions[0]
	c.Stimuli = c.Stimuli[1:]
	_, err = sims.Krus96Params(&c, sims.Krus96Default)
	require.ErrorContains(t, err, "no training compound I1.PC1")
}
