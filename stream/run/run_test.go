package run_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

func jobs(t *testing.T, trace bool) []run.Job {
	t.Helper()
	tasks, err := task.Parse("shj")
	require.NoError(t, err)
	var js []run.Job
	for _, tk := range tasks {
		js = append(js, run.Job{Name: tk.Name, Task: tk, Runs: 5, Blocks: 6, Seed: 7, Loss: loss.CrossEntropy{}, Trace: trace,
			New: func(r int, src seed.Source) (stream.Stream, error) { return toy.New(3, 2, 0.3, src), nil }})
	}
	return js
}

func TestWorkersBitIdentical(t *testing.T) {
	var ref []run.Result
	for _, w := range []int{1, 2, 8} {
		res := run.Do(context.Background(), jobs(t, true), run.Options{Workers: w})
		for i := range res {
			require.NoError(t, res[i].Err)
		}
		if ref == nil {
			ref = res
			continue
		}
		for i := range res {
			assert.Equal(t, ref[i].PError, res[i].PError, "workers %d", w)
			assert.Equal(t, ref[i].Loss, res[i].Loss, "workers %d", w)
			for r := range res[i].Runs {
				assert.Equal(t, ref[i].Runs[r].Trace, res[i].Runs[r].Trace, "workers %d run %d", w, r)
			}
		}
	}
}

// TestStates: every run's final state by name, in run order; a run with
// no model is named.
func TestStates(t *testing.T) {
	res := run.Do(context.Background(), jobs(t, false)[:1], run.Options{})
	require.NoError(t, res[0].Err)
	st, err := res[0].States()
	require.NoError(t, err)
	require.Len(t, st, 5)
	for k, s := range st {
		require.Equal(t, stream.StateMap(res[0].Runs[k].Model.State()), s)
	}
	res[0].Runs[3].Model = nil
	_, err = res[0].States()
	require.EqualError(t, err, "task shj1: run 3 has no model")
}

func TestRunsDiffer(t *testing.T) {
	res := run.Do(context.Background(), jobs(t, false)[:1], run.Options{Workers: 1})
	require.NoError(t, res[0].Err)
	a, b := res[0].Runs[0].PError[0], res[0].Runs[1].PError[0]
	assert.NotEqual(t, a, b, "runs 0 and 1 should start from different states")
}

func TestDivergenceReported(t *testing.T) {
	js := jobs(t, false)[:2]
	js[0].New = func(r int, src seed.Source) (stream.Stream, error) {
		l := toy.New(3, 2, 0.3, src)
		if r == 3 {
			l.DivergeAt = 20 // block 2, trial 3
		}
		return l, nil
	}
	res := run.Do(context.Background(), js, run.Options{Workers: 2})
	var d *run.Diverged
	require.True(t, errors.As(res[0].Err, &d), "got %v", res[0].Err)
	assert.Equal(t, [3]int{3, 2, 3}, [3]int{d.Run, d.Block, d.Trial})
	assert.Nil(t, res[0].PError, "a diverged job has no curves")
	assert.NoError(t, res[1].Err, "the other job goes on")
}

func TestCurvesAreMeans(t *testing.T) {
	res := run.Do(context.Background(), jobs(t, true)[:1], run.Options{Workers: 2})
	r := res[0]
	require.NoError(t, r.Err)
	// Recompute block 0's mean error from the trace.
	var sum float64
	var n int
	for _, rr := range r.Runs {
		for _, line := range strings.Split(strings.TrimSpace(string(rr.Trace)), "\n") {
			f := strings.Split(line, ",")
			if f[1] != "0" {
				continue
			}
			var v float64
			_, err := fmtSscan(f[5], &v)
			require.NoError(t, err)
			sum += v
			n++
		}
	}
	assert.Equal(t, 5*8, n)
	assert.InDelta(t, sum/float64(n), r.PError[0][0], 1e-15)
}

func TestTraceHeader(t *testing.T) {
	src := seed.For(1, 0)
	single := toy.New(3, 2, 0.1, src)
	assert.Equal(t, "run,block,trial,signature,label,proberror,loss,p0,p1,recruited,n_active", run.TraceHeader(single, 2))
	pair := &toy.Pair{A: toy.New(3, 2, 0.1, src), B: toy.New(3, 2, 0.1, src)}
	assert.Equal(t, "run,block,trial,signature,label,proberror_fast,proberror_slow,proberror_total,loss_fast,loss_slow,loss_total,recruited,n_active",
		run.TraceHeader(pair, 2))
}

func TestCompositeParts(t *testing.T) {
	js := jobs(t, true)[:1]
	js[0].New = func(r int, src seed.Source) (stream.Stream, error) {
		return &toy.Pair{A: toy.New(3, 2, 0.3, src.Sub("fast")), B: toy.New(3, 2, 0.01, src.Sub("slow"))}, nil
	}
	res := run.Do(context.Background(), js, run.Options{Workers: 2})
	require.NoError(t, res[0].Err)
	assert.Equal(t, []string{"fast", "slow", "total"}, res[0].Parts)
	assert.Len(t, res[0].PError, 3)
	row := strings.SplitN(string(res[0].Runs[0].Trace), "\n", 2)[0]
	assert.Len(t, strings.Split(row, ","), 13)
}

func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := run.NewProgress(&buf, "toy")
	res := run.Do(context.Background(), jobs(t, false), run.Options{Workers: 2, Progress: p})
	require.NoError(t, res[0].Err)
	assert.Contains(t, buf.String(), "toy: 30 runs, 1440 trials in")
}

func TestOrderTableMustCover(t *testing.T) {
	js := jobs(t, false)[:1]
	tab, err := scheduleTable("run,block,i0,i1,i2,i3,i4,i5,i6,i7\n0,0,0,1,2,3,4,5,6,7\n")
	require.NoError(t, err)
	js[0].Schedule = tab
	res := run.Do(context.Background(), js, run.Options{})
	require.Error(t, res[0].Err)
	assert.Contains(t, res[0].Err.Error(), "no order for run 0 block 1")
}

func TestDoneCalledPerJob(t *testing.T) {
	js := jobs(t, false)
	js[2].Runs = 0 // fails its checks
	var mu sync.Mutex
	seen := map[int]bool{}
	res := run.Do(context.Background(), js, run.Options{Workers: 3, Release: true, Done: func(j int, r *run.Result) {
		mu.Lock()
		defer mu.Unlock()
		assert.False(t, seen[j], "job %d done twice", j)
		seen[j] = true
		if j == 2 {
			assert.Error(t, r.Err)
			return
		}
		assert.NoError(t, r.Err)
		assert.Len(t, r.Runs, 5, "runs are there during Done")
		assert.Len(t, r.PError[0], 6)
	}})
	assert.Len(t, seen, len(js))
	assert.Nil(t, res[0].Runs, "Release drops the runs")
	assert.NotNil(t, res[0].PError)
}

func TestModelErrIsDivergence(t *testing.T) {
	js := jobs(t, false)[:1]
	js[0].New = func(r int, src seed.Source) (stream.Stream, error) {
		l := toy.New(3, 2, 0.3, src)
		l.FailAt = 10 // block 1, trial 1
		return l, nil
	}
	res := run.Do(context.Background(), js, run.Options{Workers: 1})
	var d *run.Diverged
	require.True(t, errors.As(res[0].Err, &d), "got %v", res[0].Err)
	assert.Equal(t, [3]int{0, 1, 1}, [3]int{d.Run, d.Block, d.Trial})
	assert.Contains(t, d.Error(), "attention collapsed")
}

func TestPerTask(t *testing.T) {
	res := run.Do(context.Background(), jobs(t, false)[:2], run.Options{Workers: 2})
	names, err := run.PerTask(res, func(tk *task.Task, states []map[string]stream.Array) (string, error) {
		assert.Len(t, states, 5, "one state per run")
		assert.Contains(t, states[0], "W.weight")
		return tk.Name, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"shj1", "shj2"}, names)
	_, err = run.PerTask(res, func(*task.Task, []map[string]stream.Array) (int, error) { return 0, errors.New("boom") })
	assert.EqualError(t, err, "boom")
}

// TestFinishedPerRun: Finished sees every run that ended, once, with its
// model; what it keeps reaches the results, and its error fails that
// run's job only.
func TestFinishedPerRun(t *testing.T) {
	var mu sync.Mutex
	seen := map[[2]int]int{}
	js := jobs(t, false)
	res := run.Do(context.Background(), js, run.Options{Workers: 2, Finished: func(j int, rr *run.RunResult) error {
		mu.Lock()
		seen[[2]int{j, rr.Run}]++
		mu.Unlock()
		if rr.Model == nil {
			return errors.New("no model")
		}
		if j == 3 && rr.Run == 4 {
			return errors.New("disk full")
		}
		rr.Digest = rr.Model.Active()
		if rr.Run > 0 {
			rr.Model = nil
		}
		return nil
	}})
	for j := range js {
		for r := 0; r < js[j].Runs; r++ {
			if j == 3 { // its failure may stop a run in progress
				assert.LessOrEqual(t, seen[[2]int{j, r}], 1, "job %d run %d", j, r)
				continue
			}
			assert.Equal(t, 1, seen[[2]int{j, r}], "job %d run %d", j, r)
		}
		if j == 3 {
			require.ErrorContains(t, res[j].Err, "shj4: run 4: disk full")
			continue
		}
		require.NoError(t, res[j].Err)
		for r, rr := range res[j].Runs {
			assert.Equal(t, int(rr.Units[len(rr.Units)-1]), rr.Digest, "job %d run %d", j, r)
			assert.Equal(t, r == 0, rr.Model != nil, "job %d run %d", j, r)
		}
		_, err := res[j].States()
		assert.ErrorContains(t, err, "run 1 has no model")
	}
}

// gradLoss is cross-entropy whose gradient turns to v from trial at on,
// its value staying finite.
type gradLoss struct {
	loss.CrossEntropy
	at, n int
	v     float64
}

func (g *gradLoss) Eval(z, y, dz []float64) float64 {
	l := g.CrossEntropy.Eval(z, y, dz)
	if dz != nil {
		if g.n >= g.at {
			dz[len(dz)-1] = g.v
		}
		g.n++
	}
	return l
}

// TestDivergenceNamed: a trial whose logits, loss or loss gradient is NaN
// or infinite ends its run with a divergence naming the trial and what
// stopped being finite; a finite trial goes on.
func TestDivergenceNamed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		diverge  int
		grad     float64
		want     string
		at       [2]int
		finished bool
	}{
		{name: "logits", diverge: 13, grad: 0, want: "logits [NaN NaN], loss NaN", at: [2]int{1, 4}},
		{name: "gradient NaN", grad: math.NaN(), want: "loss gradient [", at: [2]int{1, 1}},
		{name: "gradient +Inf", grad: math.Inf(1), want: "+Inf]", at: [2]int{1, 1}},
		{name: "gradient −Inf", grad: math.Inf(-1), want: "-Inf]", at: [2]int{1, 1}},
		{name: "finite", grad: 1e-3, finished: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jb := jobs(t, false)[0]
			jb.Runs = 1
			if tc.grad != 0 {
				jb.Loss = &gradLoss{at: 9, v: tc.grad}
			}
			jb.New = func(r int, src seed.Source) (stream.Stream, error) {
				l := toy.New(3, 2, 0.3, src)
				l.DivergeAt = tc.diverge
				return l, nil
			}
			_, err := run.One(context.Background(), &jb, 0, nil, nil)
			if tc.finished {
				require.NoError(t, err)
				return
			}
			var d *run.Diverged
			require.True(t, errors.As(err, &d), "got %v", err)
			assert.Equal(t, tc.at, [2]int{d.Block, d.Trial})
			assert.Contains(t, d.What, tc.want)
		})
	}
}

// BenchmarkDo times what the trial loop costs around a model: short runs
// (4 blocks of SHJ type I's 8 items) of a toy learner of 3 × 2 weights,
// on one worker; ns/op and allocs/op are per run.
func BenchmarkDo(b *testing.B) {
	tasks, err := task.Parse("shj1")
	require.NoError(b, err)
	jb := run.Job{Name: "shj1", Task: tasks[0], Runs: 100, Blocks: 4, Seed: 7, Loss: loss.CrossEntropy{},
		New: func(r int, src seed.Source) (stream.Stream, error) { return toy.New(3, 2, 0.3, src), nil }}
	b.ReportAllocs()
	for b.Loop() {
		if res := run.Do(context.Background(), []run.Job{jb}, run.Options{Workers: 1}); res[0].Err != nil {
			b.Fatal(res[0].Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*jb.Runs), "ns/run")
}

// bceJobs is jobs with the binary cross-entropy, whose values a run
// without a trace takes a window of trials at a time (loss.Separable).
func bceJobs(t *testing.T, trace bool) []run.Job {
	js := jobs(t, trace)
	for i := range js {
		js[i].Loss = loss.BCELogits{}
	}
	return js
}

// sameCurves asserts that two results' curves have the same bits.
func sameCurves(t *testing.T, want, got []run.Result) {
	t.Helper()
	bits := func(v [][]float64) [][]uint64 {
		out := make([][]uint64, len(v))
		for p := range v {
			for _, x := range v[p] {
				out[p] = append(out[p], math.Float64bits(x))
			}
		}
		return out
	}
	for j := range want {
		require.NoError(t, want[j].Err)
		require.NoError(t, got[j].Err)
		assert.Equal(t, bits(want[j].PError), bits(got[j].PError), "job %d", j)
		assert.Equal(t, bits(want[j].Loss), bits(got[j].Loss), "job %d", j)
		for r := range want[j].Runs {
			w, g := want[j].Runs[r], got[j].Runs[r]
			assert.Equal(t, bits(w.PError), bits(g.PError), "job %d run %d", j, r)
			assert.Equal(t, bits(w.Loss), bits(g.Loss), "job %d run %d", j, r)
			assert.Equal(t, w.Recruits, g.Recruits, "job %d run %d", j, r)
			assert.Equal(t, w.Units, g.Units, "job %d run %d", j, r)
		}
	}
}

// TestSettledSameBits: a run that takes its losses a window at a time has
// the curves of one that takes them trial by trial (a traced run does),
// to the bit, with windows that end at blocks' ends (8 items a block, 64
// trials a window) and inside blocks (7 items), and runs that end inside a
// window, on 1 and 2 workers.
func TestSettledSameBits(t *testing.T) {
	for _, items := range []int{8, 7} {
		for _, blocks := range []int{6, 8, 9, 40} {
			traced, settled := bceJobs(t, true), bceJobs(t, false)
			for i := range traced {
				tk := *traced[i].Task
				tk.Items = tk.Items[:items]
				traced[i].Task, settled[i].Task = &tk, &tk
				traced[i].Blocks, settled[i].Blocks = blocks, blocks
			}
			want := run.Do(context.Background(), traced, run.Options{Workers: 1})
			for _, w := range []int{1, 2} {
				sameCurves(t, want, run.Do(context.Background(), settled, run.Options{Workers: w}))
			}
		}
	}
}

// overflowing is a toy learner whose logits for item 5 are 10^308 each:
// with a target of 0 for both classes, the binary cross-entropy's sum
// overflows beside finite logits, a finite gradient (½ each) and a finite
// probability of error, and the learner goes on.
type overflowing struct{ *toy.Linear }

func (o overflowing) Forward(tr *stream.Trial) []float64 {
	z := o.Linear.Forward(tr)
	if tr.Item == 5 {
		for c := range z {
			z[c] = 1e308
		}
	}
	return z
}

// TestSettledDivergence: a run that takes its losses a window at a time
// reports a divergence at the trial, with the values, that a run taking
// them trial by trial reports: logits that stop being finite, a loss that
// overflows beside finite logits and gradient (found when its window
// settles), a model's own failure, each in the first window and later.
func TestSettledDivergence(t *testing.T) {
	for _, tc := range []struct {
		name      string
		diverge   int // toy.Linear.DivergeAt
		fail      int // toy.Linear.FailAt
		overflow  bool
		wantBlock int
	}{
		{name: "logits", diverge: 13, wantBlock: 1},
		{name: "logits late", diverge: 150, wantBlock: 18},
		{name: "model", fail: 10, wantBlock: 1},
		{name: "model late", fail: 100, wantBlock: 12},
		{name: "loss", overflow: true, wantBlock: 0},
		{name: "loss before logits", overflow: true, diverge: 13, wantBlock: 0},
		{name: "loss before model", overflow: true, fail: 20, wantBlock: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []error
			for _, trace := range []bool{true, false} {
				jb := bceJobs(t, trace)[0]
				jb.Runs, jb.Blocks = 1, 30
				if tc.overflow {
					items := append([]task.Item(nil), jb.Task.Items...)
					items[5].Target = []float64{0, 0}
					tk := *jb.Task
					tk.Items = items
					jb.Task = &tk
				}
				jb.New = func(r int, src seed.Source) (stream.Stream, error) {
					l := toy.New(3, 2, 0.3, src)
					l.DivergeAt, l.FailAt = tc.diverge, tc.fail
					if tc.overflow {
						return overflowing{l}, nil
					}
					return l, nil
				}
				_, err := run.One(context.Background(), &jb, 0, nil, nil)
				var d *run.Diverged
				require.True(t, errors.As(err, &d), "trace %v: got %v", trace, err)
				assert.Equal(t, tc.wantBlock, d.Block, "trace %v: %v", trace, err)
				errs = append(errs, err)
			}
			assert.Equal(t, errs[0].Error(), errs[1].Error())
		})
	}
}

// halting is overflowing with a hook on the learning step of each trial.
type halting struct {
	overflowing
	learned func(tr *stream.Trial)
}

func (h halting) Learn(tr *stream.Trial, dz []float64) {
	h.overflowing.Learn(tr, dz)
	h.learned(tr)
}

// TestSettledDivergenceHalted: a run that takes its losses a window at a
// time and is cancelled, or stopped by another run's failure, after a
// trial whose loss overflowed but before its window settled reports that
// divergence, as a run taking them trial by trial does (which returned at
// that trial), not the cancellation.
func TestSettledDivergenceHalted(t *testing.T) {
	for _, how := range []string{"cancelled", "stopped"} {
		t.Run(how, func(t *testing.T) {
			var errs []error
			for _, trace := range []bool{true, false} {
				jb := bceJobs(t, trace)[0]
				jb.Runs, jb.Blocks = 1, 30
				items := append([]task.Item(nil), jb.Task.Items...)
				items[5].Target = []float64{0, 0}
				tk := *jb.Task
				tk.Items = items
				jb.Task = &tk
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var stop atomic.Bool
				jb.New = func(r int, src seed.Source) (stream.Stream, error) {
					l := toy.New(3, 2, 0.3, src)
					return halting{overflowing{l}, func(tr *stream.Trial) {
						if tr.Block == 0 && tr.Index == len(items)-1 { // block 0's last trial, after item 5's
							cancel()
							stop.Store(how == "stopped")
						}
					}}, nil
				}
				if how == "stopped" {
					ctx = context.Background()
				}
				_, err := run.One(ctx, &jb, 0, &stop, nil)
				var d *run.Diverged
				require.True(t, errors.As(err, &d), "trace %v: got %v", trace, err)
				assert.Equal(t, 0, d.Block, "trace %v: %v", trace, err)
				errs = append(errs, err)
			}
			assert.Equal(t, errs[0].Error(), errs[1].Error())
		})
	}
}
