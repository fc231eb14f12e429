package budget

import (
	"context"
	"fmt"
	"sync"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/seed"
)

// gateState is where a unit stands with respect to a Gate.
type gateState uint8

const (
	outside gateState = iota // not started
	inside                   // its runs hold their memory
	gone                     // finished, or never started
)

// A Gate bounds the memory that units of work hold together when their
// runs share one pool of workers (a sweep's configs, a fit's points): with
// W workers up to W units can be in flight, each holding its runs' curves
// and models until it ends, so checking each unit against the limit is not
// enough. Unit k enters with its estimate when its first run starts and
// leaves when it ends; it enters only after every unit before it has
// entered, and only when its estimate fits beside what the units inside
// hold (or nothing is inside). The workers take runs in unit order, so a
// run waiting at the gate waits only for units before it, whose runs are
// all taken and end without the gate: the gate never deadlocks, and when
// each unit alone fits the limit (as the commands check first), every
// unit enters. Results do not depend on it: it only delays runs.
type Gate struct {
	limit Bytes
	need  []Bytes // per unit, in run order

	mu    sync.Mutex
	cond  sync.Cond
	state []gateState
	next  int // the first unit still outside
	held  Bytes
	in    int // units inside
	peak  int // most units inside at once
	waits int // units that waited for memory or for an earlier unit
	// onWait, if set, is called (with mu held) when unit k starts to
	// wait: tests see a unit wait without sleeping.
	onWait func(k int)
}

// NewGate returns a gate for units needing need bytes each under limit.
func NewGate(limit Bytes, need []Bytes) *Gate {
	g := &Gate{limit: limit, need: need, state: make([]gateState, len(need))}
	g.cond.L = &g.mu
	return g
}

// Enter returns when unit k is inside (at once if it is already), or
// ctx's error if ctx is cancelled while it waits.
func (g *Gate) Enter(ctx context.Context, k int) error {
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
			// A cancelled ctx wakes the waiting runs.
			stop := context.AfterFunc(ctx, func() {
				g.mu.Lock()
				g.cond.Broadcast()
				g.mu.Unlock()
			})
			defer stop()
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

// fits reports whether unit k may enter now.
func (g *Gate) fits(k int) bool {
	return g.next == k && (g.in == 0 || g.held.Plus(g.need[k]) <= g.limit)
}

// Leave gives back unit k's memory; a unit that never entered (its jobs
// failed their checks) stops holding up the units after it.
func (g *Gate) Leave(k int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state[k] == inside {
		g.held -= g.need[k]
		g.in--
	}
	g.state[k] = gone
	g.advance()
}

// advance moves next past the units no longer outside and wakes the
// waiting runs.
func (g *Gate) advance() {
	for g.next < len(g.state) && g.state[g.next] != outside {
		g.next++
	}
	g.cond.Broadcast()
}

// Peak returns the most units that were inside at once.
func (g *Gate) Peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// Guard returns a job's model constructor that first lets unit k in: a
// unit's runs build their models only once its memory is granted.
func (g *Gate) Guard(ctx context.Context, k int, next func(int, seed.Source) (stream.Stream, error)) func(int, seed.Source) (stream.Stream, error) {
	return func(r int, src seed.Source) (stream.Stream, error) {
		if err := g.Enter(ctx, k); err != nil {
			return nil, err
		}
		return next(r, src)
	}
}

// Fewest returns the fewest units that limit lets in together where it is
// the limit that stops them (for each unit k, how many units from k on fit
// together, counted where a unit beyond them does not fit, so that the
// end of the list does not count), or len(need) when the limit stops no
// run of units; and the largest need.
func Fewest(limit Bytes, need []Bytes) (n int, largest Bytes) {
	n = len(need)
	j, sum := 0, Bytes(0) // need[k:j] fit together, and sum is theirs
	for k := range need {
		largest = max(largest, need[k])
		if j == k { // a unit alone always enters
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
