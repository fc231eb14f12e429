package sweep

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/internal/toymodel"
	"github.com/fastslow/stream/provenance"
)

// enterAsync starts config k's entry and returns a channel that yields
// its error once it is inside (or gave up).
func enterAsync(ctx context.Context, g *memoryGate, k int) <-chan error {
	done := make(chan error, 1)
	go func() { done <- g.enter(ctx, k) }()
	return done
}

// TestMemoryGate: configs enter in order and only when their memory fits
// beside the configs inside; a small config does not overtake a large one
// before it; leaving lets the waiting ones in.
func TestMemoryGate(t *testing.T) {
	ctx := context.Background()
	g, stop := newMemoryGate(ctx, 10, []budget.Bytes{6, 6, 3})
	defer stop()
	waiting := make(chan int, 3)
	g.onWait = func(k int) { waiting <- k }
	require.NoError(t, g.enter(ctx, 0))
	require.NoError(t, g.enter(ctx, 0), "a second run of a config inside passes")

	small := enterAsync(ctx, g, 2) // fits beside config 0, but config 1 comes first
	assert.Equal(t, 2, <-waiting)
	large := enterAsync(ctx, g, 1) // does not fit beside config 0
	assert.Equal(t, 1, <-waiting)
	g.mu.Lock()
	assert.Equal(t, []gateState{inside, outside, outside}, g.state)
	assert.Equal(t, budget.Bytes(6), g.held)
	g.mu.Unlock()

	g.leave(0)
	require.NoError(t, <-large)
	require.NoError(t, <-small)
	g.leave(1)
	g.leave(2)
	peak, waits := g.counts()
	assert.Equal(t, 2, peak, "configs 1 and 2 fit together")
	assert.Equal(t, 2, waits)
	assert.Zero(t, g.held)
}

// TestMemoryGateSkipsAndCancels: a config that leaves without entering
// (its jobs failed their checks) holds up nobody, and a cancelled context
// ends a wait with its error.
func TestMemoryGateSkipsAndCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g, stop := newMemoryGate(ctx, 10, []budget.Bytes{5, 8, 8})
	defer stop()
	waiting := make(chan int, 3)
	g.onWait = func(k int) { waiting <- k }
	g.leave(0)
	require.NoError(t, g.enter(ctx, 1))
	assert.Empty(t, waiting, "config 1 entered without waiting")
	blocked := enterAsync(ctx, g, 2)
	assert.Equal(t, 2, <-waiting)
	cancel()
	assert.ErrorIs(t, <-blocked, context.Canceled)
}

func TestFewest(t *testing.T) {
	for _, c := range []struct {
		name    string
		limit   budget.Bytes
		need    []budget.Bytes
		n       int
		largest budget.Bytes
	}{
		{"all fit", 100, []budget.Bytes{10, 20, 30}, 3, 30},
		{"one at a time", 10, []budget.Bytes{6, 6, 6}, 1, 6},
		{"two at a time", 13, []budget.Bytes{6, 6, 6, 6}, 2, 6},
		{"a large one in the middle", 10, []budget.Bytes{2, 2, 9, 2, 2}, 1, 9},
		{"the end does not count", 10, []budget.Bytes{6, 2, 2}, 3, 6},
		{"the limit stops the first window only", 10, []budget.Bytes{5, 5, 1, 1}, 2, 5},
		{"none", 10, nil, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, largest := fewest(c.limit, c.need)
			assert.Equal(t, c.n, n)
			assert.Equal(t, c.largest, largest)
		})
	}
}

// TestMemoryLimitInFlight: under a limit that holds one config but not
// two, a sweep on four workers still finishes every config, never holds
// two at once, says why, and writes the same files as without the limit.
func TestMemoryLimitInFlight(t *testing.T) {
	dir := t.TempDir()
	sw := toySweep(4)
	free := budget.Limit{Bytes: 1 << 40, Source: "test"}
	ref := filepath.Join(dir, "ref")
	sum, err := Run(context.Background(), sw, RunOptions{Out: ref, Workers: 4, Limit: &free})
	require.NoError(t, err)
	require.Equal(t, 4, sum.Done)

	plan, err := cli.Prepare(toymodel.Model(), cli.Options{Config: filepath.Join(ref, "configs", "s_1.toml"), Workers: 4, Quiet: true})
	require.NoError(t, err)
	one := cli.Estimate(plan.Setup, plan.Options, plan.Tasks)
	tight := budget.Limit{Bytes: one * 3 / 2, Source: "-memory test"}

	out := filepath.Join(dir, "out")
	var log bytes.Buffer
	sum, err = Run(context.Background(), sw, RunOptions{Out: out, Workers: 4, Limit: &tight, Log: &log})
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Done)
	assert.Equal(t, 1, sum.InFlight, "configs in flight together")
	assert.Contains(t, log.String(), "holds as few as 1 of these configs at once")
	assert.Contains(t, log.String(), "(-memory test)")

	skip := func(rel string) bool { return filepath.Base(rel) == provenance.FileName }
	assert.Equal(t, fixture.Results(t, ref, skip), fixture.Results(t, out, skip))
}
