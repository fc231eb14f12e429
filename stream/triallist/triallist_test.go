package triallist_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
	"github.com/stretchr/testify/require"
)

// TestReadCatlearnLists reads two of catlearn's own training lists
// (shin92train() and the first subject of krus96train()) and checks what
// the reader makes of their columns.
func TestReadCatlearnLists(t *testing.T) {
	shin, err := triallist.ReadFile("testdata/shin92train_equal3.csv")
	require.NoError(t, err)
	require.Equal(t, "shin92train_equal3", shin.Name)
	require.Equal(t, 4, shin.Dims)
	require.Equal(t, 2, shin.Classes)
	require.Equal(t, -1.0, shin.Absent)
	require.Equal(t, 1, shin.Subjects)
	require.Len(t, shin.Trials, 96)
	require.Equal(t, 16, shin.Items) // the 6 training items among the 16 transfer stimuli
	first, last := shin.Trials[0], shin.Trials[95]
	require.Equal(t, triallist.Reset, first.Ctrl)
	require.Equal(t, "11", first.Stim)
	require.Equal(t, []float64{-0.0089, 0.3389, 0.4944, 1.5733}, first.X)
	require.Equal(t, 1, first.Label) // t1 = −1, t2 = 1
	require.Equal(t, triallist.Frozen, last.Ctrl)
	require.Equal(t, 2, last.Phase)
	require.Equal(t, "1", last.Cond)

	krus, err := triallist.ReadFile("testdata/krus96_subject1.csv")
	require.NoError(t, err)
	require.Equal(t, 7, krus.Dims)
	require.Equal(t, 4, krus.Classes)
	require.Equal(t, 0.0, krus.Absent)
	require.Len(t, krus.Trials, 138)
	test := krus.Trials[137]
	require.Equal(t, triallist.Frozen, test.Ctrl)
	require.Equal(t, "I2.PC2.PR1", test.Stim)
	require.Equal(t, 16, test.Block)
	require.Equal(t, -1, test.Label) // no feedback on a test trial
	require.Equal(t, 4+18, krus.Items)
}

// TestReadErrors feeds the reader bad lists; each error must name the
// file, the line or trial and what was expected.
func TestReadErrors(t *testing.T) {
	const head = "ctrl,x1,x2,t1,t2\n"
	cases := []struct {
		name, csv string
		want      []string
	}{
		{"empty", "", []string{"bad.csv", "empty file"}},
		{"no ctrl", "x1,t1,t2\n1,1,-1\n", []string{"line 1", "no ctrl column"}},
		{"unknown column", "ctrl,x1,t1,t2,colour\n1,0,1,-1,red\n", []string{"line 1", `unknown column "colour"`}},
		{"one category", "ctrl,x1,t1\n1,0,1\n", []string{"line 1", "1 teaching signal", "at least 2"}},
		{"gap in features", "ctrl,x1,x3,t1,t2\n1,0,0,1,-1\n", []string{"line 1", "column x2 missing"}},
		{"ragged row", head + "1,0,0,1,-1\n0,1,1,-1\n", []string{"bad.csv", "line 3", "4 fields", "header has 5"}},
		{"not a number", head + "1,0,a,1,-1\n", []string{"line 2", "column x2", `"a"`}},
		{"NA feature", head + "1,0,NA,1,-1\n", []string{"line 2", "column x2", `"NA"`}},
		{"unknown control code", head + "1,0,0,1,-1\n7,1,1,-1,1\n", []string{"trial 2", "unknown control code 7"}},
		{"unsupervised", head + "4,0,0,1,-1\n", []string{"trial 1", "ctrl 4", "unsupervised"}},
		{"test before training", head + "2,0,0,1,-1\n1,0,0,1,-1\n", []string{"trial 1", "test trial (ctrl 2) before any training"}},
		{"learn before reset", head + "0,0,0,1,-1\n", []string{"trial 1", "before the first reset"}},
		{"no category present", head + "1,0,0,-1,-1\n", []string{"trial 1", "no category present"}},
		{"two categories present", head + "1,0,0,1,1\n", []string{"trial 1", "categories 1 and 2 both present"}},
		{"target not a category signal", head + "1,0,0,1,-1\n0,1,1,0.5,1\n", []string{"trial 2", "t1 = 0.5", "want 1 (present) or -1 (absent)"}},
		{"missing dimension", "ctrl,x1,t1,t2,m1\n1,0,1,-1,1\n", []string{"line 2", "m1 = 1", "not supported"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := triallist.Read(strings.NewReader(c.csv), "bad.csv")
			require.Error(t, err)
			for _, w := range c.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
}

// FuzzRead checks that the reader never panics and that a list it accepts
// passes its own check and runs.
func FuzzRead(f *testing.F) {
	f.Add("ctrl,x1,x2,t1,t2\n1,0,0,1,-1\n0,1,1,-1,1\n2,1,0,-1,-1\n")
	f.Add("ctrl,block,stim,x1,t1,t2,t3\n1,1,\"a.b\",1,1,0,0\n2,2,\"c\",0,0,0,0\n")
	f.Add("ctrl,cond,phase,blk,stim,x1,t1,t2,m1\n1,1,1,1,11,0.5,-1,1,0\n")
	f.Fuzz(func(t *testing.T, data string) {
		l, err := triallist.Read(strings.NewReader(data), "fuzz.csv")
		if err != nil {
			return
		}
		require.NoError(t, l.Check())
		if len(l.Trials) > 64 || l.Dims > 16 || l.Classes > 16 {
			return
		}
		_, err = triallist.Run(context.Background(), l, triallist.Options{New: newToy(l)})
		var div *run.Diverged
		if err != nil && !errors.As(err, &div) {
			t.Fatalf("a checked list fails to run: %v", err)
		}
	})
}

func newToy(l *triallist.List) func(int, seed.Source) (stream.Stream, error) {
	return func(_ int, src seed.Source) (stream.Stream, error) { return toy.New(l.Dims, l.Classes, 0.1, src), nil }
}

// TestRunFrozen checks that frozen trials respond from the state the
// training left, never learn and leave the state as it was, that the
// probabilities are the softmax of the logits, and that the result does
// not depend on the number of workers.
func TestRunFrozen(t *testing.T) {
	l, err := triallist.ReadFile("testdata/krus96_subject1.csv")
	require.NoError(t, err)
	var models []*toy.Linear
	var states [][]stream.Array
	opt := triallist.Options{Seed: 3, Loss: loss.CrossEntropy{}, New: func(_ int, src seed.Source) (stream.Stream, error) {
		m := toy.New(l.Dims, l.Classes, 0.1, src)
		models = append(models, m)
		return m, nil
	}}
	res, err := triallist.Run(context.Background(), l, opt)
	require.NoError(t, err)
	require.Len(t, models, 1)

	// Replay by hand: learn through the training trials, then every test
	// trial must respond with the trained weights, which stay as they are.
	m := toy.New(l.Dims, l.Classes, 0.1, seed.For(3, 0))
	p := make([]float64, l.Classes)
	dz := make([]float64, l.Classes)
	for i := range l.Trials {
		tr := &l.Trials[i]
		y := make([]float64, l.Classes)
		if tr.Label >= 0 {
			y[tr.Label] = 1
		}
		st := stream.Trial{Block: max(tr.Block-1, 0), Index: i % 8, X: tr.X, Target: y, Label: max(tr.Label, 0)}
		if i == 0 {
			st.Block, st.Index = 0, 0
		}
		z := m.Forward(&st)
		loss.Softmax(z, p)
		require.Equal(t, p, res.Prob(i), "trial %d", i+1)
		if tr.Ctrl == triallist.Frozen {
			states = append(states, m.State())
			continue
		}
		loss.CrossEntropy{}.Eval(z, y, dz)
		m.Learn(&st, dz)
	}
	require.Len(t, states, 18)
	for _, s := range states {
		require.Equal(t, states[0], s)
	}
	require.Equal(t, m.State(), models[0].State(), "the runner's learner after the test trials")

	// Many subjects on several workers give the same probabilities.
	many := &triallist.List{Name: "x4", Dims: l.Dims, Classes: l.Classes, Absent: l.Absent, Items: l.Items}
	for s := 0; s < 4; s++ {
		for _, tr := range l.Trials {
			tr.Subject = s
			many.Trials = append(many.Trials, tr)
		}
	}
	many.Subjects = 4
	opt.New = newToy(l)
	one, err := triallist.Run(context.Background(), many, opt)
	require.NoError(t, err)
	opt.Workers = 3
	three, err := triallist.Run(context.Background(), many, opt)
	require.NoError(t, err)
	require.Equal(t, one.P, three.P)
	require.Equal(t, res.P, one.P[:len(res.P)])
	require.NotEqual(t, one.P[:len(res.P)], one.P[len(res.P):2*len(res.P)], "subjects are seeded apart")
}

// forgetful is a learner whose Forward changes its state (as a fast
// learner's recruitment does): on frozen trials the runner must restore
// the state after each one.
type forgetful struct {
	*toy.Linear
}

func (f forgetful) Forward(t *stream.Trial) []float64 {
	z := f.Linear.Forward(t)
	f.W[0] += 1
	return z
}

// TestRunRestoresState checks the fallback for learners that are not
// stream.Predictors: every frozen trial responds from the state the
// training left.
func TestRunRestoresState(t *testing.T) {
	l, err := triallist.Read(strings.NewReader("ctrl,x1,t1,t2\n1,1,1,-1\n2,1,-1,1\n2,1,-1,1\n2,1,-1,1\n"), "r.csv")
	require.NoError(t, err)
	var m forgetful
	res, err := triallist.Run(context.Background(), l, triallist.Options{New: func(_ int, src seed.Source) (stream.Stream, error) {
		m = forgetful{toy.New(1, 2, 0.1, src)}
		return m, nil
	}})
	require.NoError(t, err)
	require.Equal(t, res.Prob(1), res.Prob(2))
	require.Equal(t, res.Prob(1), res.Prob(3))
	require.False(t, math.IsNaN(res.P[0]))
}

// TestRunErrors checks a learner with the wrong number of outputs and a
// diverging learner.
func TestRunErrors(t *testing.T) {
	l, err := triallist.ReadFile("testdata/krus96_subject1.csv")
	require.NoError(t, err)
	_, err = triallist.Run(context.Background(), l, triallist.Options{New: func(_ int, src seed.Source) (stream.Stream, error) {
		return toy.New(l.Dims, 2, 0.1, src), nil
	}})
	require.ErrorContains(t, err, "the learner has 2 outputs, the list 4 categories")
	_, err = triallist.Run(context.Background(), l, triallist.Options{New: func(_ int, src seed.Source) (stream.Stream, error) {
		m := toy.New(l.Dims, l.Classes, 0.1, src)
		m.DivergeAt = 5
		return m, nil
	}})
	var div *run.Diverged
	require.ErrorAs(t, err, &div)
	require.Equal(t, 4, div.Trial)
}

// TestAggregate checks the group means against sums by hand.
func TestAggregate(t *testing.T) {
	l, err := triallist.Read(strings.NewReader("ctrl,stim,x1,t1,t2\n1,a,1,1,-1\n0,b,0,-1,1\n2,a,1,1,-1\n2,b,0,-1,-1\n"), "a.csv")
	require.NoError(t, err)
	res := &triallist.Result{List: l, P: []float64{0.5, 0.5, 0.2, 0.8, 0.9, 0.1, 0.3, 0.7}}
	g := res.Aggregate(func(t *triallist.Trial) bool { return t.Ctrl != triallist.Frozen || t.Stim == "a" },
		func(t *triallist.Trial) string { return t.Stim })
	require.Len(t, g, 2)
	require.Equal(t, "a", g[0].Key)
	require.Equal(t, 2, g[0].N)
	require.InDeltaSlice(t, []float64{0.7, 0.3}, g[0].Mean, 1e-15)
	require.InDelta(t, (0.5+0.1)/2, g[0].Error, 1e-15)
	require.Equal(t, "b", g[1].Key)
	require.InDelta(t, 0.2, g[1].Error, 1e-15)
}

// TestHead checks the first subjects of a list.
func TestHead(t *testing.T) {
	l, err := triallist.Read(strings.NewReader("ctrl,x1,t1,t2\n1,1,1,-1\n0,0,-1,1\n1,1,1,-1\n2,0,-1,1\n1,0,-1,1\n"), "h.csv")
	require.NoError(t, err)
	require.Equal(t, 3, l.Subjects)
	h := l.Head(2)
	require.Equal(t, 2, h.Subjects)
	require.Len(t, h.Trials, 4)
	require.NoError(t, h.Check())
	require.Same(t, l, l.Head(0))
	require.Same(t, l, l.Head(3))
}

// TestWriteCSV checks the per-trial table.
func TestWriteCSV(t *testing.T) {
	l, err := triallist.Read(strings.NewReader("ctrl,cond,stim,x1,t1,t2\n1,c,\"a\",1,1,-1\n2,c,\"a\",1,1,-1\n1,c,\"b\",0,-1,1\n"), "w.csv")
	require.NoError(t, err)
	res := &triallist.Result{List: l, P: []float64{0.5, 0.5, 0.25, 0.75, 0.1, 0.9}}
	var b strings.Builder
	require.NoError(t, res.WriteCSV(&b))
	require.Equal(t, "subj,trial,ctrl,cond,phase,blk,stim,p1,p2\n"+
		"1,1,1,\"c\",0,0,\"a\",0.5,0.5\n"+
		"1,2,2,\"c\",0,0,\"a\",0.25,0.75\n"+
		"2,1,1,\"c\",0,0,\"b\",0.1,0.9\n", b.String())
}
