package sweep

import (
	"context"
	"fmt"
	"sync"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/seed"
)

// gateState is where a config stands with respect to a memoryGate.
type gateState uint8

const (
	outside gateState = iota // not started
	inside                   // its runs hold their memory
	left                     // written, failed, or never started
)

// A memoryGate bounds the memory of the configs that a sweep holds
// together: the configs' runs share one pool of workers, so with W workers
// up to W configs can be in flight, each holding its runs' curves and
// models until it is written. Config k enters with its estimate when its
// first run starts and leaves when it is written; it enters only after
// every config before it has entered, and only when its estimate fits
// beside what the configs inside hold (or nothing is inside). The workers
// take runs in config order, so a run waiting at the gate waits only for
// configs before it, whose runs are all taken and end without the gate:
// the gate never deadlocks, and since each config alone fits the limit
// (cli.Prepare checked it), every config enters.
type memoryGate struct {
	limit budget.Bytes
	need  []budget.Bytes // per config, in run order

	mu    sync.Mutex
	cond  sync.Cond
	state []gateState
	next  int // the first config still outside
	held  budget.Bytes
	in    int // configs inside
	peak  int // most configs inside at once
	waits int // configs that waited for memory or for an earlier config
	// onWait, if set, is called (with mu held) when config k starts to
	// wait: tests see a config wait without sleeping.
	onWait func(k int)
}

// newMemoryGate returns a gate for configs needing need bytes each under
// limit; ctx's cancellation wakes the waiting runs, which then return its
// error. stop releases what the gate holds of ctx.
func newMemoryGate(ctx context.Context, limit budget.Bytes, need []budget.Bytes) (g *memoryGate, stop func() bool) {
	g = &memoryGate{limit: limit, need: need, state: make([]gateState, len(need))}
	g.cond.L = &g.mu
	stop = context.AfterFunc(ctx, func() {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	return g, stop
}

// enter returns when config k is inside (at once if it is already), or
// ctx's error if ctx is cancelled while it waits.
func (g *memoryGate) enter(ctx context.Context, k int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	waited := false
	for g.state[k] == outside && !g.fits(k) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("waiting for memory: %w", err)
		}
		if !waited {
			waited = true
			g.waits++
			if g.onWait != nil {
				g.onWait(k)
			}
		}
		g.cond.Wait()
	}
	if g.state[k] != outside {
		return nil
	}
	g.state[k] = inside
	g.held = g.held.Plus(g.need[k])
	g.in++
	g.peak = max(g.peak, g.in)
	g.advance()
	return nil
}

// fits reports whether config k may enter now.
func (g *memoryGate) fits(k int) bool {
	return g.next == k && (g.in == 0 || g.held.Plus(g.need[k]) <= g.limit)
}

// leave gives back config k's memory; a config that never entered (its
// jobs failed their checks) stops holding up the configs after it.
func (g *memoryGate) leave(k int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state[k] == inside {
		g.held -= g.need[k]
		g.in--
	}
	g.state[k] = left
	g.advance()
}

// advance moves next past the configs no longer outside and wakes the
// waiting runs.
func (g *memoryGate) advance() {
	for g.next < len(g.state) && g.state[g.next] != outside {
		g.next++
	}
	g.cond.Broadcast()
}

// counts returns the most configs that were inside at once and how many
// configs waited.
func (g *memoryGate) counts() (peak, waits int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak, g.waits
}

// fewest returns the fewest configs that the limit lets in together where
// it is the limit that stops them: for each config k, how many configs
// from k on fit together, counted where a config beyond them does not fit
// (so that the end of the list does not count). It returns len(need) when
// the limit stops no run of configs.
func fewest(limit budget.Bytes, need []budget.Bytes) (n int, largest budget.Bytes) {
	n = len(need)
	j, sum := 0, budget.Bytes(0) // need[k:j] fit together, and sum is theirs
	for k := range need {
		largest = max(largest, need[k])
		if j == k { // a config alone always enters
			sum, j = need[k], k+1
		}
		for j < len(need) && sum.Plus(need[j]) <= limit {
			sum, j = sum+need[j], j+1
		}
		if j < len(need) {
			n = min(n, j-k)
		}
		sum -= need[k]
	}
	return n, largest
}

// wrap returns a job's New that first lets config k in: a config's runs
// build their models only when its memory is granted.
func (g *memoryGate) wrap(ctx context.Context, k int, next func(int, seed.Source) (stream.Stream, error)) func(int, seed.Source) (stream.Stream, error) {
	return func(r int, src seed.Source) (stream.Stream, error) {
		if err := g.enter(ctx, k); err != nil {
			return nil, err
		}
		return next(r, src)
	}
}
